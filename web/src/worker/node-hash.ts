// The inner nodes of BitTorrent v2 merkle trees (SHA-256 of two 32-byte hashes) in the engine worker, in
// WebAssembly (hash-wasm). A hybrid joined by magnet link proves its piece layers as they come from a peer: about
// two nodes a piece, and the file's tree once its layer is whole (3,600 nodes for a 96 MB file of 64 KiB pieces).
// In TypeScript (shared/sha256.ts) that held the worker for 60 to 100 ms at the download's start, in a freshly
// started worker whose JIT had not warmed up, right when a player pressed at once waits for its first pieces.
import { createSHA256 } from 'hash-wasm';
import type { NodeHash } from '../../../shared/engine/verify/file-tree';

/** The node hash in WebAssembly, or undefined where it cannot be made (the engine then hashes in TypeScript). */
export async function wasmNodeHash(): Promise<NodeHash | undefined> {
  try {
    const hasher = await createSHA256();
    return (left, right) => {
      hasher.init();
      hasher.update(left);
      hasher.update(right);
      return hasher.digest('binary');
    };
  } catch {
    return undefined;
  }
}
