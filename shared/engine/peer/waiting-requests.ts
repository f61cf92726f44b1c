// The requests one peer made to us that wait for a read (part of its upload queue, upload-queue.ts), kept in two
// orders at once so that neither the unpaced reader nor the pacer ranks them all for each block:
// - arrival order (a queue with lazy removal): the unpaced reader takes the oldest, and the pacer's patience rule
//   (pacer.ts, SERVE_PATIENCE_MS) looks at the oldest only;
// - the pacer's order among one peer's requests, a binary heap on (times the piece was sent, copies of the piece
//   among our peers, arrival). The requester's pieces and what we sent it rank peers, not requests, so they are the
//   same for all of them and the pacer compares peers on them (pacer.ts, `chooseServe`);
// - the re-asks (blocks of pieces sent to this peer already) in arrival order, for their shorter patience.
// A piece's rank changes outside the heap (its last block sent, a peer announcing it), so the heap keeps, for each
// request, the rank it last saw, which never exceeds the real one: the send count only grows, a copy count grows with
// every `have`, and whenever a count may have fallen (a peer gone, its pieces replaced) the ranking's `epoch` moves
// and the heap ranks everything again. The top is checked against the real rank and sifted down until it holds it;
// every other request then ranks at or below its real rank, so the top is the real least.
import type { BlockRequest } from '../picker/block-geometry';

/** Where the pacer's ranking of a piece comes from (the uploader's send counts and the session's copies). */
export interface PieceRank {
  /** Times we sent the piece (its last block) to anyone. */
  sent(index: number): number;
  /** How many of our peers have the piece. */
  copies(index: number): number;
  /** Moves whenever a copy count may have fallen (or the send counts started again): rank everything again. */
  readonly epoch: number;
}

/** A waiting request, with when it came and its place in both orders. */
export interface Waiting {
  readonly request: BlockRequest;
  /** When it came (the session's clock, which never goes back). */
  readonly since: number;
  /** Arrival number: the order requests came in. */
  readonly seq: number;
  /** The rank the heap last saw (at most the real one). */
  sent: number;
  copies: number;
  /** Position in the heap; -1 once it left the queue. */
  heapAt: number;
  /** A block of a piece we had sent this peer already (upload-queue.ts): the pacer's patience with it is
   * REASK_PATIENCE_MS, not SERVE_PATIENCE_MS (pacer.ts). */
  readonly reask: boolean;
}

const key = (index: number, begin: number): string => `${index}:${begin}`;

const before = (a: Waiting, b: Waiting): boolean =>
  a.sent !== b.sent ? a.sent < b.sent : a.copies !== b.copies ? a.copies < b.copies : a.seq < b.seq;

/**
 * Waiting requests in the order they came, with lazy removal: an entry that left the queue (`heapAt` -1) is skipped
 * once it reaches the head, and the array is compacted now and then: at the head, and at a push when it holds more
 * than twice the live requests (`live`) plus 64, so that a list nobody looks at stays bounded too.
 */
class ArrivalOrder {
  private entries: Waiting[] = [];
  private head = 0;

  push(entry: Waiting, live: number): void {
    if (this.entries.length - this.head > 2 * live + 64) {
      this.entries = this.entries.slice(this.head).filter((waiting) => waiting.heapAt >= 0);
      this.head = 0;
    }
    this.entries.push(entry);
  }

  /** The first entry still waiting. */
  first(): Waiting | undefined {
    const { entries } = this;
    while (this.head < entries.length && entries[this.head].heapAt < 0) this.head++;
    if (this.head > 64 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
    return this.entries[this.head];
  }

  /** The entries still waiting, in order. */
  *live(): IterableIterator<Waiting> {
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry.heapAt >= 0) yield entry;
    }
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
  }
}

export class WaitingRequests {
  private readonly byKey = new Map<string, Waiting>();
  /** Requests waiting, by piece. */
  private readonly byPiece = new Map<number, number>();
  /** Arrival order. */
  private readonly arrivals = new ArrivalOrder();
  private readonly heap: Waiting[] = [];
  /** The re-asks (`Waiting.reask`) in arrival order. */
  private readonly reasks = new ArrivalOrder();
  private nextSeq = 0;
  /** The ranking (and its epoch) the heap's ranks come from. */
  private rankedBy: PieceRank | undefined;
  private rankedAt = -1;

