// A v2 file's merkle tree above its piece layer, computed synchronously (64-byte inner nodes, see shared/hash/sha256.ts):
// the upper layers that answer peers' hash requests with their proofs, and the checks of received hashes and of
// pieces against it. The leaves (16 KiB blocks) are never kept here: a piece's leaves are hashed as it arrives.
import type { Sha256Sync } from '../../hash/sha256';
import { bytesEqual } from './verify';

/** The parent of two 32-byte nodes (SHA-256 of both concatenated). The one seam where inner-node hashing happens. */
export type NodeHash = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/** Bytes per node. */
export const NODE_SIZE = 32;

/** NodeHash over a synchronous SHA-256. */
export function nodeHashOf(sha256: Sha256Sync): NodeHash {
  const both = new Uint8Array(2 * NODE_SIZE);
  return (left, right) => {
    both.set(left, 0);
    both.set(right, NODE_SIZE);
    return sha256(both);
  };
}

/** The SHA-256 of each 16 KiB block of `data` (the last one as long as what is left), concatenated. */
export function blockDigests(data: Uint8Array, sha256: Sha256Sync): Uint8Array {
  const count = Math.ceil(data.length / 16384);
  const out = new Uint8Array(count * NODE_SIZE);
  for (let i = 0; i < count; i++) out.set(sha256(data.subarray(i * 16384, (i + 1) * 16384)), i * NODE_SIZE);
  return out;
}

/** Nodes concatenated (as a `hashes` message carries them). */
export function joinNodes(nodes: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(nodes.length * NODE_SIZE);
  nodes.forEach((node, i) => bytes.set(node, i * NODE_SIZE));
  return bytes;
}

/** log2 of a power of two. */
export function log2(powerOfTwo: number): number {
  return Math.round(Math.log2(powerOfTwo));
}

/** `pads[h]`: the root of a subtree of 2^h zero leaves (a zero leaf is 32 zero bytes), for h from 0 to `height`. */
export function padHashes(height: number, nodeHash: NodeHash): Uint8Array[] {
  const pads: Uint8Array[] = [new Uint8Array(NODE_SIZE)];
  for (let h = 1; h <= height; h++) pads.push(nodeHash(pads[h - 1], pads[h - 1]));
  return pads;
}

/** The layer above `layer` (even length). */
function parents(layer: readonly Uint8Array[], nodeHash: NodeHash): Uint8Array[] {
  const up: Uint8Array[] = [];
  for (let i = 0; i < layer.length; i += 2) up.push(nodeHash(layer[i], layer[i + 1]));
  return up;
}

/**
 * The root of `nodes` padded with `pads[0]` (the pad of their layer) up to `width` nodes (a power of two at least
 * their count); `pads[k]` is the pad k layers up.
 */
export function subtreeRoot(
  nodes: readonly Uint8Array[],
  width: number,
  pads: readonly Uint8Array[],
  nodeHash: NodeHash,
): Uint8Array {
  let layer = nodes.slice();
  for (let size = width, up = 0; size > 1; size /= 2, up++) {
    if (layer.length % 2 === 1) layer.push(pads[up]);
    layer = parents(layer, nodeHash);
  }
  return layer.length > 0 ? layer[0] : pads[log2(width)];
}

/** Climbs from `node` at `position` in its layer with the uncle hashes, lowest first; the root they lead to. */
export function climb(
  node: Uint8Array,
  position: number,
  uncles: readonly Uint8Array[],
  nodeHash: NodeHash,
): Uint8Array {
  let at = node;
  let p = position;
  for (const uncle of uncles) {
    at = p % 2 === 0 ? nodeHash(at, uncle) : nodeHash(uncle, at);
    p = Math.floor(p / 2);
  }
  return at;
}

/**
 * The tree of one file from its piece layer up: `layers[0]` is the piece layer padded to a power of two, the last
 * layer is the root. Layer `k` here is layer `pieceHeight + k` of the whole tree (layer 0 being the leaves).
 */
export class FileTree {
  private readonly layers: Uint8Array[][];

  /**
   * `pieces`: the file's piece hashes; `pieceHeight`: log2 of the leaves per piece; `pads`: padHashes up to the
   * tree's height. Throws RangeError when they do not lead to `root`.
   */
  constructor(
    pieces: readonly Uint8Array[],
    readonly pieceHeight: number,
    root: Uint8Array,
    pads: readonly Uint8Array[],
    nodeHash: NodeHash,
  ) {
    const width = 2 ** Math.ceil(Math.log2(Math.max(1, pieces.length)));
    let layer = pieces.slice();
    while (layer.length < width) layer.push(pads[pieceHeight]);
    this.layers = [layer];
    while (layer.length > 1) {
      layer = parents(layer, nodeHash);
      this.layers.push(layer);
    }
    if (!bytesEqual(layer[0], root)) throw new RangeError('The piece layer does not lead to the pieces root');
  }

  /** Layers of the whole tree, leaves included. */
  get height(): number {
    return this.pieceHeight + this.layers.length;
  }

  /** The piece hash of the file's piece `index` (its own numbering). */
  piece(index: number): Uint8Array {
    return this.layers[0][index];
  }

  /**
   * The `length` nodes of layer `base` from `index`, then their uncles, lowest first, counted as libtorrent counts
   * BEP 52's proof layers: the nodes give log2(length) layers above the base, and the uncles are those of the layers
   * from there up to `proofLayers` above the base (proofLayers - log2(length) + 1 of them, none when fewer). Undefined
   * when the range is not in the part of the tree we hold (below the piece layer, past a layer's end) or an uncle
   * would be the root's.
   */
  hashes(base: number, index: number, length: number, proofLayers: number): Uint8Array[] | undefined {
    const k = base - this.pieceHeight;
    if (k < 0 || k >= this.layers.length) return undefined;
    const layer = this.layers[k];
    if (index + length > layer.length || proofLayers >= this.layers.length - 1 - k) return undefined;
    const out = layer.slice(index, index + length);
    const given = log2(length);
    for (let up = given, position = index >> given; up <= proofLayers; up++, position >>= 1)
      out.push(this.layers[k + up][position ^ 1]);
    return out;
  }
}
