import { describe, expect, it } from 'vitest';
import { BUDGET_STEPS, budgetStart, budgetStepBytes, wantedRuns } from './budget-start';

const PIECE = 16 * 1024;

describe('budgetStepBytes', () => {
  it('is unbounded without a budget', () => {
    expect(budgetStepBytes(undefined, PIECE)).toBe(Infinity);
  });

  it('spends a budget in BUDGET_STEPS requests, each one piece at least', () => {
    expect(budgetStepBytes(64 * PIECE, PIECE)).toBe((64 * PIECE) / BUDGET_STEPS);
    expect(budgetStepBytes(3 * PIECE, PIECE)).toBe(PIECE);
  });
});

describe('wantedRuns', () => {
  it('cuts the wanted indices into runs of consecutive ones', () => {
    const wanted = new Set([0, 1, 4, 5, 6, 9]);
    expect(wantedRuns(10, (i) => wanted.has(i))).toEqual([
      { start: 0, length: 2 },
      { start: 4, length: 3 },
      { start: 9, length: 1 },
    ]);
  });
});

describe('budgetStart', () => {
  const all = () => true;

  it("starts at the session's own piece while no peer has any", () => {
    expect(budgetStart(64, all, 17, () => 0.9)).toBe(17);
  });

  it('is undefined when no piece is wanted', () => {
    expect(budgetStart(64, () => false, 3, () => 0.5)).toBeUndefined();
  });

  it('starts in the middle half of the longest run of pieces no peer has', () => {
    // Peers hold 0-9 and 40-43: the longest run no peer has is 10-39 (30 pieces); its middle half is 17-32.
    const held = (i: number) => i < 10 || (i >= 40 && i < 44);
    const starts = [0, 0.25, 0.5, 0.75, 0.999].map((draw) => budgetStart(64, (i) => !held(i), 50, () => draw));
    expect(starts).toEqual([17, 21, 25, 28, 32]);
    for (const start of starts) expect(start! >= 10 && start! < 40).toBe(true);
  });

  it('breaks a tie between runs by the first at or after its own piece', () => {
    // Two runs of 8: 8-15 and 40-47. A session whose own piece is 30 takes the second, one at 0 the first.
    const wanted = (i: number) => (i >= 8 && i < 16) || (i >= 40 && i < 48);
    expect(budgetStart(64, wanted, 30, () => 0)).toBe(42);
    expect(budgetStart(64, wanted, 0, () => 0)).toBe(10);
  });

  it('never lands outside a run of one', () => {
    expect(budgetStart(8, (i) => i === 5, 0, () => 0.99)).toBe(5);
  });
});
