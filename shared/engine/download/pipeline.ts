// How many requests to keep in flight to a peer, and snubbing.

export interface PipelineOptions {
  minDepth: number; // 5
  maxDepth: number; // e.g. 250
  blockSize: number;
  targetLatencyMs?: number; // default 1000
  /** For a peer measured slow, minDepth gives way to what it delivers in this time (but at least MIN_SLOW_DEPTH), so
   * that a slow peer does not hold many blocks that others could bring sooner. Default: off. */
  maxQueueMs?: number;
}

/** The least depth for a slow peer under `maxQueueMs`: one block in flight and one queued behind it. */
export const MIN_SLOW_DEPTH = 2;

/** Depth grows with the peer's measured download rate: enough blocks to cover targetLatency at that rate,
 * clamped to [minDepth, min(maxDepth, peerReqq ?? maxDepth)] (with `maxQueueMs`, a slow peer's minimum is lower). The peer's `reqq` wins over minDepth (a peer drops
 * requests beyond its queue), and the depth is never below 1. A missing or nonsensical reqq is ignored. */
export function pipelineDepth(
  rateBytesPerSec: number,
  peerReqq: number | undefined,
  options: PipelineOptions,
): number {
  const { minDepth, maxDepth, blockSize } = options;
  const latency = options.targetLatencyMs ?? 1000;
  if (!(blockSize > 0) || !(minDepth >= 1) || !(maxDepth >= minDepth) || !(latency > 0)) {
    throw new RangeError('invalid pipeline options');
  }
  const rate = Number.isFinite(rateBytesPerSec) && rateBytesPerSec > 0 ? rateBytesPerSec : 0;
  const wanted = Math.ceil((rate * latency) / 1000 / blockSize);
  let upper = Math.floor(maxDepth);
  if (peerReqq !== undefined && Number.isFinite(peerReqq) && peerReqq >= 1)
    upper = Math.min(upper, Math.floor(peerReqq));
  let lower = Math.floor(minDepth);
  const queueMs = options.maxQueueMs;
  if (queueMs !== undefined && rate > 0) {
    if (!(queueMs > 0)) throw new RangeError('invalid pipeline options');
    lower = Math.min(lower, Math.max(MIN_SLOW_DEPTH, Math.floor((rate * queueMs) / 1000 / blockSize)));
  }
  return Math.max(1, Math.min(upper, Math.max(lower, wanted)));
}

/** A peer is snubbed when we have requests in flight to it (or it has unchoked us) and no requested block arrived for
 * snubMs. `lastBlockAt` is when its last requested block arrived, or when we started waiting on it (the first
 * request after it had none in flight, or its unchoke), whichever is later. */
export function isSnubbed(lastBlockAt: number, outstanding: number, now: number, snubMs: number): boolean {
  return outstanding > 0 && now - lastBlockAt >= snubMs;
}
