// `npm run bench -- share`, in bench.html's worker: the time to share a file as the app does (shareFiles, read in
// place: hashed, not stored), as a hybrid (SHA-1 pieces and the v2 SHA-256 tree: both hashes) against v1 alone. The
// file is made as it is read (a ShareSource), so the figure is the hashing path's alone.

import { appSha256, subtleSha1 } from '../lib/hash';
import { shareFiles, type ShareSource } from '../worker/share/share-files';
import type { BenchResult, ShareRequest } from './messages';

/** A file of `size` bytes made from a random pool as it is read (each slice a fresh buffer, as File.slice gives). */
function madeFile(size: number): ShareSource {
  const pool = new Uint8Array(1 << 20);
  for (let at = 0; at < pool.length; at += 65536) crypto.getRandomValues(pool.subarray(at, at + 65536));
  return {
    size,
    slice: (start, end) => ({
      arrayBuffer: async () => {
        const bytes = new Uint8Array(end - start);
        for (let at = 0; at < bytes.length; at += pool.length >> 1) {
          const offset = ((start + at) * 31) % (pool.length >> 1);
          bytes.set(pool.subarray(offset, offset + Math.min(pool.length >> 1, bytes.length - at)), at);
        }
        return bytes.buffer;
      },
    }),
  };
}

/** Seconds to share `mib` MiB as a hybrid and as v1 alone, each the best of the rounds (the two take turns first). */
export async function shareBench(request: ShareRequest): Promise<BenchResult> {
  const file = madeFile(request.mib * 1024 * 1024);
  const files = [{ file, path: ['bench.bin'] }];
  const share = async (hybrid: boolean): Promise<number> => {
    const start = performance.now();
    await shareFiles(files, {
      name: 'bench.bin',
      sha1: subtleSha1,
      ...(hybrid ? { sha256: appSha256 } : {}),
      pieceLength: request.pieceLength,
    });
    return (performance.now() - start) / 1000;
  };
  // What the hashes alone cost: SubtleCrypto's SHA-1 and SHA-256 over 64 MiB in 1 MiB calls, 8 at once (the floor
  // of the hybrid's ratio is (SHA-1 + SHA-256) / SHA-1).
  const raw = new Uint8Array(await file.slice(0, Math.min(file.size, 64 * 1024 * 1024)).arrayBuffer());
  const digestAll = async (algorithm: string): Promise<number> => {
    const start = performance.now();
    const calls: Promise<ArrayBuffer>[] = [];
    for (let at = 0; at < raw.length; at += 1 << 20) {
      calls.push(crypto.subtle.digest(algorithm, raw.subarray(at, at + (1 << 20))));
      if (calls.length >= 8) await calls.shift();
    }
    await Promise.all(calls);
    return raw.length / 1e6 / ((performance.now() - start) / 1000);
  };
  const result: BenchResult = {};
  for (let r = 0; r < request.rounds; r++) {
    result.sha1MBps = Math.max(result.sha1MBps ?? 0, await digestAll('SHA-1'));
    result.sha256MBps = Math.max(result.sha256MBps ?? 0, await digestAll('SHA-256'));
  }
  const sides: Array<[string, boolean]> = [
    ['hybridSeconds', true],
    ['v1Seconds', false],
  ];
  for (let r = 0; r < request.rounds; r++)
    for (const [name, hybrid] of r % 2 === 0 ? sides : [...sides].reverse())
      result[name] = Math.min(result[name] ?? Infinity, await share(hybrid));
  return result;
}
