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

  it('climbs back to the line after each stall behind a deep queue: the pipeline covers the queue it measures', () => {
    // 10 Mbit/s behind a 2 s queue at the seed's uplink, the requests held 0.5 s every 8 s: a request waits over 2 s
    // for its block. A pipeline covering a second and the stall seen holds less than that time's worth at the rate,
    // and after the first stall the seed's uplink carried 0.68 of the line until the next (the file took 1.54 times
    // the line's time); covering twice the smoothed request-to-block time after stalls, 0.98 and 1.00 (1.36 times).
    const deep: StalledPath = {
      rttMs: 150,
      mbit: 10,
      fileBytes: 24 * MiB,
      stallMs: 500,
      everyMs: 8000,
      firstStallMs: 8000,
      queueMs: 2000,
    };
    const run = runStalledPath(deep, { hash: fastHash, seed: 3 });
    expect(run.between.length).toBeGreaterThanOrEqual(2);
    for (const share of run.between) expect(share).toBeGreaterThan(0.9);
    expect(run.seconds! / run.lineSeconds).toBeLessThan(1.45);
  });

  it('refuses a stall that outlasts its period', () => {
    expect(() => runStalledPath({ ...path, stallMs: 4000 }, { hash: fastHash, seed: 3 })).toThrow(RangeError);
  });
});
