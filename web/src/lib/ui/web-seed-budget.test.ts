import { describe, expect, it } from 'vitest';
import { budgetFromText, budgetText } from './web-seed-budget';

describe('the web seed budget field', () => {
  it('reads MiB, whole or with decimals, as bytes', () => {
    expect(budgetFromText('1')).toBe(1024 * 1024);
    expect(budgetFromText(' 0.5 ')).toBe(512 * 1024);
    expect(budgetFromText('.25')).toBe(256 * 1024);
    expect(budgetFromText('0')).toBe(0);
  });

  it('reads an empty field as no limit, and anything else as not a size', () => {
    expect(budgetFromText('')).toBeNull();
    expect(budgetFromText('  ')).toBeNull();
    for (const text of ['-1', 'abc', '1e3', '1,5', 'Infinity', '9'.repeat(20)])
      expect(budgetFromText(text)).toBeUndefined();
  });

  it('shows a budget in MiB, and no limit as an empty field', () => {
    expect(budgetText(undefined)).toBe('');
    expect(budgetText(1024 * 1024)).toBe('1');
    expect(budgetText(1.5 * 1024 * 1024)).toBe('1.5');
    expect(budgetFromText(budgetText(3 * 1024 * 1024))).toBe(3 * 1024 * 1024);
  });
});