  get size(): number {
    return this.byKey.size;
  }

  has(index: number, begin: number): boolean {
    return this.byKey.has(key(index, begin));
  }

  /** Does a request for a block of this piece wait? */
  hasPiece(index: number): boolean {
    return this.byPiece.has(index);
  }

  /** Queues a request (one already waiting for the same block is not queued twice); `reask`: see `Waiting`. */
  add(request: BlockRequest, since: number, reask = false): void {
    const k = key(request.index, request.begin);
    if (this.byKey.has(k)) return;
    // Ranked below everything until the heap looks at it against the real rank.
    const entry: Waiting = {
      request,
      since,
      seq: this.nextSeq++,
      sent: -1,
      copies: -1,
      heapAt: this.heap.length,
      reask,
    };
    this.byKey.set(k, entry);
    this.byPiece.set(request.index, (this.byPiece.get(request.index) ?? 0) + 1);
    this.arrivals.push(entry, this.byKey.size);
    this.heap.push(entry);
    this.siftUp(entry.heapAt);
    if (reask) this.reasks.push(entry, this.byKey.size);
  }

  /** The request that has waited longest. */
  oldest(): Waiting | undefined {
    return this.arrivals.first();
  }

  /** The re-ask that has waited longest. */
  oldestReask(): Waiting | undefined {
    return this.reasks.first();
  }

  /** The request the pacer serves first of this peer's (least send count, then fewest copies, then oldest). */
  best(rank: PieceRank): Waiting | undefined {
    const { heap } = this;
    if (this.rankedBy !== rank || this.rankedAt !== rank.epoch) this.rerank(rank);
    while (heap.length > 0) {
      const top = heap[0];
      const sent = rank.sent(top.request.index);
      const copies = rank.copies(top.request.index);
      if (sent === top.sent && copies === top.copies) return top;
      top.sent = sent;
      top.copies = copies;
      this.siftDown(0);
    }
    return undefined;
  }

  /** Removes a waiting request; undefined if it was not waiting. */
  remove(index: number, begin: number): Waiting | undefined {
    const k = key(index, begin);
    const entry = this.byKey.get(k);
    if (!entry) return undefined;
    this.byKey.delete(k);
    const left = this.byPiece.get(index)! - 1;
    if (left > 0) this.byPiece.set(index, left);
    else this.byPiece.delete(index);
    const at = entry.heapAt;
    const last = this.heap.pop() as Waiting;
    if (last !== entry) {
      this.heap[at] = last;
      last.heapAt = at;
      this.siftDown(at);
      this.siftUp(last.heapAt);
    }
    entry.heapAt = -1;
    return entry;
  }

  /** Every waiting request, oldest first. */
  inArrivalOrder(): IterableIterator<Waiting> {
    return this.arrivals.live();
  }

  /** Empties the queue; the requests, oldest first. */
  clear(): BlockRequest[] {
    const requests = [...this.inArrivalOrder()].map((entry) => entry.request);
    for (const entry of this.heap) entry.heapAt = -1;
    this.byKey.clear();
    this.byPiece.clear();
    this.arrivals.clear();
    this.reasks.clear();
    this.heap.length = 0;
    return requests;
  }

  /** Takes every rank from `rank` again and rebuilds the heap. */
  private rerank(rank: PieceRank): void {
    for (const entry of this.heap) {
      entry.sent = rank.sent(entry.request.index);
      entry.copies = rank.copies(entry.request.index);
    }
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
    this.rankedBy = rank;
    this.rankedAt = rank.epoch;
  }

  private siftUp(at: number): void {
    const { heap } = this;
    const entry = heap[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(entry, heap[parent])) break;
      heap[at] = heap[parent];
      heap[at].heapAt = at;
      at = parent;
    }
    heap[at] = entry;
    entry.heapAt = at;
  }

  private siftDown(at: number): void {
    const { heap } = this;
    const entry = heap[at];
    const n = heap.length;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right], heap[left]) ? right : left;
      if (!before(heap[child], entry)) break;
      heap[at] = heap[child];
      heap[at].heapAt = at;
      at = child;
    }
    heap[at] = entry;
    entry.heapAt = at;
  }
}
