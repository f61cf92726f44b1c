import { describe, expect, it } from 'vitest';
import { ConnectionBudget, PAGE_CONNECTIONS } from './connection-budget';

describe('ConnectionBudget', () => {
  it('stays well under the 500 connections Chromium allows a page', () => {
    expect(PAGE_CONNECTIONS).toBeLessThanOrEqual(250);
  });

  it('gives no place past its limit, and each place back once', () => {
    const budget = new ConnectionBudget(3);
    const places = [budget.take(), budget.take(), budget.take()];
    expect(places.every((place) => place !== undefined)).toBe(true);
    expect(budget.take()).toBeUndefined();
    expect(budget.answers()).toBe(false);
    places[0]!.release();
    places[0]!.release();
    expect(budget.used).toBe(2);
    expect(budget.take()).toBeDefined();
    expect(budget.take()).toBeUndefined();
  });

  it('makes fewer offers as places run out, keeping some for answers', () => {
    const budget = new ConnectionBudget(200);
    expect(budget.offers(5)).toBe(5);
    while (budget.free > 49) budget.take();
    expect(budget.offers(5)).toBe(1);
    while (budget.free > 20) budget.take();
    expect(budget.offers(5)).toBe(0);
    expect(budget.answers()).toBe(true);
    expect(budget.offers(0)).toBe(0);
  });
});
