import { describe, expect, it } from 'vitest';
import { STORAGE_RETRY_MAX_MS, STORAGE_RETRY_MS, StorageStall } from './storage-stall';

describe('StorageStall', () => {
  it('waits twice as long after each refusal in a row, up to its ceiling, and the first wait again after a store', () => {
    const stall = new StorageStall();
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 8; i++) {
      stall.refused(now);
      let wait = 0;
      while (!stall.due(now + wait)) wait += 500;
      waits.push(wait);
      now += wait;
      stall.clear();
    }
    expect(waits.slice(0, 3)).toEqual([STORAGE_RETRY_MS, 2 * STORAGE_RETRY_MS, 4 * STORAGE_RETRY_MS]);
    expect(Math.max(...waits)).toBe(STORAGE_RETRY_MAX_MS);
    stall.worked();
    stall.refused(now);
    expect(stall.due(now + STORAGE_RETRY_MS - 1)).toBe(false);
    expect(stall.due(now + STORAGE_RETRY_MS)).toBe(true);
  });

  it('is not stalled once cleared, and never due then', () => {
    const stall = new StorageStall();
    stall.refused(0);
    expect(stall.stalled).toBe(true);
    stall.clear();
    expect(stall.stalled).toBe(false);
    expect(stall.due(1e9)).toBe(false);
  });
});
