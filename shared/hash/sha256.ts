// The engine's own SHA-256, computed synchronously, for the small inputs of merkle trees: the 64-byte inner nodes
// (two child hashes), where the per-call cost of an asynchronous SubtleCrypto digest dominates. @noble/hashes (small,
// audited, no dependencies, the language alone) does the hashing; large inputs (16 KiB leaves, pieces) go through
// the platform's hashing instead (the engine's hash jobs). An adapter may hand the engine a faster node hash: the
// app's choice between implementations is web/src/lib/hash.ts.
import { sha256 } from '@noble/hashes/sha2.js';

/** Synchronous SHA-256 of `data` (32 bytes). */
export type Sha256Sync = (data: Uint8Array) => Uint8Array;

/** SHA-256 of `data`, synchronously. */
export const sha256Sync: Sha256Sync = (data) => sha256(data);
