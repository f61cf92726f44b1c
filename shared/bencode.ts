// API CONTRACT (stub): the codec helper replaces the bodies; keep the exported names and types.

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

/** Encodes a value; dictionary keys are written sorted by raw bytes. Integers must be safe integers. */
export function encode(_value: BValue): Uint8Array {
  throw new Error('not implemented');
}

/** Decodes exactly one value spanning the whole input (trailing data is an error). */
export function decode(_bytes: Uint8Array, _options?: DecodeOptions): BValue {
  throw new Error('not implemented');
}

/** Decodes one value at the start of the input and says where it ended (for ut_metadata data messages). */
export function decodePrefix(_bytes: Uint8Array, _options?: DecodeOptions): { value: BValue; end: number } {
  throw new Error('not implemented');
}

/** Byte range of the value stored under `key` in the top-level dictionary, e.g. to hash `info` exactly as it was sent. */
export function rawValueRange(_bytes: Uint8Array, _key: string): { start: number; end: number } | undefined {
  throw new Error('not implemented');
}

/** Binary string (one char per byte) <-> bytes. */
export function bytesToBinary(_bytes: Uint8Array): string {
  throw new Error('not implemented');
}
export function binaryToBytes(_s: string): Uint8Array {
  throw new Error('not implemented');
}
