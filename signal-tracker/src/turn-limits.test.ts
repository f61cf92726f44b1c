import { describe, expect, it } from 'vitest';
import { CredentialBuckets } from './turn-limits';

describe('CredentialBuckets on a virtual clock', () => {
  const limits = { burst: 3, refillMs: 1000, maxAddresses: 4 };

  it('gives an address its burst, then one per refill, and says how long to wait', () => {
    const buckets = new CredentialBuckets(limits);
    const grants = Array.from({ length: 4 }, () => buckets.take('10.0.0.1', 0).granted);
    expect(grants).toEqual([true, true, true, false]);
    expect(buckets.take('10.0.0.1', 250)).toEqual({ granted: false, retryAfterMs: 750 });
    expect(buckets.take('10.0.0.1', 1000).granted).toBe(true);
    expect(buckets.take('10.0.0.1', 1000).granted).toBe(false);
    expect(buckets.take('10.0.0.2', 1000).granted).toBe(true); // another address has its own bucket
    expect(buckets.refused).toBe(3);
    // Never more than the burst, however long an address waited.
    const later = Array.from({ length: 4 }, () => buckets.take('10.0.0.1', 1_000_000).granted);
    expect(later).toEqual([true, true, true, false]);
  });

  it('holds at most maxAddresses, forgetting whole buckets first and never a short one', () => {
    const buckets = new CredentialBuckets(limits);
    for (let i = 0; i < 4; i++) for (let n = 0; n < 3; n++) buckets.take(`10.0.1.${i}`, 0);
    // Every place is taken by an address with no token left: a new one waits for the soonest to refill whole.
    expect(buckets.take('10.0.2.1', 0)).toEqual({ granted: false, retryAfterMs: 3000 });
    expect(buckets.take('10.0.2.2', 1000)).toEqual({ granted: false, retryAfterMs: 2000 });
    expect(buckets.addressCount).toBe(4);
    // The drained addresses are still drained: filling the table reset nobody.
    expect(buckets.take('10.0.1.0', 1500).granted).toBe(true);
    expect(buckets.take('10.0.1.0', 1500).granted).toBe(false);
    // Once buckets are whole again they are forgotten and new addresses get places.
    expect(buckets.take('10.0.2.1', 4500).granted).toBe(true);
    expect(buckets.addressCount).toBeLessThanOrEqual(4);
  });

  it('stays within its table however many addresses ask', () => {
    const buckets = new CredentialBuckets({ burst: 2, refillMs: 60_000, maxAddresses: 100 });
    let granted = 0;
    for (let i = 0; i < 20_000; i++) if (buckets.take(`a${i}`, i).granted) granted++;
    expect(buckets.addressCount).toBe(100);
    expect(granted).toBeLessThanOrEqual(100 + (20_000 / 60_000) * 2 * 100);
  });
});
