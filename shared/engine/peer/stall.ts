// Stalls of a peer's blocks: a gap, with our requests out, longer than the path's round trip and the rate explain.
// On an ordered, reliable channel a lost packet holds everything behind it until its retransmission arrives (SCTP
// waits for its retransmission timeout when nothing follows the loss soon enough for a fast retransmit, hundreds of
// milliseconds to seconds), in either direction: a held request leaves the peer with nothing to send, a held block
// everything after it. The pipeline covers the stalls it has seen, so that the peer's queue of our requests outlasts
// the next one, and after a long stall it keeps following the rate measured before it instead of the average the
// stall diluted (or the burst of held blocks that ends it).

/** How long a stall is remembered for the pipeline's cover: a few of the channel's retransmission timeouts apart. */
export const STALL_MEMORY_MS = 30_000;
/** The most a stall adds to the time the pipeline covers: a frozen tab's minute is no retransmission timeout. */
export const MAX_STALL_COVER_MS = 2_000;
/** A stall this long holds the pipeline's rate at what it was before the stall (for the rate meter's window). */
export const LONG_STALL_MS = 1_000;
/** Blocks' own times at the rate a gap may take before it counts as a stall (blocks of one peer arrive spread out
 * when an uplink takes turns among several peers). */
const EXPECTED_BLOCKS = 2;
/** A peer whose blocks come further apart than this (two blocks' time at its rate) has no stalls measured: its gaps
 * are mostly an uplink taking turns among several peers, and the slow peer's floor of requests (`minPipeline`)
 * already spans a retransmission timeout at its rate. */
const SLOW_BLOCKS_MS = 500;
/** Stalls remembered: the longest recent ones matter, so a few suffice. */
const KEPT = 8;

/** The part of a gap between blocks (with requests out) that the path and the rate do not explain: beyond the
 * least round trip and two blocks' time at the rate. 0 when the gap is explained or a figure is unknown. */
export function stallBeyond(
  gapMs: number,
  leastRoundTripMs: number | undefined,
  rateBytesPerSec: number,
  blockSize: number,
): number {
  if (leastRoundTripMs === undefined || !(rateBytesPerSec > 0) || !(gapMs > 0)) return 0;
  const blocksMs = (EXPECTED_BLOCKS * blockSize * 1000) / rateBytesPerSec;
  if (blocksMs > SLOW_BLOCKS_MS) return 0;
  const expected = Math.max(leastRoundTripMs, blocksMs);
  return Math.max(0, gapMs - expected);
}

interface Stall {
  at: number;
  ms: number;
}

/** The stalls of one peer's blocks, and the rate held after a long one. */
export class StallMemory {
  private readonly stalls: Stall[] = [];
  private held: { rate: number; until: number } | undefined;

  /** A block ended a stall of `ms` beyond what the path explains; `rateBefore` is the pipeline's rate when it
   * began, held for `holdMs` if the stall was long. */
  record(ms: number, now: number, rateBefore: number, holdMs: number): void {
    if (!(ms > 0) || !Number.isFinite(ms)) return;
    this.stalls.push({ at: now, ms });
    if (this.stalls.length > KEPT) this.stalls.shift();
    if (ms >= LONG_STALL_MS && rateBefore > 0) this.held = { rate: rateBefore, until: now + holdMs };
  }

  /** The time the pipeline adds to cover stalls: the longest of the last STALL_MEMORY_MS, at most
   * MAX_STALL_COVER_MS. */
  cover(now: number): number {
    let longest = 0;
    for (const stall of this.stalls)
      if (now - stall.at < STALL_MEMORY_MS) longest = Math.max(longest, stall.ms);
    return Math.min(MAX_STALL_COVER_MS, longest);
  }

  /** The rate the pipeline follows at least, after a long stall: the rate before it, until its hold ends. */
  heldRate(now: number): number {
    return this.held !== undefined && now < this.held.until ? this.held.rate : 0;
  }
}
