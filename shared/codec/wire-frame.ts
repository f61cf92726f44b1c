// The wire's building blocks: the message types, their ids, the length-prefixed frame and the byte helpers that
// every encoder and parser of wire.ts, wire-messages.ts and wire-hashes.ts share.

export interface Handshake {
  infoHash: Uint8Array; // 20 bytes
  peerId: Uint8Array; // 20 bytes
  reserved: Uint8Array; // 8 bytes; bit 0x10 of byte 5 = BEP 10, bit 0x04 of byte 7 = BEP 6 fast, bit 0x10 of byte 7 = BEP 52 v2
}

/**
 * BEP 52: a range of hashes of one file's merkle tree. `baseLayer` 0 is the leaves (16 KiB blocks); `length` hashes
 * (a power of two) from `index` (a multiple of `length`) of that layer; `proofLayers`, counted as libtorrent counts
 * them: the answer carries the uncles of the layers from log2(length) (the root of the subtree the hashes give) up to
 * `proofLayers` above the base, none when `proofLayers` is less than log2(length).
 */
export interface HashRange {
  /** The file's `pieces root`, 32 bytes. */
  piecesRoot: Uint8Array;
  baseLayer: number;
  index: number;
  length: number;
  proofLayers: number;
}

export type WireMessage =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  | { type: 'bitfield'; bytes: Uint8Array }
  | { type: 'request'; index: number; begin: number; length: number }
  | { type: 'piece'; index: number; begin: number; block: Uint8Array }
  | { type: 'cancel'; index: number; begin: number; length: number }
  | { type: 'port'; port: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  /** BEP 6: "you might like this piece". */
  | { type: 'suggest-piece'; index: number }
  /** BEP 6: the sender will not serve this request (it must answer every request with a block or a reject). */
  | { type: 'reject-request'; index: number; begin: number; length: number }
  /** BEP 6: the sender serves requests for this piece even while it chokes us. */
  | { type: 'allowed-fast'; index: number }
  | { type: 'extended'; id: number; payload: Uint8Array }
  /** BEP 52: send me these hashes of a file's tree (with their proof). */
  | ({ type: 'hash-request' } & HashRange)
  /** BEP 52: the requested hashes, then the uncle hashes from the lowest proof layer up, concatenated (32 bytes
   * each; `hashCount(range)` of them). */
  | ({ type: 'hashes'; hashes: Uint8Array } & HashRange)
  /** BEP 52: the sender will not send these hashes. */
  | ({ type: 'hash-reject' } & HashRange);

/** One item of a peer's byte stream, as the decoder yields it. */
export type WireItem =
  { kind: 'handshake'; handshake: Handshake } | { kind: 'message'; message: WireMessage };

export class WireError extends Error {
  override name = 'WireError';
}

/** Message ids on the wire (BEP 3, BEP 6, BEP 10). */
export const MESSAGE_ID = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  'not-interested': 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9,
  'suggest-piece': 0x0d,
  'have-all': 0x0e,
  'have-none': 0x0f,
  'reject-request': 0x10,
  'allowed-fast': 0x11,
  extended: 20,
  'hash-request': 21,
  hashes: 22,
  'hash-reject': 23,
} as const;

export const UINT32_MAX = 0xffffffff;

export const EMPTY = new Uint8Array(0);

export function checkBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

export function checkUint(value: unknown, name: string, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer from 0 to ${max}, got ${String(value)}`);
  }
}

export function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

export function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** A message frame: length prefix, id, then `size - 1` bytes for the caller to fill from offset 5. */
export function frame(id: number, size: number): Uint8Array {
  if (size > UINT32_MAX) throw new RangeError(`message of ${size} bytes does not fit a 32-bit length prefix`);
  const out = new Uint8Array(4 + size);
  writeUint32(out, 0, size);
  out[4] = id;
  return out;
}
