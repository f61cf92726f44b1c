import { describe, expect, it } from 'vitest';
import { Bucket, ROUND_MS } from './bucket';

describe('Bucket', () => {
  it('gives its burst at once, then its rate a round', () => {
    const bucket = new Bucket({ perRound: 2, burst: 3 }, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(ROUND_MS / 2)).toBe(true);
    expect(bucket.take(ROUND_MS / 2)).toBe(false);
  });

  it('saves up no more than its burst', () => {
    const bucket = new Bucket({ perRound: 1, burst: 2 }, 0);
    const taken = [0, 1, 2].map(() => bucket.take(100 * ROUND_MS));
    expect(taken).toEqual([true, true, false]);
  });

  it('counts over its own period', () => {
    const bucket = new Bucket({ perRound: 1, burst: 1 }, 0, 60_000);
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(30_000)).toBe(false);
    expect(bucket.take(60_000)).toBe(true);
  });
});
