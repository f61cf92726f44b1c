// The UI on its own: sharing in one tab, the controls and their accessible names, and bad input in each field.
import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  expectStatus,
  openApp,
  openDetails,
  randomFile,
  sha256,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  hashDownload,
  seriousViolations,
} from './helpers';

test('sharing a file shows it seeding with its magnet link, QR code, .torrent and save button', async ({
  page,
}) => {
  const dir = tempDir();
  const file = randomFile(dir, 'hello.bin', 300_000);
  await openApp(page);
  const magnet = await shareFiles(page, file.path, 'hello.bin');
  const item = torrentItem(page, 'hello.bin');

  await expect(item.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  expect(magnet).toContain('dn=hello.bin');
  expect(magnet).toMatch(/tr=ws%3A%2F%2F127\.0\.0\.1%3A\d+%2F|tr=ws:\/\/127\.0\.0\.1:\d+\//);
  await expect(item.getByRole('button', { name: 'Copy share link' })).toBeVisible();
  await openDetails(item);
  await expect(item.getByRole('img', { name: 'QR code of the magnet link' })).toBeVisible();
  await expect(item.getByRole('button', { name: 'Copy magnet link' })).toBeEnabled();
  await expect(item.getByRole('button', { name: 'Pause' })).toBeEnabled();
  await expect(item.getByRole('button', { name: 'Remove' })).toBeEnabled();

  // The file saves byte-identical from the stored pieces.
  const save = item.getByRole('button', { name: 'Save hello.bin', exact: true });
  await expect(save).toBeEnabled();
  const [saved] = await Promise.all([page.waitForEvent('download'), save.click()]);
  expect(saved.suggestedFilename()).toBe('hello.bin');
  expect((await hashDownload(saved)).sha256).toBe(file.sha256);

  // The .torrent downloads and opens again in another tab as the same torrent.
  const [torrentDownload] = await Promise.all([
    page.waitForEvent('download'),
    item.getByRole('button', { name: 'Download .torrent' }).click(),
  ]);
  expect(torrentDownload.suggestedFilename()).toMatch(/\.torrent$/);
  const torrentPath = join(dir, 'hello.torrent');
  await torrentDownload.saveAs(torrentPath);

  // Pause and resume.
  await item.getByRole('button', { name: 'Pause' }).click();
  await expectStatus(item, 'Paused', 10_000);
  await item.getByRole('button', { name: 'Resume' }).click();
  await expectStatus(item, 'Seeding', 10_000);

  // Remove asks first: Cancel keeps it, Remove in the confirmation takes it off the list.
  await item.getByRole('button', { name: 'Remove' }).click();
  const confirm = item.getByRole('dialog', { name: 'Remove hello.bin?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expectStatus(item, 'Seeding', 10_000);
  await item.getByRole('button', { name: 'Remove' }).click();
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(item).toHaveCount(0);

  // Opening the saved .torrent in the same tab brings it back (its pieces are gone: it downloads again).
  await page.getByLabel('Open .torrent file').setInputFiles(torrentPath);
  await expect(torrentItem(page, 'hello.bin')).toBeVisible();
});

test('sharing a folder keeps nested paths and an empty file', async ({ page }) => {
  const dir = tempDir();
  randomFile(dir, 'album/a.bin', 70_000);
  randomFile(dir, 'album/sub/b.bin', 20_000);
  randomFile(dir, 'album/sub/deeper/empty.txt', 0);
  await openApp(page);
  await page.getByLabel('Share a folder').setInputFiles(join(dir, 'album'));
  const item = torrentItem(page, 'album');
  await expectStatus(item, 'Seeding', 30_000);
  for (const path of ['a.bin', 'sub/b.bin', 'sub/deeper/empty.txt']) {
    await expect(item.getByRole('button', { name: `Save ${path}`, exact: true })).toBeEnabled();
  }
});

test('invalid input in each field shows a clear error and adds nothing', async ({ page }) => {
  const dir = tempDir();
  await openApp(page);
  const list = page.getByRole('list', { name: 'Torrents' });

  // Magnet field: empty, garbage, a magnet link without an info hash, a bad hash.
  const field = page.getByLabel('Magnet link or info hash');
  const download = page.getByRole('button', { name: 'Download', exact: true });
  await download.click();
  await expect(page.getByRole('alert')).toContainText(/magnet link|info hash/i);
  for (const bad of ['hello world', 'magnet:?dn=nothing', 'magnet:?xt=urn:btih:1234', 'abcd'.repeat(9)]) {
    await field.fill(bad);
    await download.click();
    await expect(page.getByRole('alert')).toContainText(/Invalid magnet link or info hash/);
  }
  await expect(list.getByRole('listitem')).toHaveCount(0);
  // The field shows only its latest message, and the message goes once the link is edited.
  const magnetAlert = page.getByRole('alert').filter({ hasText: /Invalid magnet link/ });
  await expect(magnetAlert).toHaveCount(1);
  await field.fill('magnet:?xt=urn:btih:');
  await expect(magnetAlert).toHaveCount(0);

  // .torrent field: a file that is not bencode.
  const notTorrent = join(dir, 'not-a.torrent');
  writeFileSync(notTorrent, 'this is not bencode');
  await page.getByLabel('Open .torrent file').setInputFiles(notTorrent);
  await expect(page.getByRole('alert').filter({ hasText: 'not-a.torrent' })).toContainText(
    'is not in the .torrent format',
  );
  await expect(list.getByRole('listitem')).toHaveCount(0);

  // Share: files that hold zero bytes in all.
  const empty = randomFile(dir, 'empty.bin', 0);
  await page.getByLabel('Share files').setInputFiles(empty.path);
  await expect(page.getByRole('alert').filter({ hasText: /empty\.bin/ })).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(0);
  expect(sha256(empty.bytes)).toBe(empty.sha256);
});

test('Upload limit takes any whole number of KiB/s or empty, and refuses the rest with one message until a good value', async ({
  page,
}) => {
  await openApp(page);
  const field = page.getByLabel('Upload limit');
  const refused = page.getByRole('alert').filter({ hasText: /^Upload limit:/ });
  for (const bad of ['0', '-5', '1.5']) {
    await field.fill(bad);
    await field.press('Enter');
    await expect(refused).toHaveCount(1);
    await expect(refused).toContainText('whole number of KiB/s');
  }
  // Text the number field cannot read is refused too.
  await field.fill('');
  await field.pressSequentially('1e');
  await field.press('Tab');
  await expect(refused).toHaveCount(1);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  expect(await seriousViolations(page, 'header')).toEqual([]);
  // 100 (no multiple of 16) is taken: the message goes, and the limit is remembered.
  await field.fill('100');
  await field.press('Enter');
  await expect(refused).toHaveCount(0);
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
  await page.reload();
  await expect(page.getByLabel('Upload limit')).toHaveValue('100');
  // Empty means none.
  await page.getByLabel('Upload limit').fill('');
  await page.getByLabel('Upload limit').press('Tab');
  await page.reload();
  await expect(page.getByLabel('Upload limit')).toHaveValue('');
  await expect(refused).toHaveCount(0);
});

test('the first screen says how it works and whether the tracker is reachable', async ({ page }) => {
  await openApp(page);
  const howto = page.getByRole('list', { name: 'How it works' });
  await expect(howto).toContainText('Keep this tab open to keep sharing');
  await expect(howto).toContainText("stays in this browser's storage until you remove it");
  await expect(howto).toContainText("Anyone with a torrent's link can download it");
  await expect(page.getByRole('status').filter({ hasText: 'Tracker: reachable' })).toBeVisible();
  // An error stays until the next action that works.
  await startDownload(page, 'not a magnet');
  await expect(page.getByRole('alert').filter({ hasText: /Invalid magnet link/ })).toBeVisible();
  await shareFiles(page, randomFile(tempDir(), 'fine.bin', 1000).path, 'fine.bin');
  await expect(page.getByRole('alert').filter({ hasText: /Invalid magnet link/ })).toHaveCount(0);
});

test('an invalid link in the address shows an error', async ({ page }) => {
  await openApp(page, '/#not-a-magnet');
  await expect(page.getByRole('alert')).toContainText(/Invalid magnet link or info hash/);
});

test('dropping files anywhere on the page shares them', async ({ page }) => {
  await openApp(page);
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(50_000).fill(7)], 'dropped.bin'));
    transfer.items.add(new File(['second'], 'other.txt'));
    const target = document.querySelector('main') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
  const item = torrentItem(page, 'dropped.bin and 1 more');
  await expectStatus(item, 'Seeding', 30_000);
  await expect(item.getByRole('button', { name: 'Save dropped.bin', exact: true })).toBeEnabled();
  await expect(item.getByRole('button', { name: 'Save other.txt', exact: true })).toBeEnabled();
});

test('Copy magnet link and Copy share link put the links on the clipboard; the share link opens the app and asks first', async ({
  browser,
}) => {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const file = randomFile(tempDir(), 'copy.bin', 1000);
  await openApp(page);
  const magnet = await shareFiles(page, file.path, 'copy.bin');
  await openDetails(torrentItem(page, 'copy.bin'));
  await torrentItem(page, 'copy.bin').getByRole('button', { name: 'Copy magnet link' }).click();
  await expect(page.getByText('Copied to the clipboard')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(magnet);
  // The share link is the app's URL with the magnet in its fragment; opened elsewhere, it asks before downloading.
  await torrentItem(page, 'copy.bin').getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(`${new URL(page.url()).origin}/#${encodeURIComponent(magnet)}`);
  const other = await browser.newContext();
  const visitor = await other.newPage();
  await openApp(visitor, link);
  const dialog = visitor.getByRole('dialog', { name: 'Download “copy.bin”?' });
  await dialog.getByRole('button', { name: 'Download', exact: true }).click();
  await expectStatus(torrentItem(visitor, 'copy.bin'), 'Seeding', 60_000);
  // Done: the download rate reads 0 at once, not after the rate's window has drained.
  const down = torrentItem(visitor, 'copy.bin')
    .locator('dt', { hasText: /^Down$/ })
    .locator('xpath=../dd');
  await expect(down).toHaveText('0 B/s', { timeout: 2_000 });
  await other.close();
  await context.close();
});

test('a second tab of the same browser shows the same torrents, then takes over when the first closes', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  const file = randomFile(tempDir(), 'two-tabs.bin', 20_000);
  await openApp(first);
  await shareFiles(first, file.path, 'two-tabs.bin');
  const second = await context.newPage();
  await openApp(second);
  await expect(second.getByText(/Another SwarmDrop tab of this browser holds the connections/)).toBeVisible();
  await expectStatus(torrentItem(second, 'two-tabs.bin'), 'Seeding', 30_000);
  await first.close();
  await expect(second.getByText(/Another SwarmDrop tab/)).toHaveCount(0, { timeout: 30_000 });
  await expectStatus(torrentItem(second, 'two-tabs.bin'), 'Seeding', 30_000);
  await context.close();
});
