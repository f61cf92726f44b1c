// Files as streams through the service worker: a video plays and seeks while it downloads; a file saves through
// the stream byte for byte.
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  expectStatus,
  havePieces,
  itemNumbers,
  openPeer,
  randomFile,
  saveFile,
  serviceWorkerControls,
  setUploadLimit,
  shareFiles,
  shareFolder,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { heldPiecePeer, pieceToHold, releaseHold } from './hold';

/** A 30 s VP8 + Opus WebM made for the tests (scripts/make-test-video.sh), with its cues at the front. */
const CLIP = fileURLToPath(new URL('./fixtures/clip.webm', import.meta.url));

test('a video plays while it downloads, and a seek to 80 % plays before the download ends', async ({
  browser,
}) => {
  // The sharer serves every piece but one at 92 % until released (e2e/hold.ts): the download stays short of its end
  // however fast it runs, and neither playing from the start nor from 80 % needs that piece.
  const a = await heldPiecePeer(browser, pieceToHold(CLIP));
  const magnet = await shareFiles(a.page, CLIP, 'clip.webm');

  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'clip.webm');
  const play = item.getByRole('button', { name: 'Play clip.webm' });
  await expect(play).toBeVisible({ timeout: 30_000 });
  await play.click();
  const video = item.getByLabel('clip.webm', { exact: true });
  await expect(video).toBeVisible();

  // Playback passes 2 s while the torrent is still short of 100 %.
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 60_000 })
    .toBeGreaterThan(2);
  const numbers = await itemNumbers(item);
  expect(numbers.have).toBeLessThan(numbers.pieces);

  // A seek to 80 % plays before the download ends.
  const target = await video.evaluate((v: HTMLVideoElement) => {
    v.currentTime = v.duration * 0.8;
    return v.duration * 0.8;
  });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => (v.paused ? 0 : v.currentTime)), { timeout: 30_000 })
    .toBeGreaterThan(target + 0.2);
  const afterSeek = await itemNumbers(item);
  expect(afterSeek.have, 'pieces verified when the seek played').toBeLessThan(afterSeek.pieces);

  await releaseHold(a.page);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  await a.context.close();
  await b.context.close();
});

test('Save streams a 200 MiB file through the service worker, identical to the original', async ({
  browser,
}) => {
  test.setTimeout(120_000); // 200 MiB are hashed and copied into the browser's storage before its Save streams them.
  const file = randomFile(tempDir(), 'streamed.bin', 200 * 1024 * 1024 + 12345);
  // The size is the point: a file this large saves at flat memory only as a stream. The pieces are copied into the
  // browser's storage, where a download's pieces are too, and Save streams them from there (a transfer across a data
  // channel is transfer.spec.ts's, and its rate at this size a figure of `npm run bench`).
  const { context, page } = await openPeer(browser);
  // The page is controlled by the service worker, so Save goes through /files/….
  await serviceWorkerControls(page);
  const copy = page.getByRole('checkbox', { name: 'Copy shared files into this browser' });
  if ((await copy.count()) > 0) await copy.check();
  await shareFiles(page, file.path, 'streamed.bin');
  const item = torrentItem(page, 'streamed.bin');
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const saved = await saveFile(page, item, 'streamed.bin');
  expect(saved.size).toBe(file.bytes.length);
  expect(saved.sha256).toBe(createHash('sha256').update(file.bytes).digest('hex'));
  expect(requests.some((url) => /\/files\/[0-9a-f]{40}\/0\/streamed\.bin\?download=1$/.test(url))).toBe(true);
  await context.close();
});

test('unchecking a file downloads the others and fetches under 10 % of the unchecked one', async ({
  browser,
}) => {
  const dir = tempDir();
  const keep = randomFile(dir, 'pair/keep.bin', 1024 * 1024);
  randomFile(dir, 'pair/skip.bin', 2 * 1024 * 1024);
  const a = await openPeer(browser);
  // One block a second until the uncheck has landed: the pieces fetched before it (those under way when the
  // metadata arrived and one more a second) stay far below 10 % of skip.bin however slow the machine is.
  await setUploadLimit(a.page, 16);
  const magnet = await shareFolder(a.page, `${dir}/pair`, 'pair');

  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'pair');
  const skip = item.getByLabel('Download skip.bin', { exact: true });
  await expect(skip).toBeChecked({ timeout: 30_000 });
  await skip.uncheck();
  await expect(skip).not.toBeChecked();
  // The engine's own list says so (the box alone changes at the click).
  await expect(item.locator('li[data-chosen="false"]')).toHaveCount(1, { timeout: 30_000 });
  await setUploadLimit(a.page, 0);
  // Done over the chosen file: `Chosen files done` (not `Seeding`, as if it were whole), 100 %, and keep.bin saves
  // identical.
  await expectStatus(item, 'Chosen files done', TRANSFER_TIMEOUT);
  await expect(item.getByText(/The files you chose are done \(1 of 2\)/)).toBeVisible();
  await expect(item.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  expect((await saveFile(b.page, item, 'keep.bin')).sha256).toBe(keep.sha256);
  // Where skip.bin lies in the torrent (the files in the list are in the torrent's order).
  const paths = await item.getByRole('list', { name: 'Files' }).locator('.path').allTextContents();
  const sizes: Record<string, number> = { 'keep.bin': 1024 * 1024, 'skip.bin': 2 * 1024 * 1024 };
  const offset = paths.slice(0, paths.indexOf('skip.bin')).reduce((sum, path) => sum + sizes[path], 0);
  const bitfield = await havePieces(item);
  const pieceLength = (3 * 1024 * 1024) / bitfield.length;
  // Only the pieces that belong to skip.bin alone.
  const skipPieces = bitfield.slice(
    Math.ceil(offset / pieceLength),
    Math.floor((offset + sizes['skip.bin']) / pieceLength),
  );
  const fetched = [...skipPieces].filter((bit) => bit === '1').length;
  expect(fetched / skipPieces.length).toBeLessThan(0.1);
  await a.context.close();
  await b.context.close();
});
