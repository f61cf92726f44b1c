import { describe, expect, it } from 'vitest';
import { labTorrent } from './experiments/common';
import { fastHash } from './sim/hash';
import { LabSwarm } from './sim/swarm';
import { watchCoverage } from './sender-leaves';

const KiB = 1024;

function run(superSeed: boolean) {
  const torrent = labTorrent(256 * KiB, 16 * KiB, fastHash, 1);
  const swarm = new LabSwarm({ torrent, hash: fastHash, seed: 7 });
  swarm.addPeer({ name: 'seed', seed: true, upload: 64 * KiB, config: { superSeed } });
  const peers = Array.from({ length: 6 }, () => swarm.addPeer({ upload: 16 * KiB, download: 64 * KiB }));
  const covered = watchCoverage(swarm, peers, torrent.info.pieceCount);
  expect(swarm.runUntil(600_000, () => swarm.allDone(peers))).toBe(true);
  const last = Math.max(...peers.map((p) => p.completedAt ?? Infinity));
  return { at: covered(), last };
}

describe('the time until the others hold every piece', () => {
  it.each([true, false])(
    'is at least F/u_s and at most the last peer’s finish (super-seeding %s)',
    (superSeed) => {
      const { at, last } = run(superSeed);
      expect(at).toBeDefined();
      expect(at!).toBeGreaterThanOrEqual((256 / 64) * 1000);
      expect(at!).toBeLessThanOrEqual(last);
    },
  );
});
