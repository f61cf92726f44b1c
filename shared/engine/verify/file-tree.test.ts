import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHashes, merkleProof, pieceLayerFromLeaves, rootFromLeaves } from '../../hash/merkle';
import { sha256Sync } from '../../hash/sha256';
import { sha256 } from '../../testing/sha256';
import { FileTree, climb, nodeHashOf, padHashes, subtreeRoot } from './file-tree';

const nodeHash = nodeHashOf(sha256Sync);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const KiB = 1024;

/** A file's leaves and piece layer through merkle.ts (the async implementation checked against libtorrent). */
async function reference(length: number, pieceLength: number) {
  const data = new Uint8Array(randomBytes(length));
  const leaves = await leafHashes(data, sha256);
  return {
    leaves,
    pieces: await pieceLayerFromLeaves(leaves, pieceLength, sha256),
    root: await rootFromLeaves(leaves, sha256),
  };
}

describe('file tree', () => {
  it('pads as merkle.ts does: the root of 2^h zero leaves', () => {
    const pads = padHashes(5, nodeHash);
    expect(hex(pads[0])).toBe('00'.repeat(32));
    expect(hex(pads[1])).toBe(hex(sha256Sync(new Uint8Array(64))));
    expect(hex(subtreeRoot([], 8, pads, nodeHash))).toBe(hex(pads[3]));
  });

  it('builds from a piece layer to the root merkle.ts computes from the leaves, and refuses another root', async () => {
    // 16 KiB * 4 = 64 KiB pieces; 11 pieces and a bit: padded to 16 pieces.
    const { leaves, pieces, root } = await reference(11 * 64 * KiB + 100, 64 * KiB);
    const pads = padHashes(7, nodeHash);
    const tree = new FileTree(pieces, 2, root, pads, nodeHash);
    expect(tree.height).toBe(2 + 5);
    expect(hex(tree.piece(3))).toBe(hex(pieces[3]));
    expect(hex(subtreeRoot(leaves.slice(12, 16), 4, pads, nodeHash))).toBe(hex(pieces[3]));
    // The last piece's leaves (one block and a bit) padded with zero leaves.
    expect(hex(subtreeRoot(leaves.slice(44), 4, pads, nodeHash))).toBe(hex(pieces[11]));
    expect(() => new FileTree(pieces, 2, pieces[0], pads, nodeHash)).toThrow(RangeError);
  });

  it('gives the hashes and the uncles merkle.ts proves, lowest first', async () => {
    const { pieces, root } = await reference(11 * 64 * KiB + 100, 64 * KiB);
    const tree = new FileTree(pieces, 2, root, padHashes(7, nodeHash), nodeHash);
    // Four piece hashes from index 4 with a proof to the root: 2 layers given by them, the uncles of layers 2 and 3
    // (3 proof layers, as libtorrent counts them).
    const out = tree.hashes(2, 4, 4, 3);
    expect(out?.map(hex)).toEqual([
      ...pieces.slice(4, 8).map(hex),
      ...(await merkleProof(pieces, 4, 4, sha256, { nodeLeaves: 4 })).map(hex),
    ]);
    expect(hex(climb(subtreeRoot(out!.slice(0, 4), 4, [], nodeHash), 1, out!.slice(4), nodeHash))).toBe(
      hex(root),
    );
    // Fewer proof layers: fewer uncles; layers above the piece layer are served too.
    expect(tree.hashes(2, 4, 4, 2)).toHaveLength(5);
    expect(tree.hashes(2, 4, 4, 1)).toHaveLength(4);
    expect(tree.hashes(3, 2, 2, 0)).toHaveLength(2);
    // One hash: its own sibling is the first uncle.
    expect(tree.hashes(2, 5, 1, 0)?.map(hex)).toEqual([hex(pieces[5]), hex(pieces[4])]);
  });

  it('has nothing for a range below the piece layer, past a layer, at or above the root', async () => {
    const { pieces, root } = await reference(11 * 64 * KiB + 100, 64 * KiB);
    const tree = new FileTree(pieces, 2, root, padHashes(7, nodeHash), nodeHash);
    expect(tree.hashes(0, 0, 4, 0)).toBeUndefined();
    expect(tree.hashes(1, 0, 2, 0)).toBeUndefined();
    expect(tree.hashes(2, 16, 1, 0)).toBeUndefined();
    expect(tree.hashes(2, 8, 16, 0)).toBeUndefined();
    // An uncle of the root's layer (libtorrent refuses such a request too).
    expect(tree.hashes(2, 0, 4, 4)).toBeUndefined();
    expect(tree.hashes(7, 0, 1, 0)).toBeUndefined();
    expect(tree.hashes(6, 0, 1, 0)).toBeUndefined();
    expect(tree.hashes(5, 0, 2, 0)?.length).toBe(2);
  });
});
