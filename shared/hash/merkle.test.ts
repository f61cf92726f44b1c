import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_SIZE,
  ZERO_HASH,
  blockCount,
  leafHashes,
  merkleProof,
  merkleRoot,
  nextPowerOfTwo,
  padHash,
  pieceHash,
  pieceLayerFromLeaves,
  rootFromLeaves,
  rootFromPieceLayer,
  rootFromProof,
  splitHashes,
  verifyProof,
} from './merkle';
import { toHex } from '../codec/hex';
import { sha256, sha256Sync } from '../testing/sha256';

/** The textbook definition, recursively: leaves padded with zero hashes to a power of two. */
function naiveRoot(leaves: Uint8Array[]): Uint8Array {
  const width = nextPowerOfTwo(leaves.length);
  const padded = [...leaves, ...Array.from({ length: width - leaves.length }, () => ZERO_HASH)];
  const up = (nodes: Uint8Array[]): Uint8Array => {
    if (nodes.length === 1) return nodes[0];
    const half = nodes.length / 2;
    const [l, r] = [up(nodes.slice(0, half)), up(nodes.slice(half))];
    return sha256Sync(new Uint8Array([...l, ...r]));
  };
  return up(padded);
}

const hex = (hashes: Uint8Array[]): string[] => hashes.map(toHex);

describe('merkle trees over 16 KiB blocks', () => {
  it('hashes each block, the last as long as what is left', async () => {
    const data = randomBytes(2 * BLOCK_SIZE + 5);
    const leaves = await leafHashes(data, sha256);
    expect(leaves).toHaveLength(3);
    expect(toHex(leaves[2])).toBe(toHex(sha256Sync(data.subarray(2 * BLOCK_SIZE))));
    expect(blockCount(0)).toBe(0);
    expect(blockCount(BLOCK_SIZE)).toBe(1);
    expect(blockCount(BLOCK_SIZE + 1)).toBe(2);
  });

  it('a one-block file has the block hash as root; more blocks pad with zero hashes', async () => {
    const data = randomBytes(1000);
    expect(toHex(await rootFromLeaves(await leafHashes(data, sha256), sha256))).toBe(toHex(sha256Sync(data)));
    for (const n of [2, 3, 5, 8, 13]) {
      const leaves = Array.from({ length: n }, () => new Uint8Array(randomBytes(32)));
      expect(toHex(await merkleRoot(leaves, sha256))).toBe(toHex(naiveRoot(leaves)));
    }
  });

  it('pads subtrees with the roots of zero leaves', async () => {
    expect(toHex(await padHash(1, sha256))).toBe(toHex(ZERO_HASH));
    const two = sha256Sync(new Uint8Array(64));
    expect(toHex(await padHash(2, sha256))).toBe(toHex(two));
    expect(toHex(await padHash(4, sha256))).toBe(toHex(sha256Sync(new Uint8Array([...two, ...two]))));
    await expect(padHash(3, sha256)).rejects.toThrow(RangeError);
  });

  it('the piece layer leads to the same root as the leaves, the last piece padded with zero leaves', async () => {
    const pieceLength = 4 * BLOCK_SIZE;
    const leaves = Array.from({ length: 10 }, () => new Uint8Array(randomBytes(32)));
    const layer = await pieceLayerFromLeaves(leaves, pieceLength, sha256);
    expect(layer).toHaveLength(3);
    expect(toHex(layer[2])).toBe(toHex(naiveRoot([...leaves.slice(8), ZERO_HASH, ZERO_HASH])));
    expect(toHex(layer[2])).toBe(
      toHex(await pieceHash(leaves.slice(8), pieceLength, 10 * BLOCK_SIZE, sha256)),
    );
    expect(toHex(await rootFromPieceLayer(layer, pieceLength, sha256))).toBe(toHex(naiveRoot(leaves)));
    // a file of one piece or less has no layer, and its piece hash (its root) pads to a power of two only
    expect(await pieceLayerFromLeaves(leaves.slice(0, 3), pieceLength, sha256)).toEqual([]);
    expect(toHex(await pieceHash(leaves.slice(0, 3), pieceLength, 3 * BLOCK_SIZE, sha256))).toBe(
      toHex(naiveRoot(leaves.slice(0, 3))),
    );
    await expect(pieceLayerFromLeaves(leaves, 3 * BLOCK_SIZE, sha256)).rejects.toThrow(/power of two/);
  });

  it('proves any aligned range of a layer, and a changed node or uncle fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 5 }),
        fc.nat(),
        async (n, log2Count, pick) => {
          const leaves = Array.from({ length: n }, (_, i) => sha256Sync(new Uint8Array([i, n])));
          const root = naiveRoot(leaves);
          const count = Math.min(1 << log2Count, nextPowerOfTwo(n));
          const groups = Math.ceil(n / count);
          const index = (pick % groups) * count;
          const nodes = Array.from({ length: count }, (_, i) => leaves[index + i] ?? ZERO_HASH);
          const proof = await merkleProof(leaves, index, count, sha256);
          expect(proof).toHaveLength(Math.log2(nextPowerOfTwo(n) / count));
          expect(toHex(await rootFromProof(nodes, index, proof, sha256))).toBe(toHex(root));
          expect(await verifyProof(root, nodes, index, proof, sha256)).toBe(true);
          const bad = nodes.map((node) => node.slice());
          bad[0][0] ^= 1;
          expect(await verifyProof(root, bad, index, proof, sha256)).toBe(false);
          if (proof.length > 0) {
            const badProof = proof.map((node) => node.slice());
            badProof[proof.length - 1][31] ^= 1;
            expect(await verifyProof(root, nodes, index, badProof, sha256)).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('proves a range of pieces against the root from the piece layer', async () => {
    const pieceLength = 2 * BLOCK_SIZE;
    const leaves = Array.from({ length: 11 }, (_, i) => sha256Sync(new Uint8Array([i])));
    const layer = await pieceLayerFromLeaves(leaves, pieceLength, sha256);
    const root = naiveRoot(leaves);
    const proof = await merkleProof(layer, 4, 2, sha256, { nodeLeaves: 2 });
    expect(await verifyProof(root, [layer[4], layer[5]], 4, proof, sha256)).toBe(true);
  });

  it('refuses malformed input with false, not a crash', async () => {
    const leaf = sha256Sync(new Uint8Array(1));
    expect(await verifyProof(leaf, [leaf.subarray(1)], 0, [], sha256)).toBe(false);
    expect(await verifyProof(leaf, [leaf, leaf, leaf], 0, [], sha256)).toBe(false);
    expect(await verifyProof(leaf, [leaf], 1, [], sha256)).toBe(false); // a proof too short for index 1
    expect(await verifyProof(leaf, [leaf], 0, Array(65).fill(leaf), sha256)).toBe(false);
    expect(() => splitHashes(new Uint8Array(33))).toThrow(RangeError);
    expect(hex(splitHashes(new Uint8Array(64)))).toEqual([toHex(ZERO_HASH), toHex(ZERO_HASH)]);
  });
});
