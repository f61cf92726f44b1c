// How many requests to keep in flight to a peer, and snubbing.

export interface PipelineOptions {
  minDepth: number; // 5
  maxDepth: number; // e.g. 250
  blockSize: number;
  targetLatencyMs?: number; // default 1000
  /** The peer's round trip with no queue of ours ahead (RoundTrip.least): the latency covered grows to span it
   * (`latencyToCover`). Undefined before the first block. */
  roundTripMs?: number;
  /** For a peer measured slow, minDepth gives way to what it delivers in this time (but at least MIN_SLOW_DEPTH), so
   * that a slow peer does not hold many blocks that others could bring sooner. Default: off. */
  maxQueueMs?: number;
  /** The longest recent stall of the peer's blocks beyond its round trip (PeerDownload.stallCover), added to the
   * time covered: the requests the peer holds then last through the next such stall instead of running out in it.
   * Default 0. */
  stallMs?: number;
}

/** What the sender may hold in its transport ahead of a block, in time (upload/pacer.ts PACE_WINDOW_MS). */
export const SENDER_QUEUE_MS = 250;

/**
 * The time the pipeline covers at the peer's rate: `floorMs` (a second: enough for any round trip up to half of
 * it), or more on a longer path: twice the round trip, as TCP's receive-window tuning keeps twice a round trip's
 * bytes (one for the path, one for the rate to grow into), and the sender's transport queue ahead of each block.
 */
export function latencyToCover(roundTripMs: number | undefined, floorMs: number): number {
  if (roundTripMs === undefined || !Number.isFinite(roundTripMs) || roundTripMs < 0) return floorMs;
  return Math.max(floorMs, 2 * roundTripMs + SENDER_QUEUE_MS);
}

/** The path's part of a request-to-block time: less the block's own time at the peer's rate (on a slow uplink a
 * block takes seconds to send, which no depth of pipeline shortens). Undefined without a time or a rate. */
export function pathRoundTrip(
  roundTripMs: number | undefined,
  rateBytesPerSec: number,
  blockSize: number,
): number | undefined {
  if (roundTripMs === undefined || !(rateBytesPerSec > 0)) return undefined;
  return Math.max(0, roundTripMs - (blockSize / rateBytesPerSec) * 1000);
}

/** The stall time the pipeline adds: `stallMs` when it is a positive number, else none. */
function stallToCover(stallMs: number | undefined): number {
  return stallMs !== undefined && Number.isFinite(stallMs) && stallMs > 0 ? stallMs : 0;
}

/** The least depth for a slow peer under `maxQueueMs`: one block in flight and one queued behind it. */
export const MIN_SLOW_DEPTH = 2;

/** Depth grows with the peer's measured download rate: enough blocks to cover `latencyToCover` and the stalls at
 * that rate, clamped to [minDepth, min(maxDepth, peerReqq ?? maxDepth)] (with `maxQueueMs`, a slow peer's minimum is
 * lower). Never the smoothed request-to-block time: at the peer's rate that is mostly the pipeline's own queue (our
 * requests at the peer, their blocks in SCTP and at the path's bottleneck), so a pipeline sized by it grows the queue
 * it covers until the bottleneck drops a burst and SCTP waits out its retransmission timeouts (docs/performance.md,
 * "A queue the pipeline fills"). The peer's `reqq` wins over minDepth (a peer drops requests beyond
 * its queue), and the depth is never below 1. A missing or nonsensical reqq is ignored. */
export function pipelineDepth(
  rateBytesPerSec: number,
  peerReqq: number | undefined,
  options: PipelineOptions,
): number {
  const { minDepth, maxDepth, blockSize } = options;
  const floor = options.targetLatencyMs ?? 1000;
  if (!(blockSize > 0) || !(minDepth >= 1) || !(maxDepth >= minDepth) || !(floor > 0)) {
    throw new RangeError('invalid pipeline options');
  }
  const rate = Number.isFinite(rateBytesPerSec) && rateBytesPerSec > 0 ? rateBytesPerSec : 0;
  const path = latencyToCover(pathRoundTrip(options.roundTripMs, rate, blockSize), floor);
  const stall = stallToCover(options.stallMs);
  const latency = path + stall;
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
