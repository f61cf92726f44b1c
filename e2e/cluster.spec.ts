// Two tracker processes of one cluster (Redis): tabs on different processes find each other, and neither a tracker
// process killed nor Redis restarted stops a download in progress.
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { REDIS_SERVER, startRedis } from '../signal-tracker/src/testing/daemons';
import {
  expectStatus,
  infoHashOf,
  itemNumbers,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { heldAt, heldPath, releaseHold } from './hold';
import { TestTrackers } from './trackers';

test.skip(!existsSync(REDIS_SERVER), 'redis-server is not installed (apt-get install redis-server)');

/** Pieces (of 16 KiB; 256 in all) the sharer serves until the tracker process and Redis are gone. */
const HELD = 16;

const trackers = new TestTrackers();
test.afterEach(() => trackers.stopAll());

test('two tabs on two tracker processes of one cluster download from each other, through a process kill and a Redis restart', async ({
  browser,
  baseURL,
}) => {
  let redis = await startRedis();
  const redisUrl = `redis://127.0.0.1:${redis.port}`;
  const base = Number(new URL(baseURL!).port);
  try {
    const trackerA = await trackers.start(['--redis', redisUrl, '--process-lease', '2'], base + 2);
    const trackerB = await trackers.start(['--redis', redisUrl, '--process-lease', '2'], base + 3);
    const file = randomFile(tempDir(), 'cluster.bin', 4 * 1024 * 1024);
    // A runs the app from process A's origin, so it announces to process A only; it serves HELD pieces and holds the
    // rest until released (e2e/hold.ts), so the download is mid-way when the process dies.
    const a = await openPeer(browser, new URL(heldPath(HELD), trackerA.origin).href);
    const infoHash = infoHashOf(await shareFiles(a.page, file.path, 'cluster.bin'));

    // B, on process B, asks for the bare info hash: only the cluster can tell it about A.
    const b = await openPeer(browser, trackerB.origin);
    await startDownload(b.page, infoHash);
    const item = torrentItem(b.page, 'cluster.bin');
    await heldAt(item, HELD);

    // Mid-download: process A dies and Redis restarts (empty); the peers' connection carries on.
    trackerA.process.kill('SIGKILL');
    const port = redis.port;
    await redis.stop();
    redis = await startRedis(port);
    expect((await itemNumbers(item)).have).toBeLessThan((await itemNumbers(item)).pieces);
    await releaseHold(a.page);
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect((await saveFile(b.page, item, 'cluster.bin')).sha256).toBe(file.sha256);
    await a.context.close();
    await b.context.close();
  } finally {
    await redis.stop();
  }
});
