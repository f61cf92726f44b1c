// BEP 10 extended handshake and BEP 9 ut_metadata payloads (the bytes inside a `extended` wire message).
import { decode, decodePrefix, encode, type BDict, type BValue } from './bencode';

export const METADATA_PIECE_SIZE = 16 * 1024;
/** We refuse metadata larger than this (BEP 9 leaves the limit to the client). */
export const MAX_METADATA_SIZE = 8 * 1024 * 1024;
/** The extended message id of the extended handshake itself (BEP 10). */
export const EXTENDED_HANDSHAKE_ID = 0;

export interface ExtendedHandshake {
  /** Extension name -> the id the sender wants to receive it under (0 = disabled). */
  m: Record<string, number>;
  metadataSize?: number;
  /** Client name and version (`v`). */
  client?: string;
  /** How many outstanding requests the sender accepts. */
  reqq?: number;
}

/** A malformed extended handshake or ut_metadata message (the caller closes or ignores the peer). */
export class ExtensionError extends Error {
  override name = 'ExtensionError';
}

const utf8 = new TextEncoder();
/** Lenient: a peer's odd client name is no reason to drop it. */
const utf8Lenient = new TextDecoder('utf-8', { fatal: false });

function isCount(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}

function isDict(value: BValue | undefined): value is BDict {
  return typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value);
}

/** Decodes a bencoded payload (keys in any order: these bytes are never hashed) or throws ExtensionError. */
function decodeDict(payload: Uint8Array, what: string, prefix: boolean): { dict: BDict; end: number } {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array');
  let value: BValue;
  let end = payload.length;
  try {
    if (prefix) ({ value, end } = decodePrefix(payload, { strictKeyOrder: false, maxDepth: 8 }));
    else value = decode(payload, { strictKeyOrder: false, maxDepth: 8 });
  } catch (error) {
    throw new ExtensionError(`${what}: ${(error as Error).message}`);
  }
  if (!isDict(value)) throw new ExtensionError(`${what}: not a dictionary`);
  return { dict: value, end };
}

export function encodeExtendedHandshake(handshake: ExtendedHandshake): Uint8Array {
  // Null prototype: an extension named `__proto__` is an ordinary key, not the object's prototype.
  const m: BDict = Object.create(null) as BDict;
  for (const [name, id] of Object.entries(handshake.m)) {
    if (name.length === 0 || /[^\x21-\x7e]/.test(name))
      throw new RangeError(`invalid extension name ${name}`);
    if (!isCount(id, 255)) throw new RangeError(`extension ${name}: id must be an integer from 0 to 255`);
    m[name] = id;
  }
  const dict: BDict = { m };
  if (handshake.metadataSize !== undefined) {
    if (!isCount(handshake.metadataSize)) throw new RangeError('metadataSize must be a non-negative integer');
    dict.metadata_size = handshake.metadataSize;
  }
  if (handshake.client !== undefined) {
    if (typeof handshake.client !== 'string') throw new TypeError('client must be a string');
    dict.v = utf8.encode(handshake.client);
  }
  if (handshake.reqq !== undefined) {
    if (!isCount(handshake.reqq) || handshake.reqq === 0)
      throw new RangeError('reqq must be a positive integer');
    dict.reqq = handshake.reqq;
  }
  return encode(dict);
}

/** Throws ExtensionError on malformed payloads. Unknown keys are ignored, and so is `reqq` 0. */
export function decodeExtendedHandshake(payload: Uint8Array): ExtendedHandshake {
  const { dict } = decodeDict(payload, 'extended handshake', false);
  const result: ExtendedHandshake = { m: Object.create(null) as Record<string, number> };
  // BEP 10: `m` may be absent from a handshake that only updates other fields.
  if (dict.m !== undefined) {
    if (!isDict(dict.m)) throw new ExtensionError('extended handshake: m is not a dictionary');
    for (const [name, id] of Object.entries(dict.m)) {
      if (!isCount(id, 255))
        throw new ExtensionError(`extended handshake: id of ${name} is not from 0 to 255`);
      result.m[name] = id;
    }
  }
  if (dict.metadata_size !== undefined) {
    if (!isCount(dict.metadata_size)) {
      throw new ExtensionError('extended handshake: metadata_size is not a non-negative integer');
    }
    result.metadataSize = dict.metadata_size;
  }
  if (dict.v !== undefined) {
    if (!(dict.v instanceof Uint8Array)) throw new ExtensionError('extended handshake: v is not a string');
    result.client = utf8Lenient.decode(dict.v);
  }
  if (dict.reqq !== undefined) {
    if (!isCount(dict.reqq))
      throw new ExtensionError('extended handshake: reqq is not a non-negative integer');
    // A queue of zero requests means nothing usable: treat it as unsaid rather than stall the peer.
    if (dict.reqq > 0) result.reqq = dict.reqq;
  }
  return result;
}

