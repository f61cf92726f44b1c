// BEP 52's hash messages on the wire (hash request, hashes, hash reject): the hash range they carry, its checks, and
// their encoding and parsing.
import {
  checkBytes,
  frame,
  MESSAGE_ID,
  readUint32,
  UINT32_MAX,
  WireError,
  writeUint32,
  type HashRange,
  type WireMessage,
} from './wire-frame';

/** Bytes of a BEP 52 hash message before its hashes: pieces root, base layer, index, length, proof layers. */
export const HASH_RANGE_BYTES = 32 + 4 * 4;
/** Bytes per hash in a `hashes` message. */
export const HASH_BYTES = 32;
/** Most proof layers a range may ask for: a tree of 2^63 leaves is beyond any file. */
export const MAX_PROOF_LAYERS = 63;

/** log2 of a power of two. */
function log2(powerOfTwo: number): number {
  return 31 - Math.clz32(powerOfTwo);
}

/**
 * Why a hash range is malformed, or undefined when it is well formed: `length` a power of two of at least 1,
 * `index` a multiple of it, every field a uint32 and at most MAX_PROOF_LAYERS proof layers. (Whether it fits a file's
 * tree is the engine's business.)
 */
export function hashRangeProblem(range: HashRange): string | undefined {
  const { baseLayer, index, length, proofLayers } = range;
  for (const [name, value] of [
    ['base layer', baseLayer],
    ['index', index],
    ['length', length],
    ['proof layers', proofLayers],
  ] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX)
      return `${name} ${String(value)} is not a 32-bit unsigned integer`;
  }
  if (length === 0 || length > 0x80000000 || (length & (length - 1)) !== 0)
    return `length ${length} is not a power of two`;
  if (index % length !== 0) return `index ${index} is not a multiple of length ${length}`;
  if (proofLayers > MAX_PROOF_LAYERS) return `${proofLayers} proof layers are more than ${MAX_PROOF_LAYERS}`;
  return undefined;
}

/** Hashes in the `hashes` answer to a well-formed range, as libtorrent counts them: its `length` base hashes, then
 * the uncles of the layers from log2(length) (the subtree the base hashes give) up to `proofLayers` above the base. */
export function hashCount(range: HashRange): number {
  return range.length + Math.max(0, range.proofLayers - log2(range.length) + 1);
}

export function encodeHashMessage(id: number, range: HashRange, hashes: Uint8Array): Uint8Array {
  checkBytes(range.piecesRoot, 'piecesRoot', 32);
  const problem = hashRangeProblem(range);
  if (problem !== undefined) throw new RangeError(`hash range: ${problem}`);
  if (id === MESSAGE_ID.hashes && hashes.length !== hashCount(range) * HASH_BYTES)
    throw new RangeError(
      `a hashes message for this range carries ${hashCount(range)} hashes, not ${hashes.length / HASH_BYTES}`,
    );
  const out = frame(id, 1 + HASH_RANGE_BYTES + hashes.length);
  out.set(range.piecesRoot, 5);
  writeUint32(out, 37, range.baseLayer);
  writeUint32(out, 41, range.index);
  writeUint32(out, 45, range.length);
  writeUint32(out, 49, range.proofLayers);
  out.set(hashes, 5 + HASH_RANGE_BYTES);
  return out;
}

/** The hash range at the start of a hash message's body; throws WireError when it is malformed. */
function parseHashRange(body: Uint8Array): HashRange {
  const range: HashRange = {
    piecesRoot: body.subarray(0, 32),
    baseLayer: readUint32(body, 32),
    index: readUint32(body, 36),
    length: readUint32(body, 40),
    proofLayers: readUint32(body, 44),
  };
  const problem = hashRangeProblem(range);
  if (problem !== undefined) throw new WireError(`hash range: ${problem}`);
  return range;
}

export function parseHashMessage(id: number, body: Uint8Array): WireMessage {
  const range = parseHashRange(body);
  if (id === MESSAGE_ID['hash-request']) return { type: 'hash-request', ...range };
  if (id === MESSAGE_ID['hash-reject']) return { type: 'hash-reject', ...range };
  const hashes = body.subarray(HASH_RANGE_BYTES);
  if (hashes.length !== hashCount(range) * HASH_BYTES)
    throw new WireError(
      `a hashes message for this range carries ${hashCount(range)} hashes, not ${hashes.length / HASH_BYTES}`,
    );
  return { type: 'hashes', ...range, hashes };
}
