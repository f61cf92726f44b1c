// The upload side of one peer (the uploader's per-peer state, uploader.ts): the requests it made to us waiting for a
// read slot (in arrival order and in the pacer's order, waiting-requests.ts), the reads in progress, the upload budget (a token bucket of at most one second's worth, at
// least one block, of the peer's upload cap) deciding when a queued request may be read, whether its transport is
// backlogged, and what we sent it.
import { BLOCK_SIZE } from '../../codec/wire';
import type { BlockRequest } from '../picker/block-geometry';
import { FirstBlocks } from './first-blocks';
import { CHOKE_RATE_WINDOW_MS, RateMeter } from './rate';
import { WaitingRequests, type PieceRank, type Waiting } from './waiting-requests';

/** How many requests we queue per peer (our `reqq`); more are discarded. */
export const OUR_REQQ = 250;
/** Reads outstanding to storage per peer (the rest of its requests wait in its queue). */
export const READS_PER_PEER = 16;
/** Pieces begun and not finished that a peer's ranking remembers (a peer that cancels the rest of a piece leaves it
 * begun: the oldest are forgotten). */
export const STARTED_PIECES = OUR_REQQ;
/** Blocks sent that a peer's cancel may still retract from the transport: about what the transport holds for one
 * peer (the browser's writer backlogs at 1 MiB, 64 blocks; its channel buffer 256 KiB more), with room. A peer's
 * cancels can ask for at most these, each once (a stranger's flood of cancels costs a set lookup each). */
export const RECENT_SENT = 128;
const key = (index: number, begin: number): string => `${index}:${begin}`;

export class UploadQueue {
  /** Requests waiting for a read slot. */
  private readonly incoming = new WaitingRequests();
  private readonly reading = new Map<string, BlockRequest>();
  private _readingBytes = 0;
  /** Bytes of ours this peer's connection holds that have not left (its part of the last `upload-queue` report, plus
   * the blocks sent it since), where the adapter reports per connection (pacer.ts `connectionShare`). */
  transportHeld = 0;
  /** Upload rate cap, bytes/s (undefined: none), and the bytes the peer may still be sent now. */
  private cap: number | undefined;
  private budget = 0;
  private budgetAt: number;
  private _backlogged = false;
  private _uploaded = 0;
  readonly up = new RateMeter();
  /** Over 20 s, for the choker (see CHOKE_RATE_WINDOW_MS). */
  readonly upSlow = new RateMeter(CHOKE_RATE_WINDOW_MS);
  /** Blocks sent to this peer lately (`index:begin`, oldest first, RECENT_SENT at most): a cancel of one of them may
   * still reach it in the transport (`retract`), once. */
  private readonly recentSent = new Set<string>();
  /** Pieces whose first block went to this peer and whose last has not, oldest first. */
  private readonly started = new Set<number>();
  /** How often each piece's first block went to this peer, for telling a re-ask (`enqueue`) and for `ranked`. */
  private readonly firstBlocks = new FirstBlocks(STARTED_PIECES);
  /** Moves whenever this peer's view of a piece's rank may have fallen (`ranked`: its requests rank again). */
  private fallen = 0;
  /** The pacer's ranking as this peer's requests see it (`ranked`), for the ranking it was made from. */
  private view: { of: PieceRank; rank: PieceRank } | undefined;

  constructor(cap: number | undefined, now: number) {
    this.cap = cap;
    this.budgetAt = now;
  }

  /** Its transport is not draining what we send: no new block reads until it does (see `peer-backlog`). */
  get backlogged(): boolean {
    return this._backlogged;
  }

  setBacklogged(backlogged: boolean): void {
    this._backlogged = backlogged;
  }

  /** Bytes of blocks sent to it. */
  get uploaded(): number {
    return this._uploaded;
  }

  /** A block of `bytes` was sent to it (at `index`, `begin`: a cancel may retract it from the transport). */
  sent(bytes: number, now: number, index?: number, begin?: number): void {
    this._uploaded += bytes;
    this.up.add(bytes, now);
    this.upSlow.add(bytes, now);
    if (index === undefined || begin === undefined) return;
    const { recentSent } = this;
    recentSent.add(key(index, begin));
    if (recentSent.size > RECENT_SENT) recentSent.delete(recentSent.values().next().value!);
  }

  /** A cancel for a block sent lately: true the first time (the transport may still hold it), then false. */
  takeSent(index: number, begin: number): boolean {
    return this.recentSent.delete(key(index, begin));
  }

