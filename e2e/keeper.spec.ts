// The keeper: a tracker started with --keep-dir in a temporary folder. Tab A shares a file and presses `Keep online`;
// once the card says the tab can close, A closes; a fresh tab B downloads the file byte-identical from the keeper
// alone; an encrypted share the same, with nothing of its plaintext in the keeper's folder. A keeper that wants a token refuses a tab without it, in words.
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  expectStatus,
  openApp,
  openPeer,
  randomFile,
  saveFile,
  seriousViolations,
  sha256,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { TestTrackers } from './trackers';

const trackers = new TestTrackers();
test.afterEach(() => trackers.stopAll());

test('a kept share downloads from the keeper after its tab has closed', async ({ browser }) => {
  const { origin } = await trackers.start(['--keep-dir', tempDir('swarmdrop-keep-'), '--keep-hours', '24']);
  const a = await openPeer(browser, origin);
  const file = randomFile(tempDir(), 'kept.bin', 3 * 1024 * 1024);
  const magnet = await shareFiles(a.page, file.path, 'kept.bin');
  const shared = torrentItem(a.page, 'kept.bin');
  await expect(shared.getByRole('button', { name: 'Keep online for 24 hours' })).toBeVisible();
  expect(await seriousViolations(a.page)).toEqual([]);
  await shared.getByRole('button', { name: 'Keep online for 24 hours' }).click();
  await expect(shared.getByRole('status').filter({ hasText: /keeper|Kept/ })).toHaveText(
    /^Kept online until \d\d:\d\d: this tab can close$/,
    { timeout: TRANSFER_TIMEOUT },
  );
  expect(await seriousViolations(a.page)).toEqual([]);
  await a.context.close();

  const b = await openPeer(browser, origin);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'kept.bin');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(b.page, item, 'kept.bin')).sha256).toBe(file.sha256);
  await b.context.close();
});

test('a keeper with a token refuses a tab without it, in words', async ({ browser }) => {
  const { origin } = await trackers.start([
    '--keep-dir',
    tempDir('swarmdrop-keep-'),
    '--keep-token',
    'sesame',
  ]);
  const a = await openPeer(browser, origin);
  const file = randomFile(tempDir(), 'unkept.bin', 64 * 1024);
  await shareFiles(a.page, file.path, 'unkept.bin');
  const shared = torrentItem(a.page, 'unkept.bin');
  await shared.getByRole('button', { name: 'Keep online for 24 hours' }).click();
  await expect(shared.getByRole('alert')).toHaveText(
    'This keeper only keeps shares for people who have its token.',
  );
  expect(await seriousViolations(a.page)).toEqual([]);
  await a.context.close();
});

const MARKER = 'KEEPER-PLAINTEXT-MARKER-51c0 ';

/** Every file under `folder`: its path and bytes. */
function filesUnder(folder: string): Array<{ path: string; bytes: Buffer }> {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

test('an encrypted share is kept as ciphertext: its tab closes, the link still opens it', async ({
  browser,
}) => {
  const keepDir = tempDir('swarmdrop-keep-');
  const { origin } = await trackers.start(['--keep-dir', keepDir]);
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await openApp(page, origin);
  const plain = Buffer.from(MARKER.repeat(3000));
  const path = join(tempDir(), 'secret-notes.txt');
  writeFileSync(path, plain);
  await page.getByLabel('Encrypt for people with the link').check();
  await page.getByLabel('Share files').setInputFiles(path);
  const shared = torrentItem(page, 'secret-notes.txt');
  await expectStatus(shared, 'Seeding', 60_000);
  await shared.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  await shared.getByRole('button', { name: 'Keep online for 24 hours' }).click();
  await expect(shared.getByRole('status').filter({ hasText: /keeper|Kept/ })).toHaveText(
    /^Kept online until \d\d:\d\d: this tab can close$/,
    { timeout: TRANSFER_TIMEOUT },
  );
  await context.close();

  const kept = filesUnder(keepDir);
  expect(kept.length).toBeGreaterThan(0);
  for (const file of kept) {
    expect(file.path).not.toMatch(/secret|notes/);
    expect(file.bytes.includes(Buffer.from('KEEPER-PLAINTEXT-MARKER'))).toBe(false);
    expect(file.bytes.includes(Buffer.from('secret-notes'))).toBe(false);
  }

  const b = await openPeer(browser, `${origin}${link.slice(link.indexOf('/#') + 1)}`);
  await b.page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  const item = torrentItem(b.page, 'secret-notes.txt');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect(await saveFile(b.page, item, 'secret-notes.txt')).toEqual({
    sha256: sha256(plain),
    size: plain.length,
  });
  await b.context.close();
});
