import { describe, expect, it } from 'vitest';
import { LONG_STALL_MS, MAX_STALL_COVER_MS, STALL_MEMORY_MS, StallMemory, stallBeyond } from './stall';

const BLOCK = 16384;

describe('stallBeyond', () => {
  it('is the part of a gap beyond the least round trip', () => {
    // At 1.6 MB/s two blocks take 20 ms, under the 100 ms round trip.
    expect(stallBeyond(700, 100, 1_638_400, BLOCK)).toBe(600);
    expect(stallBeyond(90, 100, 1_638_400, BLOCK)).toBe(0);
  });

  it('leaves a peer two blocks’ time between its blocks', () => {
    // 80 KiB/s: two blocks in 400 ms; a gap of 300 ms is no stall, one of 1 s is one of 600 ms.
    expect(stallBeyond(300, 100, 5 * BLOCK, BLOCK)).toBe(0);
    expect(stallBeyond(1000, 100, 5 * BLOCK, BLOCK)).toBe(600);
  });

  it('measures none on a peer whose two blocks take over half a second', () => {
    // 16 KiB/s: a block a second, as an uplink taking turns among several peers gives each.
    expect(stallBeyond(10_000, 100, BLOCK, BLOCK)).toBe(0);
  });

  it('is none without a round trip or a rate', () => {
    expect(stallBeyond(5000, undefined, 1e6, BLOCK)).toBe(0);
    expect(stallBeyond(5000, 100, 0, BLOCK)).toBe(0);
    expect(stallBeyond(Number.NaN, 100, 1e6, BLOCK)).toBe(0);
  });
});

describe('StallMemory', () => {
  it('covers the longest stall of the last STALL_MEMORY_MS, at most MAX_STALL_COVER_MS', () => {
    const stalls = new StallMemory();
    expect(stalls.cover(0)).toBe(0);
    stalls.record(400, 1000, 1e6, 5000);
    stalls.record(300, 2000, 1e6, 5000);
    expect(stalls.cover(2000)).toBe(400);
    expect(stalls.cover(1000 + STALL_MEMORY_MS)).toBe(300);
    expect(stalls.cover(2000 + STALL_MEMORY_MS)).toBe(0);
    stalls.record(60_000, 3000, 1e6, 5000);
    expect(stalls.cover(3000)).toBe(MAX_STALL_COVER_MS);
  });

  it('holds the rate before a long stall for the time given, not after a short one', () => {
    const stalls = new StallMemory();
    stalls.record(LONG_STALL_MS - 1, 1000, 2e6, 5000);
    expect(stalls.heldRate(1000)).toBe(0);
    stalls.record(LONG_STALL_MS, 2000, 2e6, 5000);
    expect(stalls.heldRate(2000)).toBe(2e6);
    expect(stalls.heldRate(6999)).toBe(2e6);
    expect(stalls.heldRate(7000)).toBe(0);
  });

  it('ignores a nonsensical stall', () => {
    const stalls = new StallMemory();
    stalls.record(Number.NaN, 0, 1e6, 5000);
    stalls.record(-5, 0, 1e6, 5000);
    stalls.record(Infinity, 0, 1e6, 5000);
    expect(stalls.cover(0)).toBe(0);
  });
});
