import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomTorrent } from '../../shared/engine/testing/swarm';
import { fastHash } from './hash';
import { LabSwarm } from './swarm';
import { SimTracker } from './tracker';

const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest());

function smallSwarm(seed: number, hash = sha1) {
  const torrent = randomTorrent(3, 256 * 1024, { sha1: hash, pieceLength: 16 * 1024 });
  const swarm = new LabSwarm({ torrent, hash, seed });
  swarm.addPeer({ seed: true, upload: 64 * 1024 });
  const peers = Array.from({ length: 8 }, (_, i) =>
    swarm.addPeer({ upload: 32 * 1024, download: 128 * 1024, joinAt: i * 300 }),
  );
  return { swarm, peers };
}

describe('LabSwarm', () => {
  it('every peer completes, and the same seed gives the same run', () => {
    const runs = [1, 1, 2].map((seed) => {
      const { swarm, peers } = smallSwarm(seed);
      expect(swarm.runUntil(600_000, () => swarm.allDone(peers))).toBe(true);
      return { times: peers.map((p) => p.completedAt), messages: swarm.network.messages };
    });
    expect(runs[0].times.every((t) => t !== undefined)).toBe(true);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
  });

  it('the cheap hash works the same way as SHA-1 for the engine', () => {
    const { swarm, peers } = smallSwarm(5, fastHash);
    expect(swarm.runUntil(600_000, () => swarm.allDone(peers))).toBe(true);
    expect(peers.every((p) => p.errors.length === 0)).toBe(true);
  });

  it('a peer cannot finish faster than the file over its download capacity', () => {
    const torrent = randomTorrent(4, 256 * 1024, { sha1, pieceLength: 16 * 1024 });
    const swarm = new LabSwarm({ torrent, hash: sha1, seed: 9, latencyMs: 5 });
    swarm.addPeer({ seed: true, upload: 10 * 1024 * 1024 });
    const peer = swarm.addPeer({ upload: 1024, download: 32 * 1024 });
    expect(swarm.runUntil(600_000, () => peer.complete)).toBe(true);
    expect(peer.completedAt!).toBeGreaterThanOrEqual((256 * 1024 * 1000) / (32 * 1024));
  });

  it("a peer's own latency delays each exchange with it: connecting, asking, getting a piece", () => {
    const completion = (latencyMs: number) => {
      const torrent = randomTorrent(6, 16 * 1024, { sha1, pieceLength: 16 * 1024 });
      const swarm = new LabSwarm({ torrent, hash: sha1, seed: 4, latencyMs: 0 });
      swarm.addPeer({ seed: true, upload: 1024 * 1024 });
      const peer = swarm.addPeer({ upload: 1024 * 1024, latencyMs });
      expect(swarm.runUntil(60_000, () => peer.complete)).toBe(true);
      return peer.completedAt!;
    };
    // The connection, the request and the piece each cross the far peer's access link once.
    expect(completion(400) - completion(0)).toBeGreaterThanOrEqual(3 * 400);
  });

  it('crashed peers drop their connections; the others still finish', () => {
    const { swarm, peers } = smallSwarm(7);
    swarm.at(2_000, () => swarm.crash(peers[0]));
    expect(swarm.runUntil(600_000, () => swarm.allDone(peers))).toBe(true);
    expect(peers[0].crashed).toBe(true);
    for (const p of peers.slice(1)) {
      expect(p.complete).toBe(true);
      expect(swarm.connected(p, peers[0])).toBe(false);
    }
  });

  it('peers that know a second tracker keep finding peers when the first one dies', () => {
    const torrent = randomTorrent(3, 128 * 1024, { sha1, pieceLength: 16 * 1024 });
    const swarm = new LabSwarm({ torrent, hash: sha1, seed: 3, trackers: 2 });
    swarm.trackers[0].fail();
    swarm.addPeer({ seed: true, upload: 64 * 1024 });
    const both = swarm.addPeer({ upload: 32 * 1024, trackers: [0, 1] });
    const first = swarm.addPeer({ upload: 32 * 1024, trackers: [0] });
    swarm.runUntil(120_000, () => both.complete);
    expect(both.complete).toBe(true);
    expect(first.complete).toBe(false);
    expect(first.failedAnnounces).toBeGreaterThan(0);
  });
});

describe('SimTracker', () => {
  it('hands out random known peers, forgets stopped and silent ones, and fails', () => {
    const tracker = new SimTracker<string>('t', { timeoutMs: 1000, random: () => 0.5 });
    for (const p of ['a', 'b', 'c']) tracker.announce(p, 0, 'started', false);
    expect(new Set(tracker.sample('a', 10, 0, () => true))).toEqual(new Set(['b', 'c']));
    tracker.announce('b', 0, 'stopped', false);
    expect(tracker.sample('a', 10, 0, () => true)).toEqual(['c']);
    tracker.announce('a', 1500, undefined, true);
    expect(tracker.sample('a', 10, 1500, () => true)).toEqual([]); // c went silent
    expect(tracker.counts(1500)).toEqual({ complete: 1, incomplete: 0 });
    tracker.fail();
    expect(tracker.announce('a', 1600, undefined, true)).toBe(false);
    expect(tracker.sample('a', 10, 1600, () => true)).toBeUndefined();
  });
});
