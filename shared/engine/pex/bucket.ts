// A token bucket counted in messages: what one neighbour may send of one kind of sd_pex message (docs/protocols.md).
// Full at first, refilled with the time passed in; a message that finds it empty is over the rate.

export interface Rate {
  /** Messages refilled per round. */
  perRound: number;
  /** The most it may save up (and what it starts with). */
  burst: number;
}

/** A gossip round, ms: at most one peers message to each neighbour a round. */
export const ROUND_MS = 5_000;

export class Bucket {
  private balance: number;
  private last: number;

  constructor(
    private readonly rate: Rate,
    now: number,
    private readonly periodMs = ROUND_MS,
  ) {
    this.balance = rate.burst;
    this.last = now;
  }

  /** Takes one message's worth; false when the bucket is empty (nothing is taken). */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.balance = Math.min(this.rate.burst, this.balance + (elapsed * this.rate.perRound) / this.periodMs);
    if (this.balance < 1) return false;
    this.balance -= 1;
    return true;
  }
}
