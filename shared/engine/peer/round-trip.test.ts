import { describe, expect, it } from 'vitest';
import { MAX_ROUND_TRIP_SAMPLE_MS, RoundTrip, requestTimeoutFor } from './round-trip';

describe('RoundTrip', () => {
  it('knows nothing before its first sample', () => {
    const roundTrip = new RoundTrip();
    expect(roundTrip.smoothed).toBeUndefined();
    expect(roundTrip.least).toBeUndefined();
    expect(roundTrip.samples).toBe(0);
  });

  it('starts from its first sample, with half of it as the variation (RFC 6298)', () => {
    const roundTrip = new RoundTrip();
    roundTrip.sample(300);
    expect(roundTrip.smoothed).toBe(300);
    expect(roundTrip.variation).toBe(150);
    expect(roundTrip.least).toBe(300);
  });

  it('moves an eighth of the way to each sample, its variation a quarter', () => {
    const roundTrip = new RoundTrip();
    roundTrip.sample(100);
    roundTrip.sample(200);
    // variation: 50 + (|100 - 200| - 50) / 4; smoothed: 100 + (200 - 100) / 8.
    expect(roundTrip.variation).toBe(62.5);
    expect(roundTrip.smoothed).toBe(112.5);
  });

  it('settles on a steady round trip, its variation shrinking towards none', () => {
    const roundTrip = new RoundTrip();
    for (let i = 0; i < 100; i++) roundTrip.sample(150);
    expect(roundTrip.smoothed).toBe(150);
    expect(roundTrip.variation).toBeLessThan(1);
  });

  it('keeps the least sample: the round trip with no queue of ours ahead', () => {
    const roundTrip = new RoundTrip();
    for (const ms of [160, 400, 900, 1200, 150, 1300]) roundTrip.sample(ms);
    expect(roundTrip.least).toBe(150);
    expect(roundTrip.smoothed).toBeGreaterThan(400);
  });

  it('ignores nonsensical samples and waits too long to be a round trip', () => {
    const roundTrip = new RoundTrip();
    for (const ms of [-1, Number.NaN, Infinity, MAX_ROUND_TRIP_SAMPLE_MS + 1]) roundTrip.sample(ms);
    expect(roundTrip.samples).toBe(0);
    roundTrip.sample(0);
    expect(roundTrip.least).toBe(0);
  });
});

describe('requestTimeoutFor', () => {
  it('is the floor before any sample', () => {
    expect(requestTimeoutFor(new RoundTrip(), 30_000, 120_000)).toBe(30_000);
  });

  it('is the smoothed time and four variations', () => {
    const roundTrip = new RoundTrip();
    roundTrip.sample(20_000);
    roundTrip.sample(30_000);
    const expected = roundTrip.smoothed! + 4 * roundTrip.variation;
    expect(expected).toBeGreaterThan(30_000);
    expect(requestTimeoutFor(roundTrip, 30_000, 120_000)).toBe(expected);
  });

  it('stays between its floor and its cap', () => {
    const near = new RoundTrip();
    for (let i = 0; i < 50; i++) near.sample(100);
    expect(requestTimeoutFor(near, 30_000, 120_000)).toBe(30_000);
    const far = new RoundTrip();
    far.sample(50_000);
    expect(requestTimeoutFor(far, 30_000, 120_000)).toBe(120_000);
  });
});
