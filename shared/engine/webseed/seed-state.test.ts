import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_MS,
  MAX_FAILURES_IN_A_ROW,
  MAX_RETRY_MS,
  MAX_WHOLE_FILE,
  SeedState,
} from './seed-state';

describe('SeedState', () => {
  it('serves every file until one is dropped', () => {
    const seed = new SeedState('https://s.example/', 'webseed:0');
    expect(seed.serves([0, 1], 0)).toBe(true);
    seed.drop(1, 'not found');
    expect(seed.serves([0], 0)).toBe(true);
    expect(seed.serves([0, 1], 0)).toBe(false);
    expect(seed.dropped.get(1)).toBe('not found');
  });

  it('waits for Retry-After, bounded, or a default without one', () => {
    const seed = new SeedState('https://s.example/', 'webseed:0');
    seed.backOff(5_000, 1_000);
    expect(seed.serves([0], 5_999)).toBe(false);
    expect(seed.status(false, 5_999)).toBe('waiting');
    expect(seed.serves([0], 6_000)).toBe(true);
    seed.backOff(365 * 24 * 3600_000, 10_000);
    expect(seed.retryAt).toBe(10_000 + MAX_RETRY_MS);
    const other = new SeedState('https://t.example/', 'webseed:1');
    other.backOff(undefined, 0);
    expect(other.retryAt).toBe(DEFAULT_RETRY_MS);
  });

  it('takes a file without range support whole only when it is small enough', () => {
    const seed = new SeedState('https://s.example/', 'webseed:0');
    seed.noRanges(0, MAX_WHOLE_FILE);
    seed.noRanges(1, MAX_WHOLE_FILE + 1);
    expect(seed.whole.has(0)).toBe(true);
    expect(seed.serves([0], 0)).toBe(true);
    expect(seed.serves([1], 0)).toBe(false);
  });

  it('gives up after failures in a row, and a success resets the count', () => {
    const seed = new SeedState('https://s.example/', 'webseed:0');
    for (let i = 0; i < MAX_FAILURES_IN_A_ROW - 1; i++) seed.failedOnce('cut', 0);
    seed.succeeded(10);
    seed.failedOnce('cut', 0);
    expect(seed.failure).toBeUndefined();
    for (let i = 0; i < MAX_FAILURES_IN_A_ROW; i++) seed.failedOnce('network error', 0);
    expect(seed.failure).toBe('network error');
    expect(seed.status(false, Infinity)).toBe('failed');
    expect(seed.downloaded).toBe(10);
  });
});
