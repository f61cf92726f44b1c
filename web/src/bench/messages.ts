// Messages between the benchmark page and its worker.

export interface VerifyRequest {
  type: 'verify';
  pieceLength: number;
  pieces: number;
  /** Hashes in flight at once (the engine hashes every piece as it completes, without waiting). */
  inFlight: number;
  rounds: number;
}

export interface StorageRequest {
  type: 'storage';
  pieceLength: number;
  pieces: number;
  rounds: number;
}

/** SHA-256 for v2 trees: SubtleCrypto, @noble/hashes and hash-wasm, for inner nodes and for leaves (sha256.ts). */
export interface Sha256Request {
  type: 'sha256';
  /** Leaf hashes under the tree whose inner nodes are timed (65 536: a 1 GiB file). */
  leaves: number;
  /** 16 KiB blocks whose leaf hashes are timed. */
  blocks: number;
  rounds: number;
  /** Only this side's leaves, once (the bench reads the browser's CPU time around it). */
  only?: 'subtleLeaves' | 'wasmLeaves' | 'nobleLeaves';
  /** With `only`: hash the blocks this many times (CPU time is read in 10 ms ticks). */
  repeat?: number;
}

/** The time to share a file as a hybrid against v1 alone (share.ts). */
export interface ShareRequest {
  type: 'share';
  mib: number;
  /** Undefined: the app's choice for the size. */
  pieceLength?: number;
  rounds: number;
}

/** A web seed's file fetched, cut into pieces, hashed and written with no engine (seed-floor.ts). */
export interface SeedFloorRequest {
  type: 'seed-floor';
  url: string;
  size: number;
  pieceLength: number;
  /** SHA-1 of each piece and SHA-256 of each 16 KiB block. */
  hash: boolean;
  /** Each piece written to a file through a synchronous access handle. */
  write: boolean;
  /** The file set to its whole size before the first write, so that no write grows it. */
  presize?: boolean;
  /** The file flushed this often while pieces come, as the app's transactions do (else once at the end). */
  flushEveryMs?: number;
}

export type BenchRequest = (
  VerifyRequest | StorageRequest | Sha256Request | ShareRequest | SeedFloorRequest
) & { id: number };

/** MB/s (10^6 bytes per second) or pieces per second, best of the rounds, per path. */
export type BenchResult = Record<string, number>;

export type BenchReply = { id: number; result: BenchResult } | { id: number; error: string };
