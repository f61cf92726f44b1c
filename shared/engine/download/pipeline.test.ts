import { describe, expect, it } from 'vitest';
import {
  isSnubbed,
  latencyToCover,
  pathRoundTrip,
  pipelineDepth,
  SENDER_QUEUE_MS,
  type PipelineOptions,
} from './pipeline';

const options: PipelineOptions = { minDepth: 5, maxDepth: 250, blockSize: 16384 };

describe('pipelineDepth', () => {
  it('is the minimum for a peer with no measured rate', () => {
    expect(pipelineDepth(0, undefined, options)).toBe(5);
    expect(pipelineDepth(Number.NaN, undefined, options)).toBe(5);
  });

  it('covers the target latency at the measured rate', () => {
    // 1 MiB/s for 1 s = 64 blocks of 16 KiB.
    expect(pipelineDepth(1024 * 1024, undefined, options)).toBe(64);
    expect(pipelineDepth(1024 * 1024, undefined, { ...options, targetLatencyMs: 500 })).toBe(32);
    // Part of a block rounds up.
    expect(pipelineDepth(16384 * 10 + 1, undefined, options)).toBe(11);
  });

  it('never decreases as the rate grows', () => {
    let previous = 0;
    for (let rate = 0; rate <= 10 * 1024 * 1024; rate += 37_000) {
      const depth = pipelineDepth(rate, undefined, options);
      expect(depth).toBeGreaterThanOrEqual(previous);
      previous = depth;
    }
    expect(previous).toBe(250);
  });

  it('is clamped to maxDepth and to the peer reqq', () => {
    expect(pipelineDepth(100 * 1024 * 1024, undefined, options)).toBe(250);
    expect(pipelineDepth(100 * 1024 * 1024, 100, options)).toBe(100);
    expect(pipelineDepth(1024 * 1024, 500, options)).toBe(64);
    // The peer's queue wins over the minimum: requests beyond reqq would be dropped.
    expect(pipelineDepth(0, 2, options)).toBe(2);
  });

  it('ignores a nonsensical reqq', () => {
    expect(pipelineDepth(100 * 1024 * 1024, 0, options)).toBe(250);
    expect(pipelineDepth(100 * 1024 * 1024, -3, options)).toBe(250);
    expect(pipelineDepth(100 * 1024 * 1024, Number.NaN, options)).toBe(250);
  });

  it('rejects bad options', () => {
    expect(() => pipelineDepth(0, undefined, { ...options, blockSize: 0 })).toThrow(RangeError);
    expect(() => pipelineDepth(0, undefined, { ...options, maxDepth: 4 })).toThrow(RangeError);
  });
});

describe('isSnubbed', () => {
  it('needs requests in flight', () => {
    expect(isSnubbed(0, 0, 120_000, 60_000)).toBe(false);
  });

  it('starts once snubMs passed without a block', () => {
    expect(isSnubbed(1000, 3, 60_999, 60_000)).toBe(false);
    expect(isSnubbed(1000, 3, 61_000, 60_000)).toBe(true);
  });
});

describe('pipelineDepth with maxQueueMs', () => {
  const options = { minDepth: 5, maxDepth: 250, blockSize: 16384, maxQueueMs: 5000 };
  it('lowers the minimum for a peer measured slow, to what it delivers in maxQueueMs, at least 2', () => {
    expect(pipelineDepth(16384 / 5, undefined, options)).toBe(2); // 1 block per 5 s
    expect(pipelineDepth((3 * 16384) / 5, undefined, options)).toBe(3);
    expect(pipelineDepth(16384, undefined, options)).toBe(5); // fast enough for the usual minimum
    expect(pipelineDepth(100 * 16384, undefined, options)).toBe(100); // the rate rule is unchanged
  });
  it('keeps minDepth for a peer whose rate is unknown, and refuses a nonsensical maxQueueMs', () => {
    expect(pipelineDepth(0, undefined, options)).toBe(5);
    expect(() => pipelineDepth(1000, undefined, { ...options, maxQueueMs: -1 })).toThrow(RangeError);
  });
});

describe('latencyToCover', () => {
  it('is the floor for a short round trip or none known', () => {
    expect(latencyToCover(undefined, 1000)).toBe(1000);
    expect(latencyToCover(Number.NaN, 1000)).toBe(1000);
    expect(latencyToCover(100, 1000)).toBe(1000);
  });

  it('covers twice a long round trip and the sender’s queue', () => {
    expect(latencyToCover(600, 1000)).toBe(1200 + SENDER_QUEUE_MS);
    expect(latencyToCover(2000, 1000)).toBe(4000 + SENDER_QUEUE_MS);
  });
});

describe('pathRoundTrip', () => {
  it('takes the block’s own time at the rate off the request-to-block time', () => {
    // A 16 KiB block at 160 KiB/s takes 100 ms.
    expect(pathRoundTrip(700, 160 * 1024, 16384)).toBe(600);
  });

  it('is none on an uplink so slow that sending the block is the whole wait', () => {
    expect(pathRoundTrip(600, 8 * 1024, 16384)).toBe(0);
  });

  it('is unknown without a time or a rate', () => {
    expect(pathRoundTrip(undefined, 1e6, 16384)).toBeUndefined();
    expect(pathRoundTrip(600, 0, 16384)).toBeUndefined();
  });
});

describe('pipelineDepth over a long round trip', () => {
  it('covers the round trip at the rate where a second would not', () => {
    const rate = 2.5e6;
    const short = pipelineDepth(rate, undefined, { ...options, roundTripMs: 100 });
    expect(short).toBe(Math.ceil(rate / 16384));
    // 600 ms round trip (plus the block's own 6.6 ms): 1.45 s of the rate.
    const roundTripMs = 600 + (16384 / rate) * 1000;
    const long = pipelineDepth(rate, undefined, { ...options, roundTripMs });
    expect(long).toBe(Math.ceil((rate * 1.45) / 16384));
  });

  it('stays within the peer’s reqq and the maximum', () => {
    expect(pipelineDepth(2.5e6, 100, { ...options, roundTripMs: 3000 })).toBe(100);
    expect(pipelineDepth(2.5e6, undefined, { ...options, roundTripMs: 3000 })).toBe(250);
  });
});

describe('pipelineDepth over stalls', () => {
  it('adds the stall to the time covered at the rate', () => {
    // 1 MiB/s: 64 blocks a second; 1 s and 0.5 s of stall are 96 blocks.
    expect(pipelineDepth(1024 * 1024, undefined, { ...options, stallMs: 500 })).toBe(96);
    expect(pipelineDepth(1024 * 1024, undefined, { ...options, stallMs: 0 })).toBe(64);
  });

  it('ignores a nonsensical stall and stays within the maximum', () => {
    expect(pipelineDepth(1024 * 1024, undefined, { ...options, stallMs: Number.NaN })).toBe(64);
    expect(pipelineDepth(1024 * 1024, undefined, { ...options, stallMs: -100 })).toBe(64);
    expect(pipelineDepth(10 * 1024 * 1024, undefined, { ...options, stallMs: 2000 })).toBe(250);
  });
});
