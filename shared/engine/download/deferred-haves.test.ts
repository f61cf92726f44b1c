import { describe, expect, it } from 'vitest';
import { DeferredHaves, HAVE_DELAY_MS } from './deferred-haves';

describe('DeferredHaves', () => {
  it('hands a peer its owed pieces once, oldest first', () => {
    const haves = new DeferredHaves();
    haves.owe('a', 3, 0);
    haves.owe('a', 1, 10);
    haves.owe('b', 2, 5);
    expect(haves.size).toBe(2);
    expect(haves.take('a')).toEqual([3, 1]);
    expect(haves.take('a')).toEqual([]);
    expect(haves.size).toBe(1);
  });

  it('names a peer due HAVE_DELAY_MS after the oldest have it is owed', () => {
    const haves = new DeferredHaves();
    haves.owe('a', 0, 100);
    haves.owe('a', 1, 900);
    haves.owe('b', 2, 500);
    expect(haves.due(100 + HAVE_DELAY_MS - 1)).toEqual([]);
    expect(haves.due(100 + HAVE_DELAY_MS)).toEqual(['a']);
    expect(haves.due(500 + HAVE_DELAY_MS)).toEqual(['a', 'b']);
  });

  it('owes a new delay after the owed pieces were taken', () => {
    const haves = new DeferredHaves();
    haves.owe('a', 0, 0);
    haves.take('a');
    haves.owe('a', 1, 2 * HAVE_DELAY_MS);
    expect(haves.due(2 * HAVE_DELAY_MS + 1)).toEqual([]);
  });

  it('forgets a peer that is gone', () => {
    const haves = new DeferredHaves();
    haves.owe('a', 0, 0);
    haves.forget('a');
    expect(haves.due(HAVE_DELAY_MS)).toEqual([]);
    expect(haves.take('a')).toEqual([]);
  });
});
