// SHA-256 for BitTorrent v2 merkle trees (shared/merkle.ts takes it as its `Sha256`). A tree hashes two kinds of
// input: 16 KiB leaves, where SubtleCrypto's native code wins and its per-call cost (a promise resolved from
// another thread) is small against the bytes, and 64-byte inner nodes (two child hashes), where that per-call cost
// is most of the work. `npm run bench -- sha256` measures both against @noble/hashes (a small, audited SHA-256 in
// JavaScript that runs in the calling thread); INNER_NODE_HASH is the one switch that picks the inner nodes' side.
import { sha256 as jsSha256 } from '@noble/hashes/sha2.js';
import type { Sha256 } from '../../../shared/hash/merkle';

/** SHA-256 through SubtleCrypto (the worker, the main thread and Node alike: globalThis.crypto). */
export const subtleSha256: Sha256 = async (data) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));

/** SHA-256 in JavaScript (@noble/hashes), computed at once in the calling thread. */
export const nobleSha256: Sha256 = (data) => Promise.resolve(jsSha256(data));

/** Which SHA-256 hashes the 64-byte inner nodes of the app's trees (the leaves always go to SubtleCrypto). */
export type InnerNodeHash = 'subtle' | 'noble';

/**
 * The choice for inner nodes: @noble/hashes, whose call costs about a microsecond where SubtleCrypto's costs tens.
 * Measured by `npm run bench -- sha256` (figure `sha256: merkle inner nodes`); flip it if a browser says otherwise.
 */
export const INNER_NODE_HASH: InnerNodeHash = 'noble';

/** Bytes of an inner node's input: two 32-byte child hashes. */
const INNER_NODE_BYTES = 64;

/**
 * A SHA-256 for merkle trees: 64-byte inputs (inner nodes) by `inner`, anything else (leaves) by SubtleCrypto. Both
 * compute the same SHA-256, so the choice changes speed only: a 64-byte leaf (a file's short last block) hashed by
 * the inner nodes' side is still its SHA-256.
 */
export function merkleSha256(inner: InnerNodeHash): Sha256 {
  if (inner === 'subtle') return subtleSha256;
  return (data) => (data.length === INNER_NODE_BYTES ? nobleSha256(data) : subtleSha256(data));
}

/**
 * The app's SHA-256 for trees, one function for the whole worker: merkle.ts memoises the roots of padding subtrees
 * per function, so every caller should pass this one.
 */
export const appSha256: Sha256 = merkleSha256(INNER_NODE_HASH);
