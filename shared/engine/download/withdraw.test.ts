import { describe, expect, it } from 'vitest';
import { requestsToWithdraw, SERVED_SOON_MS, WITHDRAW_FACTOR } from './withdraw';

const BLOCK = 16_384;
const parked = (outstanding: number, depth: number, rate: number, otherSource = true) =>
  requestsToWithdraw({ outstanding, depth, rateBytesPerSec: rate, blockSize: BLOCK, otherSource });

describe('requestsToWithdraw', () => {
  it('keeps up to twice the depth', () => {
    expect(parked(WITHDRAW_FACTOR * 5, 5, 0)).toBe(0);
    expect(parked(WITHDRAW_FACTOR * 5 + 1, 5, 0)).toBe(6);
  });

  it('withdraws a slow peer parked deep down to its depth', () => {
    // 8 KB/s: 5 blocks within SERVED_SOON_MS, so the depth (13) is what it keeps of 147.
    expect(parked(26, 13, 8_000)).toBe(0);
    expect(parked(147, 13, 8_000)).toBe(147 - 13);
  });

  it('keeps what a fast peer serves soon, however far above its depth', () => {
    const soon = Math.ceil((1_600_000 * SERVED_SOON_MS) / 1000 / BLOCK);
    expect(parked(250, 100, 1_600_000)).toBe(0);
    expect(parked(WITHDRAW_FACTOR * soon, 10, 1_600_000)).toBe(0);
    expect(parked(WITHDRAW_FACTOR * soon + 1, 10, 1_600_000)).toBe(soon + 1);
  });

  it('keeps everything when no other peer serves us', () => {
    expect(parked(147, 5, 0, false)).toBe(0);
  });

  it('ignores nonsense figures', () => {
    expect(parked(0, 5, 1000)).toBe(0);
    expect(parked(50, 0, 1000)).toBe(0);
    expect(parked(50, 5, Number.NaN)).toBe(45);
    expect(
      requestsToWithdraw({ outstanding: 50, depth: 5, rateBytesPerSec: 1, blockSize: 0, otherSource: true }),
    ).toBe(0);
  });
});
