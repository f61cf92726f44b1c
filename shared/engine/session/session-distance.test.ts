// A seed and a leecher far apart, on a virtual clock: the download keeps the seed's uplink full once it is under
// way, whatever the round trip. The figures are in virtual time (the simulated network's clock), never wall time.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import { randomTorrent, Swarm } from '../testing/swarm';

const MiB = 1024 * 1024;
const torrent = randomTorrent(3, 16 * MiB, { sha1: sha1Sync, pieceLength: 256 * 1024 });

/** The share of the seed's uplink the leecher's last three quarters came at, and the bytes it ended with. */
function lastThreeQuarters(latencyMs: number, uploadRate: number): { share: number; bytes: Uint8Array } {
  const swarm = new Swarm({
    torrent,
    sha1: sha1Sync,
    seed: 5,
    uploadRate,
    latencyMs,
    reportUploadQueue: true,
  });
  swarm.addNode({ name: 'seed', seed: true });
  const leecher = swarm.addNode({ name: 'leecher' });
  let quarterAt: number | undefined;
  const quarter = torrent.info.pieceCount / 4;
  const done = swarm.run(() => {
    if (quarterAt === undefined && leecher.storage.size >= quarter) quarterAt = swarm.now;
    return leecher.completedAt !== undefined;
  }, 600_000);
  expect(done).toBe(true);
  const seconds = (leecher.completedAt! - quarterAt!) / 1000;
  return { share: (0.75 * torrent.data.length) / uploadRate / seconds, bytes: leecher.bytes() };
}

describe('a download far from its seed', () => {
  // With a pipeline of a second at the 5-second rate: 0.95 of the uplink at 150 ms each way and 8 MB/s (the pipeline
  // followed the rate's average while the rate grew), 0.81 at 300 ms each way and 2.5 MB/s (a second at the rate did
  // not cover the round trip and the seed's queue).
  it.each([
    [150, 8e6],
    [300, 2.5e6],
  ])('at %i ms each way and %d B/s keeps the seed’s uplink full once under way', (latencyMs, rate) => {
    const { share, bytes } = lastThreeQuarters(latencyMs, rate);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(torrent.data))).toBe(0);
    expect(share).toBeGreaterThan(0.98);
  });
});