  /** A block sent was dropped before it left (`block-retracted`): it no longer counts as uploaded, and its piece is
   * under way again unless that block was its first (then it was never begun). The peer asks for the block again:
   * seen as part of a piece sent whole, it waited behind every piece not sent yet, up to SERVE_PATIENCE_MS, while
   * the downloader's pipeline stayed full of new pieces (a cause of 15 s stalls in the playback bench at 2.4 times
   * the bitrate). */
  unsent(index: number, begin: number, bytes: number): void {
    this._uploaded = Math.max(0, this._uploaded - bytes);
    const { started } = this;
    // The piece's rank as this peer sees it may fall (its first block's send no longer counted, or the piece begun).
    this.fallen++;
    if (begin === 0 && this.firstBlocks.dropped(index) === 0) {
      started.delete(index);
      return;
    }
    // A later block dropped, or a first block that went to the peer before too: the piece is begun again.
    if (!started.has(index)) {
      started.add(index);
      if (started.size > STARTED_PIECES) this.forgetAStartedPiece();
    }
  }

  /** A block of piece `index` went to the peer: the piece's first (`begin` 0) begins it, its last (`last`) ends it. */
  pieceBlockSent(index: number, begin: number, last: boolean): void {
    const { started } = this;
    if (begin === 0) {
      const sends = this.firstBlocks.sent(index);
      // Sent whole before and begun again: the rest's rank falls by the earlier sends (`ranked`).
      if (sends > 1 && !started.has(index) && !last) this.fallen++;
    }
    if (last) {
      started.delete(index);
    } else if (begin === 0) {
      started.add(index);
      if (started.size > STARTED_PIECES) this.forgetAStartedPiece();
    }
  }

  /** A request for a block of a piece we sent this peer and have not begun again (its ranking counts our own send
   * against it, `ranked`): the peer lost what we sent (dropped as a duplicate, failed its check, or the rest of a
   * begun piece it cancelled, forgotten here over STARTED_PIECES). The ranking alone would put it behind every piece
   * not sent yet, and a downloader with a full pipeline of new pieces would wait SERVE_PATIENCE_MS for it (a player
   * stalled 15 s at 2.4 times the bitrate, docs/performance.md); the pacer's patience with it is REASK_PATIENCE_MS. */
  isReask(index: number): boolean {
    return this.firstBlocks.count(index) > 0 && !this.started.has(index);
  }

  /** Over the bound, the oldest begun piece the peer no longer asks anything of goes (a piece whose rest a
   * cancel took back), not one whose rest waits here: that rest, seen as sent, waited behind every piece not sent
   * yet for SERVE_PATIENCE_MS (a stream's urgent piece waited 15 s when the downloader kept cancelling and asking
   * again). If each one still has a request waiting, the oldest goes: the bound holds. */
  private forgetAStartedPiece(): void {
    const { started } = this;
    for (const index of started) {
      if (this.incoming.hasPiece(index)) continue;
      started.delete(index);
      return;
    }
    started.delete(started.values().next().value as number);
  }

