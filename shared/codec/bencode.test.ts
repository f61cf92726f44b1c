import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import reference from 'bencode';
import {
  BencodeError,
  binaryToBytes,
  bytesToBinary,
  bytesToUtf8,
  decode,
  decodePrefix,
  encode,
  rawValueRange,
  utf8ToBytes,
  type BDict,
  type BValue,
} from './bencode';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Asserts that decoding fails with a BencodeError at `offset` whose message matches. */
function expectFailure(
  input: string | Uint8Array,
  message: RegExp,
  offset: number,
  strictKeyOrder = true,
): void {
  const bytes = typeof input === 'string' ? ascii(input) : input;
  let caught: unknown;
  try {
    decode(bytes, { strictKeyOrder });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(BencodeError);
  const error = caught as BencodeError;
  expect(error.message).toMatch(message);
  expect(error.offset).toBe(offset);
  expect(error.message).toContain(`at byte ${offset}`);
}

const binaryKey = fc.uint8Array({ maxLength: 6 }).map(bytesToBinary);
const bvalue: fc.Arbitrary<BValue> = fc.letrec<{ value: BValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.maxSafeInteger(),
    fc.uint8Array({ maxLength: 24 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(binaryKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('bencode encode', () => {
  it('writes integers, byte strings, lists and dictionaries with sorted keys', () => {
    expect(text(encode(42))).toBe('i42e');
    expect(text(encode(-7))).toBe('i-7e');
    expect(text(encode(0))).toBe('i0e');
    expect(text(encode(ascii('spam')))).toBe('4:spam');
    expect(text(encode(new Uint8Array()))).toBe('0:');
    expect(text(encode([ascii('a'), 1, []]))).toBe('l1:ai1elee');
    expect(text(encode({ zeta: 1, alpha: ascii('x'), mid: { b: 2, a: 1 } }))).toBe(
      'd5:alpha1:x3:midd1:ai1e1:bi2ee4:zetai1ee',
    );
  });

  it('sorts keys by raw bytes and writes binary keys byte for byte', () => {
    const bytes = encode({ '\xff': 1, b: 2, B: 3, '\x00': 4 });
    expect(bytesToBinary(bytes)).toBe('d1:\x00i4e1:Bi3e1:bi2e1:\xffi1ee');
  });

  it('keeps bytes above 0x7f untouched', () => {
    const raw = new Uint8Array([0, 0x80, 0xff, 0xc3]);
    expect(Array.from(encode(raw))).toEqual([0x34, 0x3a, 0, 0x80, 0xff, 0xc3]);
  });

  it('refuses values that are not bencodable', () => {
    expect(() => encode(1.5)).toThrow(RangeError);
    expect(() => encode(Number.MAX_SAFE_INTEGER + 1)).toThrow(/safe integer/);
    expect(() => encode(Number.NaN)).toThrow(RangeError);
    expect(() => encode({ 'é€': 1 })).toThrow(/Not a binary string/);
    expect(() => encode('text' as unknown as BValue)).toThrow(/cannot encode string/);
    expect(() => encode(new ArrayBuffer(2) as unknown as BValue)).toThrow(/cannot encode ArrayBuffer/);
  });

  it('skips undefined dictionary values', () => {
    expect(text(encode({ a: 1, b: undefined } as unknown as BDict))).toBe('d1:ai1ee');
  });
});

describe('bencode decode', () => {
  it('reads every type', () => {
    expect(decode(ascii('i-42e'))).toBe(-42);
    expect(decode(ascii('4:spam'))).toEqual(ascii('spam'));
    expect(decode(ascii('l4:spami3ee'))).toEqual([ascii('spam'), 3]);
    expect(decode(ascii('d3:cow3:moo4:spaml1:a1:bee'))).toEqual({
      cow: ascii('moo'),
      spam: [ascii('a'), ascii('b')],
    });
    expect(decode(ascii('de'))).toEqual({});
    expect(decode(ascii('le'))).toEqual([]);
  });

  it('returns byte strings as copies', () => {
    const input = ascii('3:abc');
    const value = decode(input) as Uint8Array;
    input[2] = 0x7a;
    expect(text(value)).toBe('abc');
  });

  it('accepts the largest safe integers and refuses anything larger', () => {
    expect(decode(ascii(`i${Number.MAX_SAFE_INTEGER}e`))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decode(ascii(`i-${Number.MAX_SAFE_INTEGER}e`))).toBe(-Number.MAX_SAFE_INTEGER);
    expectFailure(`i${Number.MAX_SAFE_INTEGER + 1}e`, /safe integer/, 1);
    expectFailure('li1ei99999999999999999999ee', /safe integer/, 5);
    expectFailure('99999999999999999999:x', /safe integer/, 0);
  });

  it('rejects malformed integers where they are', () => {
    expectFailure('i03e', /Leading zero/, 1);
    expectFailure('i-0e', /Negative zero/, 0);
    expectFailure('i-03e', /Leading zero/, 2);
    expectFailure('ie', /Empty integer/, 1);
    expectFailure('i-e', /Empty integer/, 2);
    expectFailure('i1.5e', /Invalid character/, 2);
    expectFailure('i+1e', /Invalid character/, 1);
    expectFailure('i12', /end of input/, 3);
  });

  it('rejects malformed strings where they are', () => {
    expectFailure('03:abc', /Leading zero/, 0);
    expectFailure('5:abc', /runs past the end/, 0);
    expectFailure('l1:a10:abce', /runs past the end/, 4);
    expectFailure('3abc', /Invalid character/, 1);
    expectFailure('3', /end of input/, 1);
  });

  it('rejects trailing data, truncation and stray bytes', () => {
    expectFailure('i1ei2e', /Trailing data/, 3);
    expectFailure('4:spamx', /Trailing data/, 6);
    expectFailure('l1:a', /end of input/, 4);
    expectFailure('d1:a', /end of input/, 4);
    expectFailure('d1:ai1e', /end of input/, 7);
    expectFailure('', /end of input/, 0);
    expectFailure('x', /Unexpected byte 0x78/, 0);
    expectFailure('e', /Unexpected byte 0x65/, 0);
    expectFailure('di1ei2ee', /key is not a byte string/, 1);
  });

  it('rejects unsorted keys unless asked not to, and duplicate keys always', () => {
    expectFailure('d1:bi1e1:ai2ee', /"a" out of order/, 7);
    expect(decode(ascii('d1:bi1e1:ai2ee'), { strictKeyOrder: false })).toEqual({ a: 2, b: 1 });
    expectFailure('d1:ai1e1:ai2ee', /Duplicate dictionary key "a"/, 7);
    expectFailure('d1:ai1e1:bi1e1:ai2ee', /Duplicate/, 13, false);
    // raw byte order, not UTF-16 or locale order: "Z" (0x5a) sorts before "a" (0x61), 0xff last
    expect(decode(binaryToBytes('d1:Zi1e1:ai2e1:\xffi3ee'))).toEqual({ Z: 1, a: 2, '\xff': 3 });
    expectFailure(binaryToBytes('d1:\xffi3e1:ai2ee'), /out of order/, 7);
  });

  it('limits nesting depth', () => {
    const nested = (n: number): Uint8Array => ascii('l'.repeat(n) + 'e'.repeat(n));
    expect(() => decode(nested(64))).not.toThrow();
    expectFailure(nested(65), /Nesting deeper than 64/, 64);
    expect(() => decode(nested(5), { maxDepth: 4 })).toThrow(/Nesting deeper than 4/);
    expect(() => decode(nested(100_000))).toThrow(BencodeError);
  });

  it('keeps a "__proto__" key as an ordinary key', () => {
    const value = decode(ascii('d9:__proto__i1ee')) as BDict;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(text(encode(value))).toBe('d9:__proto__i1ee');
  });
});

describe('decodePrefix and rawValueRange', () => {
  it('decodes a value followed by raw bytes and says where it ended', () => {
    const input = new Uint8Array([...ascii('d8:msg_typei1e5:piecei0ee'), 0xde, 0xad]);
    const { value, end } = decodePrefix(input);
    expect(value).toEqual({ msg_type: 1, piece: 0 });
    expect(end).toBe(input.length - 2);
    expect(() => decode(input)).toThrow(/Trailing data/);
  });

  it('finds the exact bytes of a top-level value, even unsorted or non-canonical around it', () => {
    const input = ascii('d8:announce3:url4:infod4:name1:x12:piece lengthi16384ee1:zi1ee');
    const range = rawValueRange(input, 'info');
    expect(range).toBeDefined();
    expect(text(input.subarray(range!.start, range!.end))).toBe('d4:name1:x12:piece lengthi16384ee');
    expect(text(input.subarray(rawValueRange(input, 'z')!.start, rawValueRange(input, 'z')!.end))).toBe(
      'i1e',
    );
    expect(rawValueRange(input, 'missing')).toBeUndefined();
    expect(rawValueRange(ascii('li1ee'), 'info')).toBeUndefined();
    expect(() => rawValueRange(ascii('d4:infod'), 'info')).toThrow(BencodeError);
  });

  it('does not look inside nested dictionaries', () => {
    const input = ascii('d1:ad4:infoi1ee4:infoi2ee');
    const range = rawValueRange(input, 'info')!;
    expect(text(input.subarray(range.start, range.end))).toBe('i2e');
  });
});

describe('binary and UTF-8 helpers', () => {
  it('maps each byte to one char and back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const s = bytesToBinary(all);
    expect(s.length).toBe(256);
    expect(s.charCodeAt(255)).toBe(255);
    expect(binaryToBytes(s)).toEqual(all);
    const big = new Uint8Array(100_000).map((_, i) => i * 7);
    expect(Buffer.from(binaryToBytes(bytesToBinary(big))).equals(Buffer.from(big))).toBe(true);
    expect(() => binaryToBytes('ok\u0100')).toThrow(/char 2 is U\+0100/);
  });

  it('encodes UTF-8 and refuses invalid UTF-8', () => {
    expect(Array.from(utf8ToBytes('é'))).toEqual([0xc3, 0xa9]);
    expect(bytesToUtf8(new Uint8Array([0xc3, 0xa9]))).toBe('é');
    expect(() => bytesToUtf8(new Uint8Array([0xc3]))).toThrow(TypeError);
  });
});

describe('bencode properties', () => {
  it('decode(encode(v)) equals v, and encoding is canonical', () => {
    fc.assert(
      fc.property(bvalue, (value) => {
        const bytes = encode(value);
        const decoded = decode(bytes);
        expect(decoded).toEqual(value);
        expect(encode(decoded)).toEqual(bytes);
      }),
    );
  });

  it('decodePrefix finds the end of any value followed by any bytes', () => {
    fc.assert(
      fc.property(bvalue, fc.uint8Array({ maxLength: 8 }), (value, tail) => {
        const bytes = encode(value);
        const { value: decoded, end } = decodePrefix(new Uint8Array([...bytes, ...tail]));
        expect(end).toBe(bytes.length);
        expect(decoded).toEqual(value);
      }),
    );
  });

  const onlyBencodeErrors = (bytes: Uint8Array): void => {
    try {
      decode(bytes);
      decode(bytes, { strictKeyOrder: false, maxDepth: 3 });
      decodePrefix(bytes);
      rawValueRange(bytes, 'info');
    } catch (error) {
      if (!(error instanceof BencodeError)) throw error;
      expect(error.offset).toBeGreaterThanOrEqual(0);
      expect(error.offset).toBeLessThanOrEqual(bytes.length);
    }
  };

  it('throws nothing but BencodeError on random garbage', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), onlyBencodeErrors), { numRuns: 2000 });
    const alphabet = fc.constantFrom(...'ilde0123456789:-'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => onlyBencodeErrors(ascii(chars.join('')))),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but BencodeError on mutated or truncated valid input', () => {
    fc.assert(
      fc.property(bvalue, fc.nat(), fc.integer({ min: 0, max: 255 }), (value, where, byte) => {
        const bytes = encode(value);
        const at = where % bytes.length;
        onlyBencodeErrors(bytes.subarray(0, at));
        const mutated = bytes.slice();
        mutated[at] = byte;
        onlyBencodeErrors(mutated);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('cross-check with the bencode package', () => {
  // The reference decodes keys as UTF-8 text and encodes string keys as UTF-8, so compare on ASCII keys.
  const asciiKey = fc.string({ unit: fc.constantFrom(...'abcdefgh XYZ_-0'.split('')), maxLength: 5 });
  const asciiKeyed: fc.Arbitrary<BValue> = fc.letrec<{ value: BValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.maxSafeInteger(),
      fc.uint8Array({ maxLength: 16 }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(asciiKey, tie('value'), { maxKeys: 4, noNullPrototype: true }),
    ),
  })).value;

  it('encodes the same bytes', () => {
    fc.assert(
      fc.property(asciiKeyed, (value) => {
        expect(encode(value)).toEqual(new Uint8Array(reference.encode(value)));
      }),
    );
  });

  it('decodes the same values from the same bytes', () => {
    fc.assert(
      fc.property(asciiKeyed, (value) => {
        const bytes = reference.encode(value) as Uint8Array;
        const theirs: unknown = reference.decode(bytes);
        expect(decode(bytes)).toEqual(theirs);
      }),
    );
  });
});
