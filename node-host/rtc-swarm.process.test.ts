// The Node host on WebRTC (rtc-swarm.ts) through a real tracker, with channels that stop carrying: one closed at the
// far end ends at this end too (peer-channel.ts), and the only seeder of a share, whose blocks stop mid-fetch while
// its channel stays open (testing/silent-store.ts: its engine still sends keep-alives, so the engine's idle timeout,
// 150 s, never ends the wait), is dropped (StalledPeers, its time shortened through the swarm's options); the
// downloader announces again and the seeder, speaking again, serves the fresh connection: the fetch ends byte for
// byte.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../shared/testing/until';
import { KeeperScene, MB } from '../signal-tracker/src/keeper/testing/keeper-scene';
import { startServer } from '../signal-tracker/src/server';
import { treeDifferences } from './testing/fixtures';
import { SilentStorage } from './testing/silent-store';

/** The downloader's stall time in these tests: a working loopback channel brings a block within milliseconds. */
const STALL_MS = 3_000;
/** Blocks the seeder serves before it falls silent: a quarter of the share's. */
const BLOCKS_BEFORE_SILENCE = 32;
/** How long a stage may take on a loaded machine: well inside the engine's idle timeout. */
const STAGE_MS = 40_000;

const scene = new KeeperScene();
// Closing WebRTC connections and the tracker takes a few seconds on a busy machine.
afterEach(() => scene.cleanup(), 30_000);

async function tracker() {
  const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
  return scene.scratch.keep(server, (running) => running.close());
}

describe('a channel closed at the far end', () => {
  it('is forgotten at this end: the far end leaving takes it out of the swarm and the torrent', async () => {
    const server = await tracker();
    const share = await scene.share(19);
    const seeder = await scene.peer(server, share.torrent, share.source);
    const closed: string[] = [];
    seeder.torrent.on('peer-closed', (peer) => closed.push(peer));
    const leecher = await scene.peer(server, share.torrent, await scene.folder());
    await until(() => leecher.torrent.stats().state === 'seeding' && seeder.swarm.peers() === 1, {
      what: 'the downloader has every piece from the seeder',
      timeoutMs: STAGE_MS,
      intervalMs: 100,
    });
    await leecher.leave();
    await until(() => seeder.swarm.peers() === 0 && closed.length === 1, {
      what: "the seeder forgets the downloader's channel",
      timeoutMs: STAGE_MS,
      intervalMs: 100,
    });
    expect(seeder.torrent.stats().peerStats).toEqual([]);
  }, 90_000);
});

/** A tracker, a share of 2 MiB (64 pieces, 128 blocks), its seeder (which falls silent after
 * BLOCKS_BEFORE_SILENCE blocks) and a downloader that drops a peer stalled for `stallMs`: once the seeder is silent. */
async function silentMidFetch(stallMs: number) {
  const server = await tracker();
  const share = await scene.share(17, [{ path: 'one.bin', length: 2 * MB }]);
  let opened: SilentStorage | undefined;
  await scene.peer(server, share.torrent, share.source, {
    openStorage: SilentStorage.opener(BLOCKS_BEFORE_SILENCE, (store) => (opened = store)),
  });
  const store = opened!;
  const target = await scene.folder();
  const leecher = await scene.peer(server, share.torrent, target, { stallMs });
  await until(() => store.heldCount > 0, { what: 'the seeder falls silent mid-fetch', timeoutMs: STAGE_MS });
  return { share, store, target, leecher };
}

describe('a seeder whose blocks stop mid-fetch, its channel open', () => {
  it('is dropped as stalled, and the fetch ends from it on a fresh connection, byte for byte', async () => {
    const { share, store, target, leecher } = await silentMidFetch(STALL_MS);
    const droppedBefore = leecher.swarm.dropped();
    await until(() => leecher.swarm.dropped() > droppedBefore, {
      what: 'the downloader drops the silent channel',
      timeoutMs: STAGE_MS,
      intervalMs: 100,
    });
    store.speak();
    await until(() => leecher.torrent.stats().state === 'seeding', {
      what: 'the fetch ends on a fresh connection',
      timeoutMs: STAGE_MS,
      intervalMs: 100,
    });
    expect(await treeDifferences(share.root, join(target, 'share'))).toEqual([]);
  }, 120_000);

  it('without the drop, the downloader keeps the silent channel and its fetch waits', async () => {
    const { leecher } = await silentMidFetch(Infinity);
    // Three times what the drop waits for in the test above.
    const silentSince = performance.now();
    await until(() => performance.now() - silentSince >= 3 * STALL_MS, {
      what: 'three stall times of silence',
      timeoutMs: 6 * STALL_MS,
      intervalMs: 250,
    });
    expect(leecher.swarm.dropped()).toBe(0);
    expect(leecher.swarm.peers()).toBe(1);
    expect(leecher.torrent.stats().left).toBeGreaterThan(0);
  }, 60_000);
});
