// Saving from the keyboard alone, once a download is done: `Save <path>` reached with Tab and pressed with Enter,
// `Save all to a folder` pressed with Space, and `Save all as .zip` (offered where the browser has no folder picker)
// pressed with Enter; every saved file byte-identical to the shared one.
import { expect, test, type Download, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TRANSFER_TIMEOUT,
  expectStatus,
  hashDownload,
  openApp,
  openPeer,
  randomFile,
  shareFiles,
  shareFolder,
  tempDir,
  torrentItem,
} from './helpers';
import { tabTo } from './keyboard';
import { hashesOf, pickFolderInPage, readPickedFolder } from './picked-folder';
import { unzipHashes } from './unzip';

/** Downloads `magnet` in a new tab through the link field and Enter, and waits until the item seeds. */
async function downloadByKeyboard(page: Page, magnet: string, name: string): Promise<Locator> {
  await page.getByLabel('Magnet link or info hash').focus();
  await page.keyboard.type(magnet);
  await page.keyboard.press('Enter');
  const item = torrentItem(page, name);
  await expect(item).toBeFocused();
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  return item;
}

test('Save <path> from the keyboard saves the downloaded file byte-identical', async ({ browser }) => {
  const file = randomFile(tempDir(), 'keys.bin', 300_000);
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, file.path, 'keys.bin');
  const b = await openPeer(browser);
  const item = await downloadByKeyboard(b.page, magnet, 'keys.bin');

  const save = item.getByRole('button', { name: 'Save keys.bin', exact: true });
  await tabTo(b.page, save);
  const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.keyboard.press('Enter')]);
  expect(await hashDownload(download)).toEqual({ sha256: file.sha256, size: 300_000 });
  await a.context.close();
  await b.context.close();
});

test('Save all to a folder from the keyboard writes every file byte-identical', async ({ browser }) => {
  const dir = tempDir();
  const files = [randomFile(dir, 'kset/one.bin', 40_000), randomFile(dir, 'kset/two.bin', 70_000)];
  const a = await openPeer(browser);
  const magnet = await shareFolder(a.page, join(dir, 'kset'), 'kset');
  const b = await openPeer(browser);
  const item = await downloadByKeyboard(b.page, magnet, 'kset');

  await pickFolderInPage(b.page);
  await tabTo(b.page, item.getByRole('button', { name: 'Save all to a folder' }));
  await b.page.keyboard.press('Space');
  await expect
    .poll(async () => hashesOf(await readPickedFolder(b.page, 'kset')), { timeout: 30_000 })
    .toEqual({ 'one.bin': files[0].sha256, 'two.bin': files[1].sha256 });
  await a.context.close();
  await b.context.close();
});

test('Save all as .zip from the keyboard, where there is no folder picker, unzips byte-identical', async ({
  browser,
}) => {
  const dir = tempDir();
  const files = [randomFile(dir, 'kzip/sub/one.bin', 50_000), randomFile(dir, 'kzip/two.bin', 60_001)];
  const a = await openPeer(browser);
  const magnet = await shareFolder(a.page, join(dir, 'kzip'), 'kzip');
  // A browser without a folder picker (as Firefox and Safari are), from its first page load: the app offers the zip.
  const context = await browser.newContext({ acceptDownloads: true });
  await context.addInitScript(() => {
    // The global object holds its operations itself, not through Window.prototype.
    delete (window as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker;
  });
  const b = { context, page: await context.newPage() };
  await openApp(b.page);
  const item = await downloadByKeyboard(b.page, magnet, 'kzip');

  await expect(item.getByRole('button', { name: 'Save all to a folder' })).toHaveCount(0);
  await tabTo(b.page, item.getByRole('button', { name: 'Save all as .zip' }));
  const [download]: [Download, void] = await Promise.all([
    b.page.waitForEvent('download'),
    b.page.keyboard.press('Enter'),
  ]);
  const path = join(tempDir(), 'kzip.zip');
  await download.saveAs(path);
  expect(readFileSync(path).length).toBeGreaterThan(110_001);
  expect(await unzipHashes(path)).toEqual({ 'sub/one.bin': files[0].sha256, 'two.bin': files[1].sha256 });
  await a.context.close();
  await b.context.close();
});
