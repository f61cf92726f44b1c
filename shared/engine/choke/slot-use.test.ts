import { describe, expect, it } from 'vitest';
import {
  barredFromSlots,
  SLOT_REQUEST_DEADLINE_MS,
  slotUnused,
  UNUSED_SLOT_BAR_MS,
  UNUSED_SLOT_RETRY_MS,
  type SlotUse,
} from './slot-use';

const D = SLOT_REQUEST_DEADLINE_MS;

describe('slotUnused', () => {
  const held: SlotUse = { unchoked: true, lastUnchokedAt: 1_000 };

  it('takes back a slot that brought no request within the deadline', () => {
    expect(slotUnused(held, 1_000 + D - 1)).toBe(false);
    expect(slotUnused(held, 1_000 + D)).toBe(true);
  });

  it('leaves a slot in which the peer asked, even long ago', () => {
    expect(slotUnused({ ...held, lastRequestAt: 1_000 }, 1_000 + 10 * D)).toBe(false);
  });

  it('a request from an earlier slot does not count for this one', () => {
    expect(slotUnused({ ...held, lastRequestAt: 999 }, 1_000 + D)).toBe(true);
  });

  it('never concerns a choked peer', () => {
    expect(slotUnused({ ...held, unchoked: false }, 1_000 + 10 * D)).toBe(false);
    expect(slotUnused({ unchoked: true }, 10 * D)).toBe(false);
  });
});

describe('barredFromSlots', () => {
  // Unchoked at 0, choked at the deadline without asking.
  const wasted: SlotUse = { unchoked: false, lastUnchokedAt: 0, lastChokedAt: D, interestedAt: -5 };

  it('bars a peer whose last slot lasted the deadline without a request', () => {
    expect(barredFromSlots(wasted, D)).toBe(true);
    expect(barredFromSlots(wasted, D + UNUSED_SLOT_RETRY_MS)).toBe(true);
  });

  it('does not bar a peer that asked in its slot, or whose slot ended before the deadline', () => {
    expect(barredFromSlots({ ...wasted, lastRequestAt: D - 1 }, D)).toBe(false);
    expect(barredFromSlots({ ...wasted, lastChokedAt: D - 1 }, D)).toBe(false);
    expect(barredFromSlots({ unchoked: false }, D)).toBe(false);
  });

  it('a peer unchoked now is not barred', () => {
    expect(barredFromSlots({ ...wasted, unchoked: true }, D)).toBe(false);
  });

  it('interest said again lifts the bar only once the retry time has passed since the choke', () => {
    const renewed = { ...wasted, interestedAt: D + 1 };
    expect(barredFromSlots(renewed, D + UNUSED_SLOT_RETRY_MS - 1)).toBe(true);
    expect(barredFromSlots(renewed, D + UNUSED_SLOT_RETRY_MS)).toBe(false);
  });

  it('interest said before the choke does not lift it', () => {
    expect(barredFromSlots({ ...wasted, interestedAt: D }, D + UNUSED_SLOT_RETRY_MS)).toBe(true);
  });

  it('the bar lapses after its longest time whatever the peer says', () => {
    expect(barredFromSlots(wasted, D + UNUSED_SLOT_BAR_MS - 1)).toBe(true);
    expect(barredFromSlots(wasted, D + UNUSED_SLOT_BAR_MS)).toBe(false);
  });
});
