import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../shared/engine/testing/random';
import {
  intervalText,
  medianInterval,
  metOf,
  ratioInterval,
  verdictAtLeast,
  verdictAtMost,
} from './interval';

describe('the median interval', () => {
  it('is the whole range for seven values, which holds the median 98.4 % of the time', () => {
    const interval = medianInterval([5, 1, 7, 3, 2, 6, 4]);
    expect(interval.low).toBe(1);
    expect(interval.high).toBe(7);
    expect(interval.confidence).toBeCloseTo(1 - 2 / 128, 6);
  });

  it('leaves out the extreme value at each end for nine values (96.1 %)', () => {
    const interval = medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5]);
    expect([interval.low, interval.high]).toEqual([2, 8]);
    expect(interval.confidence).toBeCloseTo(1 - (2 * 10) / 512, 6);
  });

  it('says how little a few values can hold', () => {
    expect(medianInterval([2, 1, 3]).confidence).toBeCloseTo(0.75, 6);
    expect(medianInterval([4]).confidence).toBe(0);
  });

  it('holds the true median at least as often as it says (a simulation)', () => {
    const random = mulberry32(7);
    let held = 0;
    const trials = 2000;
    for (let trial = 0; trial < trials; trial++) {
      // Exponential times, median ln 2: skewed, as times are.
      const values = Array.from({ length: 9 }, () => -Math.log(1 - random()));
      const { low, high } = medianInterval(values);
      if (low <= Math.LN2 && Math.LN2 <= high) held++;
    }
    expect(held / trials).toBeGreaterThan(0.94);
  });
});

describe('the ratio interval', () => {
  it('lies around the ratio of the medians and repeats for the same runs', () => {
    const ours = [1.0, 1.1, 0.9, 1.05, 0.95, 1.02, 0.98];
    const theirs = ours.map((value) => value * 2);
    const interval = ratioInterval(ours, theirs);
    expect(interval.low).toBeLessThanOrEqual(0.5);
    expect(interval.high).toBeGreaterThanOrEqual(0.5);
    expect(interval.high).toBeLessThan(1);
    expect(ratioInterval(ours, theirs)).toEqual(interval);
  });

  it('holds 1 when both samples come from the same spread', () => {
    const interval = ratioInterval([3, 5, 4, 6, 2], [4, 2, 6, 3, 5]);
    expect(interval.low).toBeLessThan(1);
    expect(interval.high).toBeGreaterThan(1);
  });
});

/** An interval of a ratio, for the verdicts. */
const at = (low: number, high: number) => ({ low, high, confidence: 0.95 });

describe('the verdict on "at most"', () => {
  it('is met only when the whole interval is at or under the limit', () => {
    expect(verdictAtMost(at(0.7, 1), 1)).toBe('met');
    expect(verdictAtMost(at(1.01, 1.4), 1)).toBe('missed');
    expect(verdictAtMost(at(0.8, 1.2), 1)).toBe('not told apart');
  });
});

describe('the verdict on "at least"', () => {
  it('is met only when the whole interval is at or over the limit', () => {
    expect(verdictAtLeast(at(0.9, 1.2), 0.9)).toBe('met');
    expect(verdictAtLeast(at(0.6, 0.89), 0.9)).toBe('missed');
    expect(verdictAtLeast(at(0.74, 1.4), 0.9)).toBe('not told apart');
  });
});

describe('a verdict in a figure', () => {
  it('is met, missed, or null where the runs cannot tell', () => {
    expect(metOf('met')).toBe(true);
    expect(metOf('missed')).toBe(false);
    expect(metOf('not told apart')).toBeNull();
  });

  it('writes an interval with its confidence', () => {
    expect(intervalText({ low: 0.9102, high: 1.0122, confidence: 0.95 })).toBe('0.91 to 1.01 (95 %)');
    expect(intervalText({ low: 84.9, high: 91.2, confidence: 0.9614 }, 1)).toBe('84.9 to 91.2 (96 %)');
  });
});
