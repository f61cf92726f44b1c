// Bencode (BEP 3): byte-exact encoding and strict decoding.
// Byte strings stay Uint8Array; dictionary keys are binary strings (one char per byte), so they
// compare in raw byte order with the ordinary string comparison.

import { concatBytes } from './bytes';

/** A bencoded value. Byte strings stay bytes; dictionary keys are binary strings (one char per byte). */
export type BValue = number | Uint8Array | BValue[] | BDict;
export interface BDict {
  [key: string]: BValue;
}

export class BencodeError extends Error {
  constructor(
    message: string,
    /** Byte offset in the input where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'BencodeError';
  }
}

export interface DecodeOptions {
  /** Reject dictionaries whose keys are not sorted by raw bytes (and duplicates, always rejected). Default true. */
  strictKeyOrder?: boolean;
  /** Nesting deeper than this is refused. Default 64. */
  maxDepth?: number;
}

/** Default limit on list/dictionary nesting when decoding. */
export const DEFAULT_MAX_DEPTH = 64;

const CH_I = 0x69; // i
const CH_L = 0x6c; // l
const CH_D = 0x64; // d
const CH_E = 0x65; // e
const CH_COLON = 0x3a;
const CH_MINUS = 0x2d;
const CH_0 = 0x30;
const CH_9 = 0x39;

// ---------------------------------------------------------------------------------------------
// Encoding

const asciiEncoder = new TextEncoder();

/** Encodes a value; dictionary keys are written sorted by raw bytes. Integers must be safe integers. */
export function encode(value: BValue): Uint8Array {
  const chunks: Uint8Array[] = [];
  const push = (chunk: Uint8Array): void => {
    chunks.push(chunk);
  };
  const ascii = (text: string): void => push(asciiEncoder.encode(text));

  const write = (v: BValue, depth: number): void => {
    if (depth > 1000) throw new RangeError('bencode: value nested too deeply (cycle?)');
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new RangeError(`bencode: ${v} is not a safe integer`);
      ascii(`i${v}e`);
    } else if (v instanceof Uint8Array) {
      ascii(`${v.length}:`);
      push(v);
    } else if (Array.isArray(v)) {
      ascii('l');
      for (const item of v) write(item, depth + 1);
      ascii('e');
    } else if (isPlainObject(v)) {
      ascii('d');
      for (const key of Object.keys(v).sort()) {
        const item = v[key];
        if (item === undefined) continue;
        // A binary key's length in bytes is its length in chars (binaryToBytes rejects anything else).
        ascii(`${key.length}:`);
        push(binaryToBytes(key));
        write(item, depth + 1);
      }
      ascii('e');
    } else {
      const what = v === null ? 'null' : typeof v === 'object' ? (v as object).constructor.name : typeof v;
      throw new TypeError(`bencode: cannot encode ${what}`);
    }
  };
  write(value, 0);
  return concatBytes(chunks);
}

