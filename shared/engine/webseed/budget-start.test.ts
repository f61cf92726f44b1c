import { describe, expect, it } from 'vitest';
import { BUDGET_STEPS, budgetStart, budgetStepBytes } from './budget-start';

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

describe('budgetStart', () => {
  it('is undefined when no piece is wanted', () => {
    expect(
      budgetStart(
        64,
        () => false,
        () => 0.5,
      ),
    ).toBeUndefined();
  });

  it('draws among the pieces no peer has, each as likely as the others', () => {
    // Peers hold 0-9 and 40-63: the draw is over 10-39, its whole range reached.
    const wanted = (i: number) => i >= 10 && i < 40;
    const starts = [0, 0.25, 0.5, 0.999].map((draw) => budgetStart(64, wanted, () => draw));
    expect(starts).toEqual([10, 17, 25, 39]);
  });

  it('spreads sessions that see the same gaps over all of them', () => {
    // Two gaps, 8-15 and 40-47, seen alike by every session: the draws land in both, never elsewhere.
    const wanted = (i: number) => (i >= 8 && i < 16) || (i >= 40 && i < 48);
    const starts = new Set(Array.from({ length: 16 }, (_, k) => budgetStart(64, wanted, () => k / 16)!));
    expect([...starts].sort((a, b) => a - b)).toEqual([
      8, 9, 10, 11, 12, 13, 14, 15, 40, 41, 42, 43, 44, 45, 46, 47,
    ]);
  });
});
