import { describe, expect, it } from 'vitest';
import { parseUploadLimit, storedUploadLimit, UPLOAD_LIMIT_ERROR } from './upload-limit';

describe('the Upload limit field', () => {
  it('takes any whole number of KiB/s from 1 up, not only multiples of 16', () => {
    expect(parseUploadLimit('100')).toEqual({ kib: 100 });
    expect(parseUploadLimit('1')).toEqual({ kib: 1 });
    expect(parseUploadLimit(' 2000 ')).toEqual({ kib: 2000 });
  });

  it('reads empty as no limit', () => {
    expect(parseUploadLimit('')).toEqual({ kib: 0 });
    expect(parseUploadLimit('  ')).toEqual({ kib: 0 });
  });

  it('refuses 0, negatives, fractions, words and what the browser could not read, with a message', () => {
    for (const bad of ['0', '-5', '1.5', 'abc', '1e3', '16 KiB', '99999999999999999999'])
      expect(parseUploadLimit(bad)).toEqual({ error: UPLOAD_LIMIT_ERROR });
    expect(parseUploadLimit('', true)).toEqual({ error: UPLOAD_LIMIT_ERROR });
  });

  it('keeps a stored or relayed limit only when it is a whole positive number', () => {
    expect(storedUploadLimit(100)).toBe(100);
    expect(storedUploadLimit(0)).toBe(0);
    expect(storedUploadLimit(-5)).toBe(0);
    expect(storedUploadLimit(1.5)).toBe(0);
    expect(storedUploadLimit('100')).toBe(0);
  });
});
