// How many requests to keep in flight to a peer, and snubbing.

export interface PipelineOptions {
  minDepth: number; // 5
  maxDepth: number; // e.g. 250
  blockSize: number;
  targetLatencyMs?: number; // default 1000
}

/** Depth grows with the peer's measured download rate: enough blocks to cover targetLatency at that rate,
 * clamped to [minDepth, min(maxDepth, peerReqq ?? maxDepth)]. */
export function pipelineDepth(
  rateBytesPerSec: number,
  peerReqq: number | undefined,
  options: PipelineOptions,
): number {
  void rateBytesPerSec;
  void peerReqq;
  void options;
  throw new Error('not implemented');
}

/** A peer is snubbed when we have requests in flight to it (or it has unchoked us) and no requested block arrived for snubMs. */
export function isSnubbed(lastBlockAt: number, outstanding: number, now: number, snubMs: number): boolean {
  void lastBlockAt;
  void outstanding;
  void now;
  void snubMs;
  throw new Error('not implemented');
}
