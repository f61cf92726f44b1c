// What the tracker hears: every announce carries the peer's real totals (payload sent and received) and the bytes
// it still lacks. The tracker here asks for an announce every 5 s, so the periodic ones show within the test.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { freePort } from '../signal-tracker/src/testing/daemons';
import {
  expectStatus,
  infoHashOf,
  openDetails,
  openPeer,
  randomFile,
  seriousViolations,
  setUploadLimit,
  shareFiles,
  startDownload,
  startTracker,
  tempDir,
  torrentItem,
  trackerSwarm,
  TRANSFER_TIMEOUT,
} from './helpers';

test('the tracker hears what the seeder sent and what the leecher received and still lacks; the peers table says who sends to whom', async ({
  browser,
}) => {
  const port = await freePort();
  const tracker = await startTracker(port, ['--interval', '5']);
  const trackerUrl = `http://127.0.0.1:${port}`;
  try {
    const size = 3 * 1024 * 1024;
    const file = randomFile(join(tempDir()), 'told.bin', size);
    // Both run the app from that tracker's origin, so it is their default tracker.
    const a = await openPeer(browser, `${trackerUrl}/`);
    const infoHash = infoHashOf(await shareFiles(a.page, file.path, 'told.bin'));
    const peerOf = async (role: 'seeder' | 'leecher') =>
      (await trackerSwarm(a.page, trackerUrl, infoHash))?.peers.filter((peer) => peer.role === role);

    // Before anyone downloads: the seeder has sent nothing and lacks nothing.
    await expect
      .poll(async () => (await peerOf('seeder'))?.map((p) => [p.uploaded, p.left]))
      .toEqual([[0, 0]]);

    // A sends slowly enough to watch: its peers table says in plain words what goes where.
    await setUploadLimit(a.page, 768);
    const b = await openPeer(browser, `${trackerUrl}/`);
    await startDownload(b.page, infoHash);
    const itemA = torrentItem(a.page, 'told.bin');
    await openDetails(itemA);
    const table = itemA.getByRole('table', { name: 'Peers' });
    await expect(table.getByRole('columnheader', { name: 'Sending to them' })).toBeVisible({
      timeout: TRANSFER_TIMEOUT,
    });
    const headers = await table.getByRole('columnheader').allTextContents();
    expect(headers).toContain('Receiving from them');
    const sending = headers.indexOf('Sending to them');
    expect(sending).toBeGreaterThan(0);
    await expect(table.getByRole('row').nth(1).getByRole('cell').nth(sending)).not.toHaveText('0 B/s', {
      timeout: TRANSFER_TIMEOUT,
    });
    expect(await seriousViolations(a.page, 'table[aria-label="Peers"]')).toEqual([]);
    await setUploadLimit(a.page, 0);
    await expectStatus(torrentItem(b.page, 'told.bin'), 'Seeding', TRANSFER_TIMEOUT);

    // Within an announce interval the tracker knows: A sent the file, B received it all and lacks nothing.
    await expect
      .poll(
        async () => {
          const seeders = (await peerOf('seeder')) ?? [];
          return seeders
            .map((p) => [p.uploaded >= size, p.downloaded >= size, p.left])
            .sort((x, y) => Number(x[0]) - Number(y[0]));
        },
        { timeout: 30_000 },
      )
      .toEqual([
        [false, true, 0], // B: received the file, sent nothing back (A had every piece)
        [true, false, 0], // A: sent at least the whole file, received nothing
      ]);
    await a.context.close();
    await b.context.close();
  } finally {
    tracker.kill('SIGKILL');
  }
});
