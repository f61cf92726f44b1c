// The uploader's state for one peer: the requests it made to us (a FIFO waiting for a read slot), the reads in
// progress, and the upload budget (a token bucket of at most one second's worth, at least one block, of the peer's
// upload cap). The session decides whether a request may be queued at all (choked, bounds, pieces we have); this
// queue decides when a queued request may be read.
import { BLOCK_SIZE } from '../wire';
import { blockKey as key } from './peer';
import type { BlockRequest } from './picker';

/** How many requests we queue per peer (our `reqq`); more are discarded. */
export const OUR_REQQ = 250;
/** Reads outstanding to storage per peer (the rest of its requests wait in its queue). */
export const READS_PER_PEER = 16;

export class UploadQueue {
  /** Requests waiting for a read slot, oldest first. */
  private readonly incoming: BlockRequest[] = [];
  private readonly reading = new Map<string, BlockRequest>();
  /** Upload rate cap, bytes/s (undefined: none), and the bytes the peer may still be sent now. */
  private cap: number | undefined;
  private budget = 0;
  private budgetAt: number;

  constructor(cap: number | undefined, now: number) {
    this.cap = cap;
    this.budgetAt = now;
  }

  get uploadCap(): number | undefined {
    return this.cap;
  }

  /** A new cap empties the bucket (the budget starts again from now). */
  setCap(cap: number | undefined, now: number): void {
    if (cap === this.cap) return;
    this.cap = cap;
    this.budget = 0;
    this.budgetAt = now;
  }

  /** Requests queued or being read. */
  get size(): number {
    return this.incoming.length + this.reading.size;
  }

  get waiting(): number {
    return this.incoming.length;
  }

  full(): boolean {
    return this.size >= OUR_REQQ;
  }

  /** The block is queued or being read already. */
  holds(index: number, begin: number): boolean {
    return (
      this.reading.has(key(index, begin)) || this.incoming.some((r) => r.index === index && r.begin === begin)
    );
  }

  enqueue(request: BlockRequest): void {
    this.incoming.push(request);
  }

  /** Forgets a cancelled request; true if it was being read (a read slot is free again). */
  cancel(index: number, begin: number): boolean {
    const at = this.incoming.findIndex((r) => r.index === index && r.begin === begin);
    if (at >= 0) {
      this.incoming.splice(at, 1);
      return false;
    }
    return this.reading.delete(key(index, begin));
  }

  /** The requests to read now: up to the read slots, and within the budget when the peer's upload is capped. */
  take(now: number): BlockRequest[] {
    const cap = this.cap;
    if (cap !== undefined) {
      const burst = Math.max(cap, BLOCK_SIZE);
      this.budget = Math.min(burst, this.budget + (cap * (now - this.budgetAt)) / 1000);
      this.budgetAt = now;
    }
    const reads: BlockRequest[] = [];
    while (this.reading.size < READS_PER_PEER && this.incoming.length > 0) {
      if (cap !== undefined) {
        if (this.budget < this.incoming[0].length) break;
        this.budget -= this.incoming[0].length;
      }
      const request = this.incoming.shift() as BlockRequest;
      this.reading.set(key(request.index, request.begin), request);
      reads.push(request);
    }
    return reads;
  }

  /** A read finished (or failed): the request it was for, unless it was cancelled or dropped meanwhile. */
  finishRead(index: number, begin: number): BlockRequest | undefined {
    const k = key(index, begin);
    const request = this.reading.get(k);
    this.reading.delete(k);
    return request;
  }

  /** Drops everything (the peer is choked): the requests being read, then the queued ones, to reject. */
  drop(): BlockRequest[] {
    const dropped = [...this.reading.values(), ...this.incoming];
    this.incoming.length = 0;
    this.reading.clear();
    return dropped;
  }
}
