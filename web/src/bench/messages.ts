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

/** The time to share a file as a hybrid against v1 alone (share.ts). */
export interface ShareRequest {
  type: 'share';
  mib: number;
  /** Undefined: the app's choice for the size. */
  pieceLength?: number;
  rounds: number;
}

export type BenchRequest = (VerifyRequest | StorageRequest | ShareRequest) & { id: number };

/** MB/s (10^6 bytes per second) or pieces per second, best of the rounds, per path. */
export type BenchResult = Record<string, number>;

export type BenchReply = { id: number; result: BenchResult } | { id: number; error: string };
