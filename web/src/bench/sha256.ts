// `npm run bench -- sha256`, in bench.html's worker: SHA-256 for BitTorrent v2 trees through SubtleCrypto, through
// @noble/hashes and in WebAssembly (hash-wasm), for both of a tree's inputs (64-byte inner nodes, 16 KiB leaves), as
// merkle.ts calls them.
import { BLOCK_SIZE, leafHashes, rootFromLeaves } from '../../../shared/hash/merkle';
import { toHex } from '../../../shared/codec/hex';
import { merkleSha256, nobleSha256, subtleSha256, wasmSha256 } from '../lib/hash';
import type { BenchResult, Sha256Request } from './messages';

/** Per second: `count` items done in the time `work` takes. */
async function rate(count: number, work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return count / ((performance.now() - start) / 1000);
}

let cachedBlocks: Uint8Array | undefined;

/** `blocks` random 16 KiB blocks, kept between requests so a side run alone times the hashing only. */
function randomBlocks(blocks: number): Uint8Array {
  if (cachedBlocks?.length !== blocks * BLOCK_SIZE) {
    cachedBlocks = new Uint8Array(blocks * BLOCK_SIZE);
    for (let at = 0; at < cachedBlocks.length; at += 65536)
      crypto.getRandomValues(cachedBlocks.subarray(at, at + 65536));
  }
  return cachedBlocks;
}

const leafSides = { subtleLeaves: subtleSha256, wasmLeaves: wasmSha256, nobleLeaves: nobleSha256 };

/**
 * Inner nodes per second (the root of `leaves` random leaf hashes: leaves - 1 nodes) and leaf MB/s (`blocks` 16 KiB
 * blocks, all asked at once as leafHashes does), each the best of the rounds; the two sides take turns going first.
 * With `only`, that one side's leaves, `repeat` times.
 */
export async function sha256Bench(request: Sha256Request): Promise<BenchResult> {
  const { leaves: count, blocks, rounds, only, repeat = 1 } = request;
  const data = randomBlocks(blocks);
  const MB = (blocks * BLOCK_SIZE) / 1e6;
  if (only) {
    const leafHashesRepeated = async () => {
      for (let i = 0; i < repeat; i++) await leafHashes(data, leafSides[only]);
    };
    return { [only]: await rate(MB * repeat, leafHashesRepeated) };
  }
  const leaves = Array.from({ length: count }, () => crypto.getRandomValues(new Uint8Array(32)));
  const subtleTree = merkleSha256('subtle');
  const nobleTree = merkleSha256('noble');
  const wasmTree = merkleSha256('wasm');
  // Each side computes the same hashes, or the figures mean nothing.
  const [a, b, c] = await Promise.all([
    rootFromLeaves(leaves, subtleTree),
    rootFromLeaves(leaves, nobleTree),
    rootFromLeaves(leaves, wasmTree),
  ]);
  if (toHex(a) !== toHex(b)) throw new Error('SubtleCrypto and @noble/hashes gave different roots');
  if (toHex(a) !== toHex(c)) throw new Error('SubtleCrypto and hash-wasm gave different roots');
  const firstBlock = data.subarray(0, BLOCK_SIZE);
  const [wasmLeaf, subtleLeaf] = await Promise.all([wasmSha256(firstBlock), subtleSha256(firstBlock)]);
  if (toHex(wasmLeaf) !== toHex(subtleLeaf))
    throw new Error('hash-wasm and SubtleCrypto gave different leaves');
  const sides: [name: string, per: number, work: () => Promise<unknown>][] = [
    ['subtleNodes', count - 1, () => rootFromLeaves(leaves, subtleTree)],
    ['nobleNodes', count - 1, () => rootFromLeaves(leaves, nobleTree)],
    ['wasmNodes', count - 1, () => rootFromLeaves(leaves, wasmTree)],
    ...Object.entries(leafSides).map(([name, sha256]): [string, number, () => Promise<unknown>] => [
      name,
      MB,
      () => leafHashes(data, sha256),
    ]),
  ];
  const result: BenchResult = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, per, work] of r % 2 === 0 ? sides : [...sides].reverse())
      result[name] = Math.max(result[name] ?? 0, await rate(per, work));
  }
  return result;
}
