// `npm run bench -- sha256`, in bench.html's worker: SHA-256 for BitTorrent v2 trees through SubtleCrypto and
// through @noble/hashes, for both of a tree's inputs (64-byte inner nodes, 16 KiB leaves), as merkle.ts calls them.
import { BLOCK_SIZE, leafHashes, rootFromLeaves } from '../../../shared/merkle';
import { toHex } from '../../../shared/hex';
import { merkleSha256, nobleSha256, subtleSha256 } from '../lib/sha256';
import type { BenchResult, Sha256Request } from './messages';

/** Per second: `count` items done in the time `work` takes. */
async function rate(count: number, work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return count / ((performance.now() - start) / 1000);
}

/**
 * Inner nodes per second (the root of `leaves` random leaf hashes: leaves - 1 nodes) and leaf MB/s (`blocks` 16 KiB
 * blocks, all asked at once as leafHashes does), each the best of the rounds; the two sides take turns going first.
 */
export async function sha256Bench(request: Sha256Request): Promise<BenchResult> {
  const { leaves: count, blocks, rounds } = request;
  const leaves = Array.from({ length: count }, () => crypto.getRandomValues(new Uint8Array(32)));
  const data = new Uint8Array(blocks * BLOCK_SIZE);
  for (let at = 0; at < data.length; at += 65536) crypto.getRandomValues(data.subarray(at, at + 65536));
  const subtleTree = merkleSha256('subtle');
  const nobleTree = merkleSha256('noble');
  // Both sides compute the same root, or the figures mean nothing.
  const [a, b] = await Promise.all([rootFromLeaves(leaves, subtleTree), rootFromLeaves(leaves, nobleTree)]);
  if (toHex(a) !== toHex(b)) throw new Error('SubtleCrypto and @noble/hashes gave different roots');
  const MB = (blocks * BLOCK_SIZE) / 1e6;
  const sides: [name: string, per: number, work: () => Promise<unknown>][] = [
    ['subtleNodes', count - 1, () => rootFromLeaves(leaves, subtleTree)],
    ['nobleNodes', count - 1, () => rootFromLeaves(leaves, nobleTree)],
    ['subtleLeaves', MB, () => leafHashes(data, subtleSha256)],
    ['nobleLeaves', MB, () => leafHashes(data, nobleSha256)],
  ];
  const result: BenchResult = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, per, work] of r % 2 === 0 ? sides : [...sides].reverse())
      result[name] = Math.max(result[name] ?? 0, await rate(per, work));
  }
  return result;
}
