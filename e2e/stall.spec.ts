// The only seeder leaves mid-download: the downloader says in words that nobody connected has the rest, goes on
// trying, and finishes once a seeder of the same file comes back (the words then go away).
import { expect, test } from '@playwright/test';
import {
  expectStatus,
  partlyIn,
  openPeer,
  randomFile,
  saveFile,
  setUploadLimit,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';

test.describe.configure({ timeout: 240_000 });

const WAITING = /^Waiting for someone who has the rest: /;

test('the seeder leaving mid-download is said in words, and its return finishes the download', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'left.bin', 4 * 1024 * 1024);
  const a = await openPeer(browser);
  // Slow enough that A leaves mid-way.
  await setUploadLimit(a.page, 256);
  const magnet = await shareFiles(a.page, file.path, 'left.bin');

  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'left.bin');
  await partlyIn(item, 0.2);

  await a.context.close();
  const words = item.getByRole('status').filter({ hasText: WAITING });
  await expect(words).toBeVisible({ timeout: 20_000 });
  await expectStatus(item, 'Downloading', 1000);

  // Someone shares the same file again: same bytes, same torrent.
  const c = await openPeer(browser);
  const again = await shareFiles(c.page, file.path, 'left.bin');
  expect(again).toBe(magnet);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  await expect(words).toHaveCount(0);
  expect((await saveFile(b.page, item, 'left.bin')).sha256).toBe(file.sha256);
  await b.context.close();
  await c.context.close();
});
