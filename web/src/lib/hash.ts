// The app's hashes, and which implementation computes what. SHA-1 (v1 pieces, info hashes) and large SHA-256 inputs
// (16 KiB leaves, pieces) go to SubtleCrypto: native code, and its per-call cost (a promise resolved from another
// thread) is small against the bytes. The 64-byte inner nodes of BitTorrent v2 merkle trees (two child hashes) are
// where that per-call cost is most of the work; INNER_NODE_HASH is the one switch that picks their implementation,
// for the app's trees (shared/hash/merkle.ts takes `appSha256`) and the engine's node hash (`appNodeHash`) alike.
// `npm run bench -- sha256` measures the sides against each other.
import { sha1 } from '@noble/hashes/legacy.js';
import { createSHA256, type IHasher } from 'hash-wasm';
import type { Sha1 } from '../../../shared/codec/metainfo';
import { nodeHashOf, type NodeHash } from '../../../shared/engine/verify/file-tree';
import type { Sha256 } from '../../../shared/hash/merkle';
import { sha256Sync, type Sha256Sync } from '../../../shared/hash/sha256';

/** SHA-1 through SubtleCrypto: the same code runs in the worker, the main thread and Node (globalThis.crypto). */
export const subtleSha1: Sha1 = async (data) => {
  const digest = await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>);
  return new Uint8Array(digest);
};

/** SHA-1 of a small input (an info dictionary) at once, in the calling thread (@noble/hashes). */
export const sha1Sync = (data: Uint8Array): Uint8Array => sha1(data);

/** SHA-256 of a small input at once, in the calling thread: the engine's own (@noble/hashes, shared/hash/sha256.ts). */
export { sha256Sync, type Sha256Sync };

/** SHA-256 through SubtleCrypto (the worker, the main thread and Node alike: globalThis.crypto). */
export const subtleSha256: Sha256 = async (data) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));

/** SHA-256 in JavaScript (@noble/hashes), computed at once in the calling thread. */
export const nobleSha256: Sha256 = (data) => Promise.resolve(sha256Sync(data));

/** Which SHA-256 hashes the 64-byte inner nodes (the leaves always go to SubtleCrypto). */
export type InnerNodeHash = 'subtle' | 'noble' | 'wasm';

/**
 * The choice for inner nodes: WebAssembly (hash-wasm), whose call costs well under the microsecond of @noble/hashes
 * and the tens of SubtleCrypto's, and which needs no JIT warm-up: a hybrid joined by magnet link proves its piece
 * layers as they come (about two nodes a piece, and a file's whole tree once its layer is complete: 3,600 nodes for
 * a 96 MB file of 64 KiB pieces), which in TypeScript held a freshly started worker for 60 to 100 ms right when a
 * player waits for its first pieces. Where WebAssembly cannot be compiled, @noble/hashes hashes them instead.
 */
export const INNER_NODE_HASH: InnerNodeHash = 'wasm';

/** Bytes of an inner node's input: two 32-byte child hashes. */
const INNER_NODE_BYTES = 64;

let wasmHasher: Promise<IHasher | undefined> | undefined;

/** One hash-wasm hasher for every caller (init, update and digest run with no await between them), or undefined
 * where WebAssembly cannot be compiled. */
function wasmHasherOnce(): Promise<IHasher | undefined> {
  return (wasmHasher ??= createSHA256().catch(() => undefined));
}

/** SHA-256 in WebAssembly, computed in the calling thread once its module is compiled (@noble/hashes without it). */
export const wasmSha256: Sha256 = async (data) => {
  const hasher = await wasmHasherOnce();
  if (!hasher) return sha256Sync(data);
  hasher.init();
  hasher.update(data);
  return hasher.digest('binary');
};

/** The node hash in WebAssembly, or undefined where it cannot be made. */
export async function wasmNodeHash(): Promise<NodeHash | undefined> {
  const hasher = await wasmHasherOnce();
  if (!hasher) return undefined;
  return (left, right) => {
    hasher.init();
    hasher.update(left);
    hasher.update(right);
    return hasher.digest('binary');
  };
}

const innerNodeSides: Record<InnerNodeHash, Sha256> = {
  subtle: subtleSha256,
  noble: nobleSha256,
  wasm: wasmSha256,
};

/**
 * A SHA-256 for merkle trees: 64-byte inputs (inner nodes) by `inner`, anything else (leaves) by SubtleCrypto. Both
 * compute the same SHA-256, so the choice changes speed only: a 64-byte leaf (a file's short last block) hashed by
 * the inner nodes' side is still its SHA-256.
 */
export function merkleSha256(inner: InnerNodeHash): Sha256 {
  if (inner === 'subtle') return subtleSha256;
  const side = innerNodeSides[inner];
  return (data) => (data.length === INNER_NODE_BYTES ? side(data) : subtleSha256(data));
}

/**
 * The app's SHA-256 for trees, one function for the whole worker: merkle.ts memoises the roots of padding subtrees
 * per function, so every caller should pass this one.
 */
export const appSha256: Sha256 = merkleSha256(INNER_NODE_HASH);

/**
 * The engine's node hash by INNER_NODE_HASH, synchronous as the engine needs it: WebAssembly where it can be made,
 * else @noble/hashes (SubtleCrypto has no synchronous call, so 'subtle' leaves the engine on @noble/hashes too).
 */
export async function appNodeHash(inner: InnerNodeHash = INNER_NODE_HASH): Promise<NodeHash> {
  const wasm = inner === 'wasm' ? await wasmNodeHash() : undefined;
  return wasm ?? nodeHashOf(sha256Sync);
}
