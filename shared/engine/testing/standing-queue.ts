// The queue in front of a host's uplink (a home router's), as a loss-based sender keeps it: while the host has more
// to send than its uplink carries, SCTP or TCP grows its window until that queue overflows, so every packet then
// waits the queue's whole depth behind the others (`queueMs` at the link's rate), a request as long as a block; when
// the sender runs out of data, the queue drains at the link's rate. The simulated uplink sends one message at a
// time at its rate, so this adds, to each message that leaves it, the wait it would have had in that queue.

export class StandingQueue {
  /** The queue's wait when the last message left, ms. */
  private waitMs = 0;
  /** When the last message left (the end of its transmission), ms. */
  private lastDone = Number.NEGATIVE_INFINITY;

  constructor(readonly queueMs: number) {
    if (!(queueMs >= 0) || !Number.isFinite(queueMs)) throw new RangeError(`invalid queue ${queueMs} ms`);
  }

  /**
   * A message began to leave at `startedAt` and left at `now`; `backlogged`: more was waiting to leave behind it.
   * Returns its wait in the queue, ms. Idle time before it drained the queue; a backlog fills it. The waits never
   * let a later message overtake an earlier one.
   */
  depart(startedAt: number, now: number, backlogged: boolean): number {
    const idle = Math.max(0, startedAt - this.lastDone);
    this.waitMs = backlogged ? this.queueMs : Math.max(0, this.waitMs - idle);
    this.lastDone = now;
    return this.waitMs;
  }
}
