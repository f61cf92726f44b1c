import { describe, expect, it } from 'vitest';
import { MAX_IDLE_SLOTS, NO_IDLE_SLOTS, atRound, lookAtUplink } from './idle-slots';

describe('idle slots', () => {
  it('opens one slot at each look while the uplink idles and a peer waits', () => {
    let slots = lookAtUplink(NO_IDLE_SLOTS, true, true);
    expect(slots.extra).toBe(1);
    slots = lookAtUplink(slots, true, true);
    expect(slots.extra).toBe(2);
    // Nobody waits, or the uplink is busy: nothing more opens.
    expect(lookAtUplink(slots, true, false).extra).toBe(2);
    expect(lookAtUplink(slots, false, true).extra).toBe(2);
  });

  it('never opens more than MAX_IDLE_SLOTS', () => {
    let slots = NO_IDLE_SLOTS;
    for (let i = 0; i < 3 * MAX_IDLE_SLOTS; i++) slots = lookAtUplink(slots, true, true);
    expect(slots.extra).toBe(MAX_IDLE_SLOTS);
  });

  it('closes one at a round in which the uplink never idled, none at one in which it did', () => {
    const two = lookAtUplink(lookAtUplink(NO_IDLE_SLOTS, true, true), true, true);
    const kept = atRound(two);
    expect(kept).toEqual({ extra: 2, idledThisRound: false });
    const busy = lookAtUplink(kept, false, true);
    expect(atRound(busy)).toEqual({ extra: 1, idledThisRound: false });
    expect(atRound(atRound(atRound(busy)))).toEqual(NO_IDLE_SLOTS);
  });
});
