import { describe, expect, it } from 'vitest';
import { KeepBudget } from './keep-budget';

const MiB = 1024 * 1024;

describe("an address's budget on the keeper's routes", () => {
  it('counts requests in one-second windows', () => {
    const budget = new KeepBudget({ requestsPerSecond: 2, bytesPerSecond: MiB });
    expect([1, 2, 3].map(() => budget.request('a', 0))).toEqual([true, true, false]);
    expect(budget.request('b', 10)).toBe(true);
    expect(budget.request('a', 1000)).toBe(true);
  });

  it('takes one body larger than a second of bytes, then refuses until the debt has come back', () => {
    const budget = new KeepBudget({ requestsPerSecond: 100, bytesPerSecond: MiB });
    expect(budget.reserve('a', 0, 2 * MiB)).toBe(true);
    expect(budget.reserve('a', 0, 1)).toBe(false);
    expect(budget.reserve('a', 1000, 1)).toBe(false);
    expect(budget.reserve('b', 1000, 1)).toBe(true);
    expect(budget.reserve('a', 1001, 1)).toBe(true);
  });

  it('gives back what a body did not use, never more than a second of bytes', () => {
    const budget = new KeepBudget({ requestsPerSecond: 100, bytesPerSecond: MiB });
    expect(budget.reserve('a', 0, 2 * MiB)).toBe(true);
    budget.refund('a', 0, 2 * MiB - 10);
    expect(budget.reserve('a', 0, MiB - 10)).toBe(true);
    expect(budget.reserve('a', 0, 1)).toBe(false);
    budget.refund('a', 0, 100 * MiB);
    expect(budget.reserve('a', 0, MiB)).toBe(true);
    expect(budget.reserve('a', 0, 1)).toBe(false);
  });

  it('forgets an address once all it spent has come back', () => {
    const budget = new KeepBudget({ requestsPerSecond: 100, bytesPerSecond: MiB });
    budget.request('a', 0);
    budget.reserve('b', 0, 3 * MiB);
    expect(budget.size).toBe(2);
    budget.request('c', 1500);
    expect(budget.size).toBe(2);
    budget.request('c', 3100);
    expect(budget.size).toBe(1);
  });
});
