// BitTorrent v2 (BEP 52) merkle trees: a SHA-256 tree per file over its 16 KiB blocks.
//
// The leaves are the SHA-256 of each 16 KiB block (the last block of a file may be shorter and is hashed as it
// is). Leaves are padded with all-zero hashes (32 zero bytes, not the hash of anything) up to a power of two, and
// each inner node is the SHA-256 of its two children concatenated. The root of a file's tree is its `pieces root`;
// the layer whose nodes each cover one piece (piece length / 16 KiB leaves) is its piece layer.

/**
 * SHA-256 of the data (32 bytes), injected like `Sha1` (node:crypto in tests). Every hash of a tree goes through it:
 * leaves (16 KiB blocks) and inner nodes (64 bytes, two child hashes), so an implementation may route each size
 * to what is fastest for it (the app's: web/src/lib/hash.ts). Pass one function per tree: padding subtrees are
 * memoised per function.
 */
export type Sha256 = (data: Uint8Array) => Promise<Uint8Array>;

/** Bytes per leaf block. */
export const BLOCK_SIZE = 16 * 1024;
/** Bytes per SHA-256 hash. */
export const HASH_SIZE = 32;
/** The hash of a padding leaf. */
export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_SIZE);

/** Levels a proof may climb: a tree of 2^64 leaves is beyond any file. */
const MAX_PROOF_LENGTH = 64;

