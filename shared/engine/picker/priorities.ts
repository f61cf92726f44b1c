// Priorities and deadlines: pieces we skip (chosen files), pieces to fetch before others ('high'), and pieces with a
// deadline (streaming), fetched earliest deadline first; also which pieces we still want and lack.
import type { Availability, PeerPieces } from './availability';
import type { BlockGeometry, WorkMeter } from './block-geometry';
import type { Endgame } from './endgame';
import type { RequestBatch, RequestLedger } from './request-ledger';
import type { PeerSearch, PieceSelector } from './selection';
import type { VerifiedView } from '../verify/verified-pieces';

/** A piece's priority: 'skip' pieces are not fetched (unless a deadline asks for them), 'high' ones before the rest. */
export type PiecePriority = 'skip' | 'normal' | 'high';

/** High-priority pieces have no deadline: they sort after every piece with a real one (a clock's ms), by their rank
 * (the order they are wanted in: a player's first piece, then the end of the file where an index lies, then the rest
 * of its start), as HIGH_DEADLINE + rank. */
const HIGH_DEADLINE = 2 ** 50;
const isHigh = (at: number | undefined): boolean => at !== undefined && at >= HIGH_DEADLINE;

export class Priorities {
  /** Pieces we want (not skipped) and lack. */
  readonly missing = new Set<number>();
  /** 1 for pieces we do not want (priority 'skip'): never fresh, not counted as needed. */
  private readonly unwanted: Uint8Array;
  /** Time-critical pieces (`setDeadline`, and 'high' priority without a time): index to deadline, ms. */
  private readonly deadlines = new Map<number, number>();
  /** `deadlines` ordered by deadline, rebuilt when it changes. */
  private deadlineOrder: number[] | undefined;

  constructor(
    private readonly geometry: BlockGeometry,
    private readonly have: VerifiedView,
    private readonly availability: Availability,
    private readonly ledger: RequestLedger,
    private readonly selector: PieceSelector,
    private readonly endgame: Endgame,
    private readonly peers: ReadonlyMap<string, PeerPieces & PeerSearch>,
    private readonly meter: WorkMeter,
  ) {
    this.unwanted = new Uint8Array(geometry.pieceCount);
  }

  /** Do we lack and want the piece? */
  needs(index: number): boolean {
    return !this.have.get(index) && this.unwanted[index] === 0;
  }

  isWanted(index: number): boolean {
    return this.unwanted[index] === 0;
  }

  hasDeadline(index: number): boolean {
    return this.deadlines.has(index);
  }

  get deadlineCount(): number {
    return this.deadlines.size;
  }

  /** The piece is verified: its deadline goes. */
  dropDeadline(index: number): void {
    if (this.deadlines.delete(index)) this.deadlineOrder = undefined;
  }

  /** Sets a piece's priority. 'skip' takes a piece we lack out of the picks and out of what makes a peer interesting
   * (a piece of which a block already arrived is finished); 'high' fetches it before other pieces, after those with a
   * deadline, lowest `rank` first (default: its index; a non-negative integer). */
  setPriority(index: number, priority: PiecePriority, rank = index): void {
    this.geometry.checkIndex(index);
    const skip = priority === 'skip';
    if (skip !== (this.unwanted[index] === 1)) this.setSkipped(index, skip);
    const at = this.deadlines.get(index);
    if (priority === 'high') {
      if (!Number.isSafeInteger(rank) || rank < 0) throw new RangeError(`bad rank ${rank}`);
      // A real deadline stays (it comes first); a high one takes its new rank.
      if (at === undefined || isHigh(at)) this.setDeadline(index, HIGH_DEADLINE + rank);
    } else if (isHigh(at)) this.setDeadline(index, undefined);
  }

  /** A piece skipped, or wanted again. */
  private setSkipped(index: number, skip: boolean): void {
    this.unwanted[index] = skip ? 1 : 0;
    if (!this.have.get(index)) this.changeWanted(index, !skip);
    // A piece skipped before any of its blocks arrived is not finished: its requests are dropped (a block still on
    // its way is tolerated), and it waits among the fresh pieces should it be wanted again.
    const piece = this.ledger.active.get(index);
    if (skip && piece && piece.received === 0 && !this.deadlines.has(index)) {
      this.ledger.drop(piece);
      this.ledger.unrequestedBlocks -= piece.unrequested;
    }
  }

  priority(index: number): PiecePriority {
    if (this.unwanted[index]) return 'skip';
    return isHigh(this.deadlines.get(index)) ? 'high' : 'normal';
  }

  private changeWanted(index: number, wanted: boolean): void {
    const { availability, ledger } = this;
    const fresh = availability.isFresh(index);
    if (wanted) {
      this.missing.add(index);
      if (!ledger.active.has(index)) {
        availability.addFresh(index);
        ledger.unrequestedBlocks += this.geometry.blockCount(index);
        availability.freshGeneration++;
        availability.rarityGeneration++;
      }
    } else {
      this.missing.delete(index);
      if (fresh) {
        availability.removeFresh(index);
        ledger.unrequestedBlocks -= this.geometry.blockCount(index);
      }
    }
    for (const state of this.peers.values()) {
      if (state.all || !state.has.get(index)) continue;
      state.needed += wanted ? 1 : -1;
      if (wanted) {
        state.candidates.push(index);
        state.exhaustedAt = -1;
      }
    }
  }

  /** Fetch the piece before others, by `at` (ms, the caller's clock): earliest deadline first, from any peer that has
   * it; once `at` has passed, blocks still on their way are asked of a second peer. `undefined` clears it. A deadline
   * on a skipped piece fetches it all the same. */
  setDeadline(index: number, at: number | undefined): void {
    this.geometry.checkIndex(index);
    if (at === undefined) {
      this.dropDeadline(index);
      return;
    }
    if (this.have.get(index)) return;
    this.deadlines.set(index, at);
    this.deadlineOrder = undefined;
  }

  /** Drops every deadline (a seek moves the window), keeping 'high' priorities. */
  clearDeadlines(): void {
    for (const [index, at] of this.deadlines) if (!isHigh(at)) this.deadlines.delete(index);
    this.deadlineOrder = undefined;
  }

  /** Time-critical pieces, earliest deadline first; one past its deadline may be asked twice. */
  deadlineRequests(batch: RequestBatch): void {
    const { ledger, selector } = this;
    this.deadlineOrder ??= [...this.deadlines.keys()].sort(
      (a, b) => this.deadlines.get(a)! - this.deadlines.get(b)! || a - b,
    );
    for (const index of this.deadlineOrder) {
      this.meter.work++;
      if (!batch.peerHas.get(index) || this.have.get(index)) continue;
      let piece = ledger.active.get(index);
      if (!piece) {
        // A skipped piece is not fresh: its blocks count as unrequested again.
        if (!this.availability.isFresh(index)) ledger.unrequestedBlocks += this.geometry.blockCount(index);
        piece = selector.activate(index);
      }
      if (piece.unrequested > 0) selector.takeBlocks(piece, batch);
      else if (batch.now >= this.deadlines.get(index)!) this.endgame.duplicateLate(piece, batch);
      if (batch.out.length >= batch.count) return;
    }
  }
}
