// The swarm under stress in virtual time, as the browsers' tests had it: a tracker dying mid-download, the original
// seeder leaving once its leechers together hold every piece. The seeders are held mid-way by a test hold
// (upload/serve-hold.ts), as the app's tests hold a tab's.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import { ServeHold } from '../upload/serve-hold';
import { DyingTracker, TrackersSwarm } from './dying-tracker';
import { randomTorrent, type SwarmNode } from './swarm';

const KiB = 1024;
const torrent = randomTorrent(21, 1024 * KiB, { sha1: sha1Sync, pieceLength: 16 * KiB });
const pieces = torrent.info.pieceCount;

function finishedIntact(node: SwarmNode): void {
  expect(node.completedAt, `${node.name} completed`).toBeDefined();
  expect(Buffer.compare(Buffer.from(node.bytes()), Buffer.from(torrent.data)), `${node.name}'s bytes`).toBe(
    0,
  );
  expect(node.errors).toEqual([]);
  expect(node.session.stats(node.swarm.now).state).toBe('seeding');
}

const have = (node: SwarmNode) => node.session.have?.count() ?? 0;
/** What `node` downloaded from `from`, by its own peer stats. */
const downloadedFrom = (node: SwarmNode, from: SwarmNode) =>
  node.session
    .stats(node.swarm.now)
    .peerStats.filter((peer) =>
      [...node.connections.values()].some((c) => c.remote === from && c.key === peer.peer),
    )
    .reduce((sum, peer) => sum + peer.downloaded, 0);

describe('a tracker that dies', () => {
  it('forgets whom it knew and answers nothing more', () => {
    const swarm = new TrackersSwarm({ torrent, sha1: sha1Sync, seed: 2 });
    const tracker = new DyingTracker('second');
    swarm.addTrackedNode({ name: 'a', seed: true, trackers: [tracker] });
    swarm.runFor(1000);
    expect(tracker.counts()).toEqual({ complete: 1, incomplete: 0 });
    tracker.die();
    swarm.addTrackedNode({ name: 'b', trackers: [tracker] });
    swarm.runFor(10_000);
    expect(tracker.counts()).toEqual({ complete: 0, incomplete: 0 });
    expect(swarm.node('b').connections.size).toBe(0);
  });

  it('with two trackers, the download survives one dying mid-way, and a newcomer on the other finds the swarm', () => {
    const swarm = new TrackersSwarm({ torrent, sha1: sha1Sync, seed: 5 });
    const first = new DyingTracker('first');
    const second = new DyingTracker('second');
    const hold = new ServeHold(pieces / 4);
    // A announces to the second tracker only; B to both, and finds A through the second.
    const a = swarm.addTrackedNode({
      name: 'a',
      seed: true,
      trackers: [second],
      config: { serveHold: hold },
    });
    const b = swarm.addTrackedNode({ name: 'b', trackers: [first, second], joinAt: 50 });
    expect(swarm.run(() => have(b) === pieces / 4, 30_000)).toBe(true);
    expect(second.counts()).toEqual({ complete: 1, incomplete: 1 });
    expect(first.counts()).toEqual({ complete: 0, incomplete: 1 });

    // The second tracker dies mid-download; B goes on with the peer it has.
    second.die();
    hold.release();
    expect(swarm.run(() => b.completedAt !== undefined, 60_000)).toBe(true);
    finishedIntact(b);
    expect(downloadedFrom(b, a)).toBeGreaterThanOrEqual(torrent.data.length);

    // C only reaches the surviving tracker, and downloads from B.
    const c = swarm.addTrackedNode({ name: 'c', trackers: [first] });
    expect(swarm.run(() => c.completedAt !== undefined, 60_000)).toBe(true);
    finishedIntact(c);
    expect(swarm.connected(c, a)).toBe(false);
    expect(downloadedFrom(c, b)).toBeGreaterThanOrEqual(torrent.data.length);
  });
});

describe('the original seeder leaving', () => {
  it('leaves once B and C together hold every piece, neither whole; they finish from each other', () => {
    const swarm = new TrackersSwarm({ torrent, sha1: sha1Sync, seed: 8 });
    const tracker = new DyingTracker('tracker');
    // B and C serve each other nothing until A is gone, so neither finishes from the other before then.
    const trade = new ServeHold(0);
    const a = swarm.addTrackedNode({ name: 'a', seed: true, trackers: [tracker] });
    const b = swarm.addTrackedNode({
      name: 'b',
      trackers: [tracker],
      config: { serveHold: trade },
      joinAt: 20,
    });
    const c = swarm.addTrackedNode({
      name: 'c',
      trackers: [tracker],
      config: { serveHold: trade },
      joinAt: 40,
    });
    const covered = () => {
      for (let i = 0; i < pieces; i++) if (!b.session.have?.get(i) && !c.session.have?.get(i)) return false;
      return true;
    };
    expect(swarm.run(covered, 60_000)).toBe(true);
    // The test means something only if someone still misses pieces when A leaves.
    expect(Math.min(have(b), have(c))).toBeLessThan(pieces);
    swarm.stop(a);
    expect(a.announces.at(-1)?.event).toBe('stopped');
    trade.release();
    const leftAt = swarm.now;
    expect(swarm.run(() => b.completedAt !== undefined && c.completedAt !== undefined, 60_000)).toBe(true);
    finishedIntact(b);
    finishedIntact(c);
    expect(Math.max(b.completedAt!, c.completedAt!)).toBeGreaterThan(leftAt);
    expect(downloadedFrom(b, c) + downloadedFrom(c, b)).toBeGreaterThan(0);
  });
});
