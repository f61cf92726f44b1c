import { describe, expect, it } from 'vitest';
import {
  FAILED_KEPT_MS,
  FailedKeeps,
  FETCH_MIN_BYTES_PER_SECOND,
  FETCH_STALL_MS,
  FetchSlots,
} from './fetch-slots';

describe('FetchSlots', () => {
  it('gives one address at most its slots, and another address the rest', () => {
    const slots = new FetchSlots(4, 2);
    slots.take('a1', 'A', 0, 0);
    slots.take('a2', 'A', 0, 0);
    expect(slots.refusal('A')).toBe(
      'The keeper is already fetching 2 shares for your address; try again once one is kept.',
    );
    expect(slots.refusal('B')).toBeUndefined();
    slots.take('b1', 'B', 0, 0);
    slots.take('c1', 'C', 0, 0);
    expect(slots.refusal('D')).toBe('The keeper is busy fetching other shares; try again in a few minutes.');
    slots.release('a1');
    expect(slots.refusal('A')).toBeUndefined();
  });

  it('finds the fetches with no new piece for the stall time, and not the others', () => {
    const slots = new FetchSlots();
    slots.take('never', 'A', 0, 0);
    slots.take('moving', 'B', 0, 0);
    slots.take('stopped', 'C', 0, 0);
    slots.progress('moving', 1, FETCH_STALL_MS / 2);
    slots.progress('stopped', 3, 1_000);
    slots.progress('stopped', 3, FETCH_STALL_MS / 2); // the same count: no progress
    expect(slots.stalled(FETCH_STALL_MS - 1)).toEqual([]);
    expect(slots.stalled(FETCH_STALL_MS)).toEqual(['never']);
    expect(slots.stalled(FETCH_STALL_MS + 1_000)).toEqual(['never', 'stopped']);
    expect(slots.stalled(FETCH_STALL_MS * 2)).toEqual(['never', 'moving', 'stopped']);
  });

  it('waits longer for a piece too large to come within the stall time at the least rate', () => {
    const slots = new FetchSlots();
    const large = 16 * 1024 * 1024;
    slots.take('large', 'A', 0, 0, large);
    slots.take('small', 'B', 0, 0, 16 * 1024);
    const pieceTime = (large / FETCH_MIN_BYTES_PER_SECOND) * 1000;
    expect(pieceTime).toBeGreaterThan(FETCH_STALL_MS);
    expect(slots.stalled(FETCH_STALL_MS)).toEqual(['small']);
    expect(slots.stalled(pieceTime)).toEqual(['large', 'small']);
  });

  it('gives up a fetch slower on average than the least rate, though each piece comes in time', () => {
    const slots = new FetchSlots();
    const left = 64 * FETCH_MIN_BYTES_PER_SECOND; // 64 s of bytes at the least rate
    slots.take('trickle', 'A', 0, 0, 16 * 1024, left);
    let now = 0;
    for (let have = 1; now < FETCH_STALL_MS + 64_000; have++) {
      expect(slots.stalled(now)).toEqual([]);
      now += FETCH_STALL_MS - 1_000;
      slots.progress('trickle', have, now);
    }
    expect(slots.stalled(now)).toEqual(['trickle']);
  });
});

describe('FailedKeeps', () => {
  it('tells the words to the stop token of the keep only, for a while', () => {
    const failed = new FailedKeeps();
    failed.add('h', 'token', 'gave up', 0);
    expect(failed.words('h', 'token', 1)).toBe('gave up');
    expect(failed.words('h', 'other', 1)).toBeUndefined();
    expect(failed.words('h', 'token', FAILED_KEPT_MS)).toBeUndefined();
    failed.forget('h');
    expect(failed.words('h', 'token', 1)).toBeUndefined();
  });

  it('forgets the oldest past its bound', () => {
    const failed = new FailedKeeps();
    for (let i = 0; i <= 1024; i++) failed.add(`h${i}`, 't', 'gave up', 0);
    expect(failed.words('h0', 't', 1)).toBeUndefined();
    expect(failed.words('h1', 't', 1)).toBe('gave up');
    expect(failed.words('h1024', 't', 1)).toBe('gave up');
  });
});
