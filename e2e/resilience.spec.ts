// The swarm under stress, as a browser shows it: a reload mid-download resumes from this profile's storage, and a
// tracker dying mid-download is named on the card while the download goes on. The seeders are held mid-way
// (e2e/hold.ts). The engine's side of these scenarios (the original seeder leaving, failover to the surviving tracker
// for a newcomer) runs in virtual time: shared/engine/testing/dying-tracker.test.ts.
import { expect, test } from '@playwright/test';
import { freePort } from '../signal-tracker/src/testing/daemons';
import { heldAt, heldPath, heldPeer, releaseHold, reloadMidway } from './hold';
import {
  expectStatus,
  infoHashOf,
  itemNumbers,
  openApp,
  openPeer,
  persistentPeer,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  startTracker,
  tempDir,
  torrentItem,
  trackerSwarm,
  TRANSFER_TIMEOUT,
} from './helpers';

/** 1 MiB in 16 KiB pieces: 64 pieces, a quarter of them served before the test acts. */
const SIZE = 1024 * 1024;
const QUARTER = 16;

test('B reloads mid-download and finishes without fetching its verified pieces again', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'resume.bin', SIZE);
  const a = await heldPeer(browser, QUARTER);
  const magnet = await shareFiles(a.page, file.path, 'resume.bin');

  // B keeps its IndexedDB on disk, like a real browser profile.
  const { context: b, page } = await persistentPeer();
  await openApp(page);
  await startDownload(page, magnet);
  const item = torrentItem(page, 'resume.bin');
  // This session fetches at most the pieces that were missing before the reload...
  const { after } = await reloadMidway(page, item, a.page, QUARTER);
  // ...and in all, B received the file exactly once: the pieces kept across the reload were counted with them.
  expect(after.downloaded).toBe(after.length);
  expect((await saveFile(page, item, 'resume.bin')).sha256).toBe(file.sha256);
  // Reloaded once finished, it still says it received the whole file (not what a stale count had).
  await page.reload();
  await openApp(page, '/');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect(await itemNumbers(item)).toMatchObject({ downloaded: after.length, sessionDownloaded: 0 });
  await b.close();
  await a.context.close();
});

test('with two trackers in the magnet link, one dying mid-download is named on the card and the download goes on', async ({
  browser,
  baseURL,
}) => {
  const port = await freePort();
  const second = await startTracker(port);
  const secondUrl = `http://127.0.0.1:${port}`;
  try {
    const file = randomFile(tempDir(), 'failover.bin', SIZE);
    // A runs the app from the second tracker's origin, so it announces there only.
    const a = await openPeer(browser, `${secondUrl}${heldPath(QUARTER)}`);
    const shared = await shareFiles(a.page, file.path, 'failover.bin');
    const magnet = `${shared}&tr=${encodeURIComponent(`ws://127.0.0.1:${new URL(baseURL!).port}/`)}`;

    // B announces to both trackers and finds A through the second.
    const b = await openPeer(browser);
    await startDownload(b.page, magnet);
    const itemB = torrentItem(b.page, 'failover.bin');
    await expect
      .poll(
        async () => {
          const swarm = await trackerSwarm(b.page, secondUrl, infoHashOf(shared));
          return swarm && [swarm.complete, swarm.incomplete];
        },
        { timeout: 20_000 },
      )
      .toEqual([1, 1]);
    await heldAt(itemB, QUARTER);

    // The second tracker dies mid-download: the card names it, and the download goes on from A.
    second.kill('SIGKILL');
    await expect(itemB.getByRole('alert').filter({ hasText: `127.0.0.1:${port}` })).toBeVisible({
      timeout: 30_000,
    });
    await releaseHold(a.page);
    await expectStatus(itemB, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(b.page, itemB, 'failover.bin')).sha256).toBe(file.sha256);
    await a.context.close();
    await b.context.close();
  } finally {
    second.kill('SIGKILL');
  }
});
