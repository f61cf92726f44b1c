import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromBase32, fromHex, isInfoHashHex, toBase32, toHex } from './hex';

describe('hex', () => {
  it('writes lowercase hex and reads either case', () => {
    expect(toHex(new Uint8Array([0, 0x0f, 0xa0, 0xff]))).toBe('000fa0ff');
    expect(fromHex('000FA0ff')).toEqual(new Uint8Array([0, 0x0f, 0xa0, 0xff]));
    expect(fromHex('')).toEqual(new Uint8Array());
  });

  it('rejects odd lengths and non-hex characters', () => {
    expect(() => fromHex('abc')).toThrow(/odd length/);
    expect(() => fromHex('0g')).toThrow(/"g" at 1/);
    expect(() => fromHex('+1')).toThrow(RangeError);
  });

  it('round-trips any bytes, and agrees with Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toBe(Buffer.from(bytes).toString('hex'));
        expect(fromHex(hex)).toEqual(bytes);
        expect(fromHex(hex.toUpperCase())).toEqual(bytes);
      }),
    );
  });
});

describe('base32', () => {
  it('matches the RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      const bytes = new TextEncoder().encode(plain);
      expect(toBase32(bytes)).toBe(encoded);
      expect(fromBase32(encoded)).toEqual(bytes);
      expect(fromBase32(encoded.toLowerCase())).toEqual(bytes);
    }
    expect(fromBase32('MZXW6YQ=')).toEqual(new TextEncoder().encode('foob'));
  });

  it('rejects characters outside the alphabet and non-zero trailing bits', () => {
    expect(() => fromBase32('MZXW1')).toThrow(/"1" at 4/);
    expect(() => fromBase32('MZ\u0131')).toThrow(/base32 character/);
    expect(() => fromBase32('MZ')).toThrow(/trailing bits/);
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(fromBase32(toBase32(bytes))).toEqual(bytes);
      }),
    );
  });
});

describe('isInfoHashHex', () => {
  it('takes 40 lowercase hex digits and nothing else', () => {
    expect(isInfoHashHex('ab'.repeat(20))).toBe(true);
    for (const bad of ['AB'.repeat(20), 'ab'.repeat(19), 'ab'.repeat(21), 'zz'.repeat(20), 40, undefined])
      expect(isInfoHashHex(bad)).toBe(false);
  });
});
