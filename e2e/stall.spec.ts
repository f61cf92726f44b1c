// The only seeder leaves mid-download: the downloader says in words that nobody connected has the rest, goes on
// trying, and finishes once a seeder of the same file comes back (the words then go away). The seeder is held at a
// quarter of the pieces (e2e/hold.ts), so it leaves mid-way whatever the machine's speed.
import { expect, test } from '@playwright/test';
import { heldAt, heldPeer } from './hold';
import {
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';

const WAITING = /^Waiting for someone who has the rest: /;
/** 1 MiB in 16 KiB pieces: 64 pieces, of which the seeder serves 16 before it leaves. */
const SIZE = 1024 * 1024;
const HELD = 16;

test('the seeder leaving mid-download is said in words, and its return finishes the download', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'left.bin', SIZE);
  const a = await heldPeer(browser, HELD);
  const magnet = await shareFiles(a.page, file.path, 'left.bin');

  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'left.bin');
  await heldAt(item, HELD);

  await a.context.close();
  const words = item.getByRole('status').filter({ hasText: WAITING });
  // The one who comes back opens the app meanwhile.
  const [c] = await Promise.all([openPeer(browser), expect(words).toBeVisible({ timeout: 20_000 })]);
  await expectStatus(item, 'Downloading', 1000);

  // Someone shares the same file again: same bytes, same torrent.
  const again = await shareFiles(c.page, file.path, 'left.bin');
  expect(again).toBe(magnet);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  await expect(words).toHaveCount(0);
  expect((await saveFile(b.page, item, 'left.bin')).sha256).toBe(file.sha256);
  await b.context.close();
  await c.context.close();
});
