import { describe, expect, it } from 'vitest';
import { stallMsFromAddress } from './stall-hook';

describe('stallMsFromAddress', () => {
  it("takes a page's stall wait only under a browser automation", () => {
    expect(stallMsFromAddress('?stall-ms=3000', true)).toBe(3000);
    expect(stallMsFromAddress('?stall-ms=3000', false)).toBeUndefined();
  });

  it('keeps the default for a missing, malformed or out-of-bounds value', () => {
    for (const search of [
      '',
      '?stall-ms=',
      '?stall-ms=3e3',
      '?stall-ms=-5',
      '?stall-ms=999',
      '?stall-ms=60001',
    ])
      expect(stallMsFromAddress(search, true), search).toBeUndefined();
    expect(stallMsFromAddress('?stall-ms=1000', true)).toBe(1000);
    expect(stallMsFromAddress('?stall-ms=60000', true)).toBe(60000);
  });
});
