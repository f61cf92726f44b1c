// SHA-256 computed synchronously, for the small inputs of merkle trees: the 64-byte inner nodes (two child hashes),
// where the per-call cost of an asynchronous SubtleCrypto digest dominates. @noble/hashes (small, audited, no
// dependencies) does the hashing; large inputs (16 KiB leaves, pieces) go through the platform's hashing instead
// (the engine's hash jobs).
import { sha256 } from '@noble/hashes/sha2.js';

/** Synchronous SHA-256 of `data` (32 bytes). */
export type Sha256Sync = (data: Uint8Array) => Uint8Array;

/** SHA-256 of `data`, synchronously. */
export const sha256Sync: Sha256Sync = (data) => sha256(data);