/** Smallest power of two >= n (n >= 1). */
export function nextPowerOfTwo(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Not a positive integer: ${n}`);
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** True for 1, 2, 4, 8... */
export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && nextPowerOfTwo(n) === n;
}

/** Leaf blocks of `length` bytes (0 for an empty file). */
export function blockCount(length: number): number {
  return Math.ceil(length / BLOCK_SIZE);
}

/** SHA-256 of the two child hashes concatenated. */
export async function hashPair(left: Uint8Array, right: Uint8Array, sha256: Sha256): Promise<Uint8Array> {
  const both = new Uint8Array(2 * HASH_SIZE);
  both.set(left, 0);
  both.set(right, HASH_SIZE);
  return checkedDigest(await sha256(both));
}

function checkedDigest(digest: Uint8Array): Uint8Array {
  if (digest.length !== HASH_SIZE) throw new RangeError(`sha256 returned ${digest.length} bytes, not 32`);
  return digest;
}

/** The leaf hashes of `data`: one SHA-256 per 16 KiB block, the last block as long as what is left. */
export async function leafHashes(data: Uint8Array, sha256: Sha256): Promise<Uint8Array[]> {
  const blocks: Promise<Uint8Array>[] = [];
  for (let at = 0; at < data.length; at += BLOCK_SIZE) {
    blocks.push(sha256(data.subarray(at, Math.min(data.length, at + BLOCK_SIZE))).then(checkedDigest));
  }
  return Promise.all(blocks);
}

/** The parent layer of `layer` (even length), pairwise. */
async function parentLayer(layer: readonly Uint8Array[], sha256: Sha256): Promise<Uint8Array[]> {
  const parents: Promise<Uint8Array>[] = [];
  for (let i = 0; i < layer.length; i += 2) parents.push(hashPair(layer[i], layer[i + 1], sha256));
  return Promise.all(parents);
}

const padCache = new WeakMap<Sha256, Map<number, Promise<Uint8Array>>>();

/** The root of a subtree of `leaves` zero leaves (a power of two), memoised per hash function. */
export function padHash(leaves: number, sha256: Sha256): Promise<Uint8Array> {
  if (!isPowerOfTwo(leaves))
    return Promise.reject(new RangeError(`A padding subtree has a power of two leaves, not ${leaves}`));
  let cache = padCache.get(sha256);
  if (!cache) padCache.set(sha256, (cache = new Map()));
  let hash = cache.get(leaves);
  if (!hash) {
    hash =
      leaves === 1
        ? Promise.resolve(ZERO_HASH)
        : padHash(leaves / 2, sha256).then((half) => hashPair(half, half, sha256));
    // A failed hash is not remembered.
    hash.catch(() => cache.delete(leaves));
    cache.set(leaves, hash);
  }
  return hash;
}

/**
 * The root of the tree over `nodes` (the hashes of one layer, each covering `nodeLeaves` leaves, a power of two),
 * padded with the roots of empty subtrees of that size up to `width` nodes (a power of two, default the smallest
 * that holds them). For a layer of leaves, `nodeLeaves` is 1 and the padding is ZERO_HASH.
 */
export async function merkleRoot(
  nodes: readonly Uint8Array[],
  sha256: Sha256,
  options: { width?: number; nodeLeaves?: number } = {},
): Promise<Uint8Array> {
  if (nodes.length === 0) throw new RangeError('A merkle tree needs at least one node');
  const width = options.width ?? nextPowerOfTwo(nodes.length);
  if (!isPowerOfTwo(width) || width < nodes.length)
    throw new RangeError(`A tree of ${nodes.length} nodes cannot be ${width} wide`);
  let pad = await padHash(options.nodeLeaves ?? 1, sha256);
  let layer = [...nodes];
  for (let size = width; size > 1; size /= 2) {
    if (layer.length % 2 === 1) layer.push(pad);
    layer = await parentLayer(layer, sha256);
    pad = await hashPair(pad, pad, sha256);
  }
  return layer[0];
}

/**
 * The piece layer of a file from its leaf hashes: one hash per piece (`pieceLength` / 16 KiB leaves, a power of two),
 * the last piece padded with zero leaves. Empty for a file of one piece or less (its root is its only piece hash).
 */
export async function pieceLayerFromLeaves(
  leaves: readonly Uint8Array[],
  pieceLength: number,
  sha256: Sha256,
): Promise<Uint8Array[]> {
  const perPiece = leavesPerPiece(pieceLength);
  if (leaves.length <= perPiece) return [];
  const pieces: Promise<Uint8Array>[] = [];
  for (let at = 0; at < leaves.length; at += perPiece) {
    pieces.push(merkleRoot(leaves.slice(at, at + perPiece), sha256, { width: perPiece }));
  }
  return Promise.all(pieces);
}

/** Leaves under one piece: throws unless the piece length is a power of two of at least 16 KiB. */
export function leavesPerPiece(pieceLength: number): number {
  if (!isPowerOfTwo(pieceLength) || pieceLength < BLOCK_SIZE)
    throw new RangeError(`A v2 piece length is a power of two of at least 16 KiB, not ${pieceLength}`);
  return pieceLength / BLOCK_SIZE;
}

/**
 * The hash of one piece of a file from the leaf hashes of its blocks. A file longer than one piece pads its last
 * piece with zero leaves to a whole piece; a file of one piece or less pads to the next power of two only (its
 * piece hash is its root). `fileLength` says which.
 */
export function pieceHash(
  leaves: readonly Uint8Array[],
  pieceLength: number,
  fileLength: number,
  sha256: Sha256,
): Promise<Uint8Array> {
  const perPiece = leavesPerPiece(pieceLength);
  const width = fileLength > pieceLength ? perPiece : nextPowerOfTwo(blockCount(fileLength));
  return merkleRoot(leaves, sha256, { width });
}

/** A file's root from its piece layer (for a file longer than one piece). */
export function rootFromPieceLayer(
  pieces: readonly Uint8Array[],
  pieceLength: number,
  sha256: Sha256,
): Promise<Uint8Array> {
  return merkleRoot(pieces, sha256, { nodeLeaves: leavesPerPiece(pieceLength) });
}

/** A file's `pieces root` from its leaf hashes (at least one). */
export function rootFromLeaves(leaves: readonly Uint8Array[], sha256: Sha256): Promise<Uint8Array> {
  return merkleRoot(leaves, sha256);
}

/** Splits concatenated 32-byte hashes. */
export function splitHashes(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length % HASH_SIZE !== 0)
    throw new RangeError(`${bytes.length} bytes are not a whole number of 32-byte hashes`);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += HASH_SIZE) out.push(bytes.subarray(at, at + HASH_SIZE));
  return out;
}

/**
 * The proof for `count` nodes (a power of two) of `layer` starting at `index` (a multiple of `count`): the
 * uncle hashes from the root of their subtree up to the tree's root. `layer` is padded as in `merkleRoot`.
 */
export async function merkleProof(
  layer: readonly Uint8Array[],
  index: number,
  count: number,
  sha256: Sha256,
  options: { nodeLeaves?: number } = {},
): Promise<Uint8Array[]> {
  if (!isPowerOfTwo(count) || index % count !== 0 || index < 0 || index >= layer.length)
    throw new RangeError(`Cannot prove ${count} nodes at ${index} of ${layer.length}`);
  let pad = await padHash(options.nodeLeaves ?? 1, sha256);
  let nodes = [...layer];
  let position = index;
  const proof: Uint8Array[] = [];
  for (let size = nextPowerOfTwo(layer.length); size > 1; size /= 2) {
    if (nodes.length % 2 === 1) nodes.push(pad);
    if (size <= nextPowerOfTwo(layer.length) / count) proof.push(nodes[position ^ 1]);
    nodes = await parentLayer(nodes, sha256);
    pad = await hashPair(pad, pad, sha256);
    position >>= 1;
  }
  return proof;
}

/**
 * The root implied by `nodes` (a power of two of them, consecutive in one layer, the first at `index`, a multiple
 * of their count) and the uncle hashes `proof` from their subtree up. Compare with a known root to verify a block
 * (one leaf) or a range of blocks or pieces.
 */
export async function rootFromProof(
  nodes: readonly Uint8Array[],
  index: number,
  proof: readonly Uint8Array[],
  sha256: Sha256,
): Promise<Uint8Array> {
  if (!isPowerOfTwo(nodes.length) || !Number.isSafeInteger(index) || index < 0 || index % nodes.length !== 0)
    throw new RangeError(`Cannot place ${nodes.length} nodes at ${index}`);
  if (proof.length > MAX_PROOF_LENGTH) throw new RangeError(`A proof of ${proof.length} hashes is too long`);
  for (const hash of [...nodes, ...proof]) {
    if (hash.length !== HASH_SIZE) throw new RangeError(`A hash of ${hash.length} bytes is not 32`);
  }
  let node = await merkleRoot(nodes, sha256);
  let position = index / nodes.length;
  for (const uncle of proof) {
    node = position % 2 === 0 ? await hashPair(node, uncle, sha256) : await hashPair(uncle, node, sha256);
    position = Math.floor(position / 2);
  }
  if (position !== 0) throw new RangeError(`The proof is too short for nodes at ${index}`);
  return node;
}

/** True when `nodes` at `index` with `proof` lead to `root` (see rootFromProof); false on any mismatch. */
export async function verifyProof(
  root: Uint8Array,
  nodes: readonly Uint8Array[],
  index: number,
  proof: readonly Uint8Array[],
  sha256: Sha256,
): Promise<boolean> {
  let computed: Uint8Array;
  try {
    computed = await rootFromProof(nodes, index, proof, sha256);
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
  return equalBytes(computed, root);
}

/** Byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
