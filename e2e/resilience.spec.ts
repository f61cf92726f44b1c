// The swarm under stress: a reload mid-download, the original seeder leaving, a tracker dying.
// The seeders' `Upload limit` slows the transfers down so that each step happens mid-download.
import { expect, test } from '@playwright/test';
import {
  expectStatus,
  havePieces,
  infoHashOf,
  itemNumbers,
  openApp,
  openPeer,
  persistentPeer,
  randomFile,
  reloadAtAQuarter,
  saveFile,
  shareFiles,
  startDownload,
  startTracker,
  tempDir,
  torrentItem,
  trackerSwarm,
  TRANSFER_TIMEOUT,
  setUploadLimit,
} from './helpers';

test.describe.configure({ timeout: 240_000 });

test('B reloads mid-download and finishes without fetching its verified pieces again', async ({
  browser,
}) => {
  const dir = tempDir();
  const file = randomFile(dir, 'resume.bin', 5 * 1024 * 1024);
  const a = await openPeer(browser);
  await setUploadLimit(a.page, 384);
  const magnet = await shareFiles(a.page, file.path, 'resume.bin');

  // B keeps its IndexedDB on disk, like a real browser profile.
  const { context: b, page } = await persistentPeer();
  await openApp(page);
  await startDownload(page, magnet);
  const item = torrentItem(page, 'resume.bin');
  await expectStatus(item, 'Downloading', TRANSFER_TIMEOUT);
  // This session fetches at most the pieces that were missing before the reload...
  const { after } = await reloadAtAQuarter(page, item);
  expect(after.sessionDownloaded).toBeGreaterThan(0);
  // ...and in all, B received the file exactly once: the pieces kept across the reload were counted with them.
  expect(after.downloaded).toBe(after.length);
  const saved = await saveFile(page, item, 'resume.bin');
  expect(saved.sha256).toBe(file.sha256);
  // Reloaded once finished, it still says it received the whole file (not what a stale count had).
  await page.reload();
  await openApp(page, '/');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect(await itemNumbers(item)).toMatchObject({ downloaded: after.length, sessionDownloaded: 0 });
  await b.close();
  await a.context.close();
});

test('A leaves once B and C together hold every piece; they finish from each other', async ({ browser }) => {
  const dir = tempDir();
  const file = randomFile(dir, 'leave.bin', 5 * 1024 * 1024);
  const a = await openPeer(browser);
  await setUploadLimit(a.page, 768);
  const magnet = await shareFiles(a.page, file.path, 'leave.bin');
  const b = await openPeer(browser);
  const c = await openPeer(browser);
  // B and C trade slowly until A is gone, so neither finishes before then.
  await setUploadLimit(b.page, 32);
  await setUploadLimit(c.page, 32);
  await startDownload(b.page, magnet);
  await startDownload(c.page, magnet);
  const itemB = torrentItem(b.page, 'leave.bin');
  const itemC = torrentItem(c.page, 'leave.bin');

  await expect
    .poll(
      async () => {
        const [hb, hc] = [await havePieces(itemB), await havePieces(itemC)];
        if (hb.length === 0 || hb.length !== hc.length) return false;
        for (let i = 0; i < hb.length; i++) if (hb[i] !== '1' && hc[i] !== '1') return false;
        return true;
      },
      { timeout: TRANSFER_TIMEOUT, intervals: [100] },
    )
    .toBe(true);
  const [nb, nc] = [await itemNumbers(itemB), await itemNumbers(itemC)];
  // The test means something only if someone still misses pieces when A leaves.
  expect(Math.min(nb.have, nc.have)).toBeLessThan(nb.pieces);

  await a.context.close();
  await setUploadLimit(b.page, 0);
  await setUploadLimit(c.page, 0);
  for (const [peer, item] of [
    [b, itemB],
    [c, itemC],
  ] as const) {
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(peer.page, item, 'leave.bin')).sha256).toBe(file.sha256);
  }
  await b.context.close();
  await c.context.close();
});

test('with two trackers in the magnet link, the download survives one of them dying', async ({
  browser,
  baseURL,
}) => {
  const port = Number(new URL(baseURL!).port) + 1;
  const second = await startTracker(port);
  const secondUrl = `http://127.0.0.1:${port}`;
  try {
    const dir = tempDir();
    const file = randomFile(dir, 'failover.bin', 5 * 1024 * 1024);
    // A runs the app from the second tracker's origin, so it announces there only.
    const a = await openPeer(browser, `${secondUrl}/`);
    await setUploadLimit(a.page, 512);
    const shared = await shareFiles(a.page, file.path, 'failover.bin');
    const infoHash = infoHashOf(shared);
    const magnet = `${shared}&tr=${encodeURIComponent(`ws://127.0.0.1:${new URL(baseURL!).port}/`)}`;

    // B announces to both trackers and finds A through the second.
    const b = await openPeer(browser);
    await startDownload(b.page, magnet);
    const itemB = torrentItem(b.page, 'failover.bin');
    await expectStatus(itemB, 'Downloading', TRANSFER_TIMEOUT);
    await expect
      .poll(
        async () => {
          const swarm = await trackerSwarm(b.page, secondUrl, infoHash);
          return swarm && [swarm.complete, swarm.incomplete];
        },
        { timeout: 20_000 },
      )
      .toEqual([1, 1]);
    await expect
      .poll(async () => (await itemNumbers(itemB)).have, { timeout: TRANSFER_TIMEOUT })
      .toBeGreaterThan(0);

    // The second tracker dies mid-download.
    second.kill('SIGKILL');
    await expect(itemB.getByRole('alert').filter({ hasText: `127.0.0.1:${port}` })).toBeVisible({
      timeout: 30_000,
    });
    await expectStatus(itemB, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(b.page, itemB, 'failover.bin')).sha256).toBe(file.sha256);

    // C only reaches the surviving tracker, and downloads from B.
    const c = await openPeer(browser);
    await startDownload(c.page, magnet);
    const itemC = torrentItem(c.page, 'failover.bin');
    await expectStatus(itemC, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(c.page, itemC, 'failover.bin')).sha256).toBe(file.sha256);
    await a.context.close();
    await b.context.close();
    await c.context.close();
  } finally {
    second.kill('SIGKILL');
  }
});
