import { describe, expect, it } from 'vitest';
import { RequesterKeys } from './requester-key';

describe("the keeper's requester keys", () => {
  it('tell one address from another and name neither', () => {
    const keys = new RequesterKeys();
    const one = keys.of('203.0.113.7');
    expect(keys.of('203.0.113.7')).toBe(one);
    expect(keys.of('203.0.113.8')).not.toBe(one);
    expect(one).toMatch(/^[0-9a-f]{32}$/);
    expect(one).not.toContain('203');
  });

  it('are new in each process: a restarted keeper cannot link an old record to an address', () => {
    expect(new RequesterKeys().of('2001:db8::1')).not.toBe(new RequesterKeys().of('2001:db8::1'));
  });
});
