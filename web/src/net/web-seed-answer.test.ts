import { describe, expect, it } from 'vitest';
import { contentRangeRefusal, OTHER_BYTES } from './web-seed-answer';

describe('a web seed answer’s Content-Range', () => {
  it('accepts the range asked for, one cut short, an unknown length, and a header it cannot read', () => {
    expect(contentRangeRefusal('bytes 100-199/1000', 100)).toBeUndefined();
    expect(contentRangeRefusal('bytes 100-149/1000', 100)).toBeUndefined();
    expect(contentRangeRefusal('bytes 100-199/*', 100)).toBeUndefined();
    expect(contentRangeRefusal(null, 100)).toBeUndefined();
  });

  it('refuses other bytes, a backwards range and a header that names no range', () => {
    expect(contentRangeRefusal('bytes 0-99/1000', 100)).toBe(OTHER_BYTES);
    expect(contentRangeRefusal('bytes 100-50/1000', 100)).toBe(OTHER_BYTES);
    expect(contentRangeRefusal('bytes */1000', 100)).toBe(OTHER_BYTES);
    expect(contentRangeRefusal('', 100)).toBe(OTHER_BYTES);
  });
});
