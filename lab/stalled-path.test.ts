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

  it('refuses a stall that outlasts its period', () => {
    expect(() => runStalledPath({ ...path, stallMs: 4000 }, { hash: fastHash, seed: 3 })).toThrow(RangeError);
  });
});