  /**
   * The pacer's ranking (`rank`: times each piece was sent, copies) as this peer's requests see it: a piece we began
   * sending to this peer does not count that send. The send count spreads pieces (a seed sends each piece once
   * before repeating), but counted against the rest of the same piece to the same peer it put that rest behind every
   * piece not sent yet: a peer that keeps asking for new pieces (one seeder and one downloader, its pipeline full)
   * got the first block of each piece at once and the others only after SERVE_PATIENCE_MS, so no piece completed
   * for 15 s (a player waited that long for its first frame). Ending or forgetting a begun piece raises its rank,
   * and beginning one happens with the send that raises the shared count.
   * Every send of the piece's first block to this peer is left out, not one: a block asked again and sent twice
   * (its first copy was still on its way when the re-ask's patience ran out) counted the second send against the
   * rest of that piece, which then waited behind every piece not sent yet for SERVE_PATIENCE_MS (a player blocked on
   * that piece for 15 s at 2.4 times the bitrate). Where the view's rank may fall (a piece sent whole begun again, a
   * block dropped from the transport), its epoch moves and the peer's requests rank again.
   */
  ranked(rank: PieceRank): PieceRank {
    if (this.view?.of !== rank) {
      const { started, firstBlocks } = this;
      const fallen = () => this.fallen;
      this.view = {
        of: rank,
        rank: {
          sent: (index) =>
            Math.max(0, rank.sent(index) - (started.has(index) ? firstBlocks.count(index) : 0)),
          copies: (index) => rank.copies(index),
          get epoch() {
            return rank.epoch + fallen();
          },
        },
      };
    }
    return this.view.rank;
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

  /** The peer's weight in the upload split (undefined: not in the split, its cap is its own); set by the choke
   * rounds. */
  share: number | undefined;

  /** A new rate for a capped peer that keeps what it had earned at the old one (the split moves every tick). */
  retune(cap: number, now: number): void {
    if (this.cap === undefined) return this.setCap(cap, now);
    this.refill(now);
    this.cap = cap;
  }

  private refill(now: number): void {
    const cap = this.cap;
    if (cap === undefined) return;
    const burst = Math.max(cap, BLOCK_SIZE);
    this.budget = Math.min(burst, this.budget + (cap * Math.max(0, now - this.budgetAt)) / 1000);
    this.budgetAt = now;
  }

  /** Requests queued or being read. */
  get size(): number {
    return this.incoming.size + this.reading.size;
  }

  get waiting(): number {
    return this.incoming.size;
  }

  full(): boolean {
    return this.size >= OUR_REQQ;
  }

  /** The block is queued or being read already. */
  holds(index: number, begin: number): boolean {
    return this.reading.has(key(index, begin)) || this.incoming.has(index, begin);
  }

  /** Queues a request (not twice for the same block) to be read. */
  enqueue(request: BlockRequest, now = 0): void {
    if (!this.reading.has(key(request.index, request.begin)))
      this.incoming.add(request, now, this.isReask(request.index));
  }

  /** Takes back a request not sent yet: waiting, or being read (its data is then dropped). Returns it, and whether
   * it was being read (a read slot is free again); undefined when it is not here (sent already, or never asked). */
  cancel(index: number, begin: number): { request: BlockRequest; reading: boolean } | undefined {
    const waiting = this.incoming.remove(index, begin);
    if (waiting) return { request: waiting.request, reading: false };
    const read = this.finishRead(index, begin);
    return read && { request: read, reading: true };
  }

  /** The waiting requests, oldest first, with when each came. */
  waitingInOrder(): IterableIterator<Waiting> {
    return this.incoming.inArrivalOrder();
  }

  /** The waiting request that came first. */
  oldestWaiting(): Waiting | undefined {
    return this.incoming.oldest();
  }

  /** The waiting re-ask (`isReask` when it came) that came first. */
  oldestReask(): Waiting | undefined {
    return this.incoming.oldestReask();
  }

  /** The waiting request the pacer would serve first of this peer's (pacer.ts). */
  bestWaiting(rank: PieceRank): Waiting | undefined {
    return this.incoming.best(rank);
  }

  /** Bytes of the reads in progress. */
  get readingBytes(): number {
    return this._readingBytes;
  }

  /** Starts reading a waiting request (out of order), if a read slot and the budget allow it now. */
  takeWaiting(request: BlockRequest, now: number): BlockRequest | undefined {
    if (!this.incoming.has(request.index, request.begin) || this.reading.size >= READS_PER_PEER)
      return undefined;
    if (this.cap !== undefined) {
      this.refill(now);
      if (this.budget < request.length) return undefined;
      this.budget -= request.length;
    }
    this.incoming.remove(request.index, request.begin);
    this.startRead(request);
    return request;
  }

  /** The requests to read now, oldest first: up to the read slots (`slots`, at most READS_PER_PEER), and within the
   * budget when the peer's upload is capped. */
  take(now: number, slots = READS_PER_PEER): BlockRequest[] {
    const cap = this.cap;
    this.refill(now);
    const reads: BlockRequest[] = [];
    const limit = Math.min(READS_PER_PEER, slots);
    while (this.reading.size < limit) {
      const oldest = this.incoming.oldest();
      if (!oldest) break;
      const { request } = oldest;
      if (cap !== undefined) {
        if (this.budget < request.length) break;
        this.budget -= request.length;
      }
      this.incoming.remove(request.index, request.begin);
      this.startRead(request);
      reads.push(request);
    }
    return reads;
  }

  private startRead(request: BlockRequest): void {
    this.reading.set(key(request.index, request.begin), request);
    this._readingBytes += request.length;
  }

  /** A read finished (or failed): the request it was for, unless it was cancelled or dropped meanwhile. */
  finishRead(index: number, begin: number): BlockRequest | undefined {
    const k = key(index, begin);
    const request = this.reading.get(k);
    if (!request) return undefined;
    this.reading.delete(k);
    this._readingBytes -= request.length;
    return request;
  }

  /** Drops everything (the peer is choked): the requests being read, then the queued ones, to reject. */
  drop(): BlockRequest[] {
    const dropped = [...this.reading.values(), ...this.incoming.clear()];
    this.reading.clear();
    this._readingBytes = 0;
    return dropped;
  }
}
