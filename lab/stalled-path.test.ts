import { describe, expect, it } from 'vitest';
import { fastHash } from './sim/hash';
import { runStalledPath, type StalledPath } from './stalled-path';

const MiB = 1024 * 1024;

/** 150 ms and 5 Mbit/s, the requests held 1.5 s every 4 s: a retransmission timeout on the request channel. */
const path: StalledPath = {
  rttMs: 150,
  mbit: 5,
  fileBytes: 8 * MiB,
  stallMs: 1500,
  everyMs: 4000,
  firstStallMs: 4000,
};

describe('a path whose requests stall again and again, in the lab', () => {
  it('keeps the seed sending through the stalls: the requests it holds outlast them', () => {
    const run = runStalledPath(path, { hash: fastHash, seed: 3 });
    expect(run.seconds).not.toBeNull();
    // 1.21 times the line's time when the pipeline covers a second and the round trip alone: it runs dry in each
    // stall and leaves the uplink idle for the rest of the stall. Covering the stalls seen, only the first
    // one costs that (1.14).
    expect(run.seconds! / run.lineSeconds).toBeLessThan(1.18);
  });

  it('behind a deep queue at the seed, keeps the line full through the stalls', () => {
    // 10 Mbit/s behind a 2 s queue at the seed's uplink, the requests held 0.5 s every 8 s. The queue holds what the
    // seed has to send, which is what our requests asked for: a request waits behind that backlog only, so the
    // pipeline sized by the least round trip and the stalls keeps the seed's uplink full after each stall (1.00 of
    // the line after the first and the second), and the file takes 1.02 times the line's time, as without the queue.
    const deep: StalledPath = {
      rttMs: 150,
      mbit: 10,
      fileBytes: 32 * MiB,
      stallMs: 500,
      everyMs: 8000,
      firstStallMs: 8000,
      queueMs: 2000,
    };
    const run = runStalledPath(deep, { hash: fastHash, seed: 3 });
    expect(run.between.length).toBeGreaterThanOrEqual(2);
    for (const share of run.between) expect(share).toBeGreaterThan(0.9);
    expect(run.seconds! / run.lineSeconds).toBeLessThan(1.1);
  });

  it('refuses a stall that outlasts its period', () => {
    expect(() => runStalledPath({ ...path, stallMs: 4000 }, { hash: fastHash, seed: 3 })).toThrow(RangeError);
  });
});
