import { describe, expect, it } from 'vitest';
import { MAX_SLOT_HOLD_MS, SLOT_HOLD_FACTOR, holdsSlot, slotHoldMs } from './slot-hold';

describe('slot hold', () => {
  it('holds a slot a few times what it took to bring its first request', () => {
    expect(slotHoldMs({ slotCostMs: 1500 })).toBe(SLOT_HOLD_FACTOR * 1500);
    expect(holdsSlot({ unchoked: true, unchokedForMs: 1000, slotCostMs: 1500 })).toBe(true);
    expect(holdsSlot({ unchoked: true, unchokedForMs: SLOT_HOLD_FACTOR * 1500, slotCostMs: 1500 })).toBe(
      false,
    );
  });

  it('holds nothing on a short path, while the cost is unknown, or for a choked peer', () => {
    // Loopback: the request follows the unchoke within milliseconds, so the slot turns as without a hold.
    expect(holdsSlot({ unchoked: true, unchokedForMs: 10, slotCostMs: 2 })).toBe(false);
    expect(holdsSlot({ unchoked: true, unchokedForMs: 10 })).toBe(false);
    expect(holdsSlot({ unchoked: true, unchokedForMs: 10, slotCostMs: 0 })).toBe(false);
    expect(holdsSlot({ unchoked: false, slotCostMs: 1500 })).toBe(false);
  });

  it('never holds a slot beyond MAX_SLOT_HOLD_MS, however slow the path', () => {
    expect(slotHoldMs({ slotCostMs: 60_000 })).toBe(MAX_SLOT_HOLD_MS);
    expect(holdsSlot({ unchoked: true, unchokedForMs: MAX_SLOT_HOLD_MS, slotCostMs: 60_000 })).toBe(false);
  });
});
