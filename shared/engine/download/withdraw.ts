// Requests parked at a slow peer, given back. A peer's pipeline follows its measured rate, but the requests it already
// holds do not shrink with it: a peer that answers with a burst (blocks it held for seconds, sent at once) or slows
// down (its thin uplink now shared by more peers) keeps tens of our requests that it will serve over minutes, pieces
// that faster peers could bring now. Requests beyond what the pipeline wants and beyond what the peer serves soon are
// cancelled, the newest first (the ones it would serve last), and go to the others first.

/** A peer holds up to this many times what it keeps before any is withdrawn, so that a depth that moves with the rate
 * does not cancel requests only to ask them again. */
export const WITHDRAW_FACTOR = 2;
/** A peer keeps the requests it serves within this time at its rate: only those it would serve later are withdrawn. */
export const SERVED_SOON_MS = 10_000;

/** What one peer's pipeline looks like to the policy. */
export interface ParkedRequests {
  /** Our requests it holds. */
  outstanding: number;
  /** What its pipeline wants now (pipeline.ts `pipelineDepth`). */
  depth: number;
  /** The rate its blocks came at lately, bytes/s. */
  rateBytesPerSec: number;
  blockSize: number;
  /** Another peer is serving us: a withdrawn request has somewhere else to go. */
  otherSource: boolean;
}

/** How many of the peer's newest requests to withdraw. It keeps the larger of its depth and what it serves within
 * `SERVED_SOON_MS`; none is withdrawn while it holds at most `WITHDRAW_FACTOR` times that, or when no other peer
 * serves us (the requests would come back to it); otherwise all beyond what it keeps. */
export function requestsToWithdraw(parked: ParkedRequests): number {
  const { outstanding, depth, blockSize, otherSource } = parked;
  if (!otherSource || !(outstanding > 0) || !(depth >= 1) || !(blockSize > 0)) return 0;
  const rate =
    Number.isFinite(parked.rateBytesPerSec) && parked.rateBytesPerSec > 0 ? parked.rateBytesPerSec : 0;
  const servedSoon = Math.ceil((rate * SERVED_SOON_MS) / 1000 / blockSize);
  const keep = Math.max(depth, servedSoon);
  return outstanding > WITHDRAW_FACTOR * keep ? outstanding - keep : 0;
}