function isPlainObject(v: unknown): v is BDict {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// ---------------------------------------------------------------------------------------------
// Decoding

class Decoder {
  pos = 0;
  private readonly strict: boolean;
  private readonly maxDepth: number;

  constructor(
    private readonly bytes: Uint8Array,
    options: DecodeOptions = {},
  ) {
    this.strict = options.strictKeyOrder ?? true;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  fail(message: string, offset = this.pos): never {
    throw new BencodeError(message, offset);
  }

  peek(): number {
    if (this.pos >= this.bytes.length) this.fail('Unexpected end of input');
    return this.bytes[this.pos];
  }

  value(depth: number): BValue {
    const c = this.peek();
    if (c === CH_I) return this.integer();
    if (c >= CH_0 && c <= CH_9) return this.string();
    if (c === CH_L || c === CH_D) {
      if (depth >= this.maxDepth) this.fail(`Nesting deeper than ${this.maxDepth}`);
      return c === CH_L ? this.list(depth + 1) : this.dict(depth + 1);
    }
    return this.fail(`Unexpected byte 0x${c.toString(16).padStart(2, '0')}`);
  }

  /** Reads digits up to `terminator`; rejects leading zeros and numbers above MAX_SAFE_INTEGER. */
  private digits(terminator: number, what: string): number {
    const start = this.pos;
    let n = 0;
    for (;;) {
      const c = this.peek();
      if (c === terminator) break;
      if (c < CH_0 || c > CH_9) this.fail(`Invalid character in ${what}`);
      if (this.pos > start && this.bytes[start] === CH_0) this.fail(`Leading zero in ${what}`, start);
      n = n * 10 + (c - CH_0);
      if (n > Number.MAX_SAFE_INTEGER) this.fail(`${what} beyond the safe integer range`, start);
      this.pos++;
    }
    if (this.pos === start) this.fail(`Empty ${what}`);
    this.pos++; // terminator
    return n;
  }

  private integer(): number {
    const start = this.pos;
    this.pos++; // 'i'
    const negative = this.peek() === CH_MINUS;
    if (negative) this.pos++;
    const n = this.digits(CH_E, 'integer');
    if (negative && n === 0) this.fail('Negative zero', start);
    return negative ? -n : n;
  }

  private stringRange(): { start: number; end: number } {
    const lengthAt = this.pos;
    const length = this.digits(CH_COLON, 'string length');
    const start = this.pos;
    if (length > this.bytes.length - start)
      this.fail(`String of ${length} bytes runs past the end of input`, lengthAt);
    this.pos = start + length;
    return { start, end: this.pos };
  }

  private string(): Uint8Array {
    const { start, end } = this.stringRange();
    return this.bytes.slice(start, end);
  }

  /** A dictionary key as a binary string. */
  key(): string {
    const c = this.peek();
    if (c < CH_0 || c > CH_9) this.fail('Dictionary key is not a byte string');
    const { start, end } = this.stringRange();
    return bytesToBinary(this.bytes.subarray(start, end));
  }

  private list(depth: number): BValue[] {
    this.pos++; // 'l'
    const items: BValue[] = [];
    while (this.peek() !== CH_E) items.push(this.value(depth));
    this.pos++;
    return items;
  }

  private dict(depth: number): BDict {
    this.pos++; // 'd'
    const result: BDict = {};
    let previous: string | undefined;
    while (this.peek() !== CH_E) {
      const keyAt = this.pos;
      const key = this.key();
      if (previous !== undefined) {
        if (key === previous || Object.prototype.hasOwnProperty.call(result, key)) {
          this.fail(`Duplicate dictionary key ${JSON.stringify(key)}`, keyAt);
        }
        if (this.strict && key < previous)
          this.fail(`Dictionary key ${JSON.stringify(key)} out of order`, keyAt);
      }
      previous = key;
      setOwn(result, key, this.value(depth));
    }
    this.pos++;
    return result;
  }
}

/** Sets an own enumerable property, even for keys like `__proto__`. */
function setOwn(target: BDict, key: string, value: BValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Decodes exactly one value spanning the whole input (trailing data is an error). */
export function decode(bytes: Uint8Array, options?: DecodeOptions): BValue {
  const { value, end } = decodePrefix(bytes, options);
  if (end !== bytes.length) throw new BencodeError('Trailing data after the value', end);
  return value;
}

/** Decodes one value at the start of the input and says where it ended (for ut_metadata data messages). */
export function decodePrefix(bytes: Uint8Array, options?: DecodeOptions): { value: BValue; end: number } {
  const decoder = new Decoder(bytes, options);
  const value = decoder.value(0);
  return { value, end: decoder.pos };
}

/**
 * Byte range of the value stored under `key` in the top-level dictionary, e.g. to hash `info` exactly as it
 * was sent. Undefined when the input is not a dictionary or lacks the key. Throws BencodeError on malformed
 * input up to the key. Key order is not checked here (decode the whole input for that).
 */
export function rawValueRange(bytes: Uint8Array, key: string): { start: number; end: number } | undefined {
  const decoder = new Decoder(bytes, { strictKeyOrder: false });
  if (bytes.length === 0 || bytes[0] !== CH_D) return undefined;
  decoder.pos = 1;
  while (decoder.peek() !== CH_E) {
    const found = decoder.key();
    const start = decoder.pos;
    decoder.value(1);
    if (found === key) return { start, end: decoder.pos };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Binary string (one char per byte) <-> bytes. */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 0x2000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}
export function binaryToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff)
      throw new RangeError(`Not a binary string: char ${i} is U+${c.toString(16).padStart(4, '0')}`);
    out[i] = c;
  }
  return out;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a text (for byte-string values such as names and URLs). */
export function utf8ToBytes(text: string): Uint8Array {
  return asciiEncoder.encode(text);
}

/** Text of UTF-8 bytes; throws a TypeError on invalid UTF-8. */
export function bytesToUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** The value as a byte string, or undefined. */
export function asBytes(value: BValue | undefined): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined;
}

/** The value as a dictionary, or undefined. */
export function asDict(value: BValue | undefined): BDict | undefined {
  return typeof value === 'object' &&
    value !== null &&
    !(value instanceof Uint8Array) &&
    !Array.isArray(value)
    ? value
    : undefined;
}