export type MetadataMessage =
  | { msgType: 'request'; piece: number }
  | { msgType: 'data'; piece: number; totalSize: number; data: Uint8Array }
  | { msgType: 'reject'; piece: number };

const MSG_TYPE = { request: 0, data: 1, reject: 2 } as const;

/** Number of 16 KiB metadata pieces for metadata of `size` bytes. */
export function metadataPieceCount(size: number): number {
  return Math.ceil(size / METADATA_PIECE_SIZE);
}

/** Size of metadata piece `piece` of metadata of `totalSize` bytes, or -1 when there is no such piece. */
export function metadataPieceLength(piece: number, totalSize: number): number {
  const start = piece * METADATA_PIECE_SIZE;
  if (piece < 0 || start >= totalSize) return -1;
  return Math.min(METADATA_PIECE_SIZE, totalSize - start);
}

/** Why a data message is inconsistent, or undefined when it is fine. */
function dataProblem(piece: number, totalSize: number, data: Uint8Array): string | undefined {
  if (!isCount(totalSize, MAX_METADATA_SIZE) || totalSize === 0) {
    return `total_size must be from 1 to ${MAX_METADATA_SIZE}`;
  }
  if (data.length > METADATA_PIECE_SIZE) return `data of ${data.length} bytes exceeds ${METADATA_PIECE_SIZE}`;
  const expected = metadataPieceLength(piece, totalSize);
  if (expected < 0) return `piece ${piece} is beyond total_size ${totalSize}`;
  if (data.length !== expected) return `piece ${piece} must hold ${expected} bytes, got ${data.length}`;
  return undefined;
}

/** The bencoded dictionary, followed for a data message by the metadata bytes. */
export function encodeMetadataMessage(message: MetadataMessage): Uint8Array {
  const msgType = MSG_TYPE[message.msgType];
  if (msgType === undefined) throw new TypeError(`unknown ut_metadata message ${String(message.msgType)}`);
  if (!isCount(message.piece)) throw new RangeError('piece must be a non-negative integer');
  if (message.msgType !== 'data') return encode({ msg_type: msgType, piece: message.piece });
  if (!(message.data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  const problem = dataProblem(message.piece, message.totalSize, message.data);
  if (problem) throw new RangeError(problem);
  const dict = encode({ msg_type: msgType, piece: message.piece, total_size: message.totalSize });
  const out = new Uint8Array(dict.length + message.data.length);
  out.set(dict, 0);
  out.set(message.data, dict.length);
  return out;
}

/**
 * Throws ExtensionError on malformed payloads, including an unknown msg_type (BEP 9 says to ignore those:
 * the caller may), a data message whose size disagrees with total_size, and total_size above MAX_METADATA_SIZE.
 * A data message's `data` is a view of `payload`, not a copy.
 */
export function decodeMetadataMessage(payload: Uint8Array): MetadataMessage {
  const { dict, end } = decodeDict(payload, 'ut_metadata', true);
  const { msg_type: msgType, piece } = dict;
  if (msgType !== MSG_TYPE.request && msgType !== MSG_TYPE.data && msgType !== MSG_TYPE.reject) {
    throw new ExtensionError(
      `ut_metadata: unknown msg_type ${msgType instanceof Uint8Array ? 'string' : String(msgType)}`,
    );
  }
  if (!isCount(piece)) throw new ExtensionError('ut_metadata: piece is not a non-negative integer');
  if (msgType !== MSG_TYPE.data) {
    if (end !== payload.length)
      throw new ExtensionError('ut_metadata: trailing data after a request or reject');
    return { msgType: msgType === MSG_TYPE.request ? 'request' : 'reject', piece };
  }
  const totalSize = dict.total_size;
  if (typeof totalSize !== 'number') throw new ExtensionError('ut_metadata: data without total_size');
  const data = payload.subarray(end);
  const problem = dataProblem(piece, totalSize, data);
  if (problem) throw new ExtensionError(`ut_metadata: ${problem}`);
  return { msgType: 'data', piece, totalSize, data };
}
