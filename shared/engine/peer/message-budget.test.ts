import { describe, expect, it } from 'vitest';
import { MessageBudget, OPENING_ALLOWANCE, PEER_WORK_BURST, PEER_WORK_PER_SECOND } from './message-budget';

describe('a peer’s work budget', () => {
  it('admits its burst at once, then only what the time since refilled', () => {
    const budget = new MessageBudget(0, { perSecond: 100, burst: 200 });
    expect(budget.charge(200, 0)).toBe(true);
    expect(budget.charge(1, 0)).toBe(false);
    const later = new MessageBudget(0, { perSecond: 100, burst: 200 });
    expect(later.charge(200, 0)).toBe(true);
    expect(later.charge(50, 500)).toBe(true); // half a second: 50 units back
    expect(later.charge(1, 500)).toBe(false);
  });

  it('saves up no more than its burst, however long the peer was quiet', () => {
    const budget = new MessageBudget(0, { perSecond: 100, burst: 200 });
    expect(budget.charge(200, 3_600_000)).toBe(true);
    expect(budget.charge(1, 3_600_000)).toBe(false);
  });

  it('pays the first pieces message from a one-off allowance, the largest bitfield any torrent has', () => {
    const budget = new MessageBudget(0, { perSecond: 100, burst: 200 });
    expect(budget.charge(OPENING_ALLOWANCE, 0, true)).toBe(true);
    expect(budget.charge(200, 0)).toBe(true);
    // The allowance is spent once: a second such charge comes out of the budget.
    const again = new MessageBudget(0, { perSecond: 100, burst: 200 });
    expect(again.charge(10, 0, true)).toBe(true);
    expect(again.charge(OPENING_ALLOWANCE, 0, true)).toBe(false);
  });

  it('keeps a ledger of every unit charged', () => {
    const budget = new MessageBudget(0);
    budget.charge(3, 0);
    budget.charge(4, 10, true);
    expect(budget.spent).toBe(7);
  });

  it('by default lets a peer cause at most its burst and then its rate', () => {
    const budget = new MessageBudget(0);
    let admitted = 0;
    // A flood of 2-unit messages, 1,000 a millisecond for 10 s: what gets through is the burst and 10 s of the rate.
    outer: for (let ms = 0; ms < 10_000; ms++) {
      for (let i = 0; i < 1_000; i++) {
        if (!budget.charge(2, ms)) break outer;
        admitted += 2;
      }
    }
    expect(admitted).toBeLessThanOrEqual(PEER_WORK_BURST + 10 * PEER_WORK_PER_SECOND);
    expect(admitted).toBeGreaterThanOrEqual(PEER_WORK_BURST);
  });
});
