// The piece picker: block-level bookkeeping of what we have, want, and asked whom for, behind the small interface
// the downloader talks to (wishlist.ts). It ties together its parts:
// - availability.ts: what each peer has, and the fresh pieces (missing, nothing requested or received) in buckets
//   by availability;
// - request-ledger.ts: the active pieces (some blocks requested or received, or waiting for the hash check) block by
//   block, and per peer what is outstanding, asked and stale;
// - selection.ts and priorities.ts: which piece and block next (deadlines, then started pieces, then fresh ones);
// - endgame.ts: duplicates once everything is requested, and parole for pieces that failed.
import type { Bitfield } from '../../codec/bitfield';
import { Availability, newPeerPieces, type PeerPieces } from './availability';
import { BlockGeometry, type BlockRequest, type PeerBlockRequest, type WorkMeter } from './block-geometry';
import { Endgame, type PeerEndgame } from './endgame';
import { Priorities, type PiecePriority } from './priorities';
import {
  newPeerRequests,
  RequestLedger,
  type BlockReceipt,
  type PeerRequests,
  type RequestBatch,
} from './request-ledger';
import {
  forgetShortlist,
  newPeerSearch,
  PIECE_SELECTIONS,
  PieceSelector,
  type PeerSearch,
} from './selection';
import type { VerifiedView } from '../verify/verified-pieces';
import type { PickerOptions, RequestTimeout, Wishlist } from './wishlist';

/** Everything the picker's parts remember of one peer. */
type PickerPeer = PeerPieces & PeerRequests & PeerSearch & PeerEndgame;

/** The picker's options with their defaults, checked (RangeError). */
function checkedOptions(options: PickerOptions) {
  if (options.have.pieceCount !== options.pieceCount)
    throw new RangeError(`have has ${options.have.pieceCount} pieces, expected ${options.pieceCount}`);
  const randomFirstPieces = options.randomFirstPieces ?? 4;
  const endgameDuplicates = options.endgameDuplicates ?? 2;
  if (!Number.isInteger(randomFirstPieces) || randomFirstPieces < 0) {
    throw new RangeError(`invalid randomFirstPieces ${randomFirstPieces}`);
  }
  if (!Number.isInteger(endgameDuplicates) || endgameDuplicates < 1) {
    throw new RangeError(`invalid endgameDuplicates ${endgameDuplicates}`);
  }
  const selection = options.pieceSelection ?? 'rarest';
  if (!PIECE_SELECTIONS.includes(selection))
    throw new RangeError(`unknown piece selection ${String(selection)}`);
  return { randomFirstPieces, endgameDuplicates, selection };
}

export class PiecePicker implements Wishlist {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly totalLength: number;
  readonly blockSize: number;

  private readonly meter: WorkMeter = { work: 0 };
  private readonly geometry: BlockGeometry;
  private readonly have: VerifiedView;
  private readonly endgameWhenIdle: boolean;
  private readonly peers = new Map<string, PickerPeer>();
  private readonly availabilities: Availability;
  private readonly ledger: RequestLedger;
  private readonly endgame: Endgame;
  private readonly selector: PieceSelector;
  private readonly priorities: Priorities;

  constructor(options: PickerOptions) {
    const { pieceCount, pieceLength, totalLength, have, random } = options;
    const geometry = new BlockGeometry(pieceCount, pieceLength, totalLength, options.blockSize ?? 16384);
    const { randomFirstPieces, endgameDuplicates, selection } = checkedOptions(options);
    this.endgameWhenIdle = options.endgameWhenIdle ?? false;
    this.geometry = geometry;
    this.pieceCount = pieceCount;
    this.pieceLength = pieceLength;
    this.totalLength = totalLength;
    this.blockSize = geometry.blockSize;
    this.have = have;
    const { meter, peers } = this;
    this.availabilities = new Availability(geometry, random);
    this.ledger = new RequestLedger(
      geometry,
      peers,
      endgameDuplicates,
      options.askedLimit ?? Infinity,
      meter,
    );
    this.endgame = new Endgame(geometry, this.ledger, peers, endgameDuplicates, meter);
    this.selector = new PieceSelector(
      geometry,
      this.availabilities,
      this.ledger,
      this.endgame,
      { selection, randomFirstPieces, random, haveCount: () => have.count },
      meter,
    );
    this.priorities = new Priorities(
      geometry,
      have,
      this.availabilities,
      this.ledger,
      this.selector,
      this.endgame,
      peers,
      meter,
    );
    for (let i = 0; i < pieceCount; i++) {
      if (!have.get(i)) {
        this.priorities.missing.add(i);
        this.availabilities.addFresh(i);
        this.ledger.unrequestedBlocks += geometry.blockCount(i);
      }
    }
  }

  /** Units of search work done so far (pieces, blocks and bytes looked at); for tests and profiling. */
  get work(): number {
    return this.meter.work;
  }

  pieceSize(index: number): number {
    return this.geometry.pieceSize(index);
  }

  // ---- what peers have ----

  private peerRecord(peer: string): PickerPeer {
    let state = this.peers.get(peer);
    if (!state) {
      state = {
        ...newPeerPieces(this.pieceCount),
        ...newPeerRequests(),
        ...newPeerSearch(),
        thinScanAt: -1,
      };
      this.peers.set(peer, state);
    }
    return state;
  }

  /** Takes away what we knew the peer had (its availability), keeping its requests. */
  private forgetPieces(state: PickerPeer): void {
    forgetShortlist(state);
    this.availabilities.forget(state);
    state.exhaustedAt = -1;
    state.thinScanAt = -1;
  }

  /** Replaces what we knew of that peer. */
  peerBitfield(peer: string, bitfield: Bitfield): void {
    this.geometry.checkField(bitfield);
    const state = this.peerRecord(peer);
    this.forgetPieces(state);
    this.availabilities.addField(state, bitfield, (index) => this.priorities.needs(index));
  }

  /** The peer announced a piece; false if we already knew it has it. */
  peerHave(peer: string, index: number): boolean {
    this.geometry.checkIndex(index);
    const state = this.peerRecord(peer);
    if (!this.availabilities.addPiece(state, index, this.priorities.needs(index))) return false;
    state.thinScanAt = -1;
    if (this.availabilities.isFresh(index)) {
      state.exhaustedAt = -1;
      this.selector.offer(state, index);
    }
    return true;
  }

  peerHaveAll(peer: string): void {
    const state = this.peerRecord(peer);
    if (state.all) return;
    forgetShortlist(state);
    this.availabilities.addAll(state);
    state.exhaustedAt = -1;
    state.thinScanAt = -1;
  }

  /** Forget the peer, release its requests, return them. */
  peerGone(peer: string): BlockRequest[] {
    const state = this.peers.get(peer);
    if (!state) return [];
    this.forgetPieces(state);
    const released = this.ledger.releaseAll(peer, state, false);
    this.peers.delete(peer);
    return released;
  }

  /** How many pieces the peer told us it has (0 for a peer we know nothing of). */
  peerPieces(peer: string): number {
    const state = this.peers.get(peer);
    if (!state) return 0;
    return state.all ? this.pieceCount : state.count;
  }

  availability(index: number): number {
    this.geometry.checkIndex(index);
    return this.availabilities.availability(index);
  }

  /** Does the peer have any piece we still need (as reported through peerBitfield/peerHave/peerHaveAll)? O(1):
   * kept up to date by those and by pieceVerified. */
  isPeerInteresting(peer: string): boolean {
    const state = this.peers.get(peer);
    if (!state) return false;
    return state.all ? this.priorities.missing.size > 0 : state.needed > 0;
  }

  // ---- requests ----

  /** Up to `count` new block requests for this peer (among the pieces it reported through peerBitfield/peerHave/
   * peerHaveAll), marked as requested by it at `now`.
   * Priority: blocks of partly requested/downloaded pieces first, then the rarest pieces (ties at random), random
   * pieces while we have fewer than randomFirstPieces; in endgame (every missing block requested) duplicates of
   * blocks requested from others, at most endgameDuplicates askers per block, never twice to the same peer. */
  nextRequests(peer: string, count: number, now: number): BlockRequest[] {
    const out: BlockRequest[] = [];
    count = Math.floor(count);
    if (!(count >= 1) || this.complete) return out;
    const { ledger, selector } = this;
    const state = this.peerRecord(peer);
    const peerHas = this.availabilities.piecesOf(state);
    const batch: RequestBatch<PickerPeer> = { peer, state, peerHas, count, now, out };
    const idle = state.requests.size === 0;
    // 0. Time-critical pieces, earliest deadline first; one past its deadline may be asked twice.
    if (this.priorities.deadlineCount > 0) {
      this.priorities.deadlineRequests(batch);
      if (out.length >= count) return out;
    }
    // 1. Pieces already started.
    for (const index of ledger.open) {
      this.meter.work++;
      if (!peerHas.get(index)) continue;
      selector.takeBlocks(ledger.active.get(index)!, batch);
      if (out.length >= count) return out;
    }
    // 2. New pieces: random at first, then rarest first.
    while (out.length < count) {
      const index = selector.pickFresh(state, peerHas);
      if (index < 0) break;
      selector.takeBlocks(selector.activate(index), batch);
    }
    // 3. Endgame: duplicates of blocks already asked from others.
    if (out.length < count && ledger.unrequestedBlocks === 0) {
      if (!this.endgameWhenIdle) this.endgame.endgameRequests(batch);
      else if (idle && out.length === 0) this.endgame.endgameRequests({ ...batch, count: 1 });
    }
    return out;
  }

  /** See `RequestLedger.receive`. */
  receive(peer: string, index: number, begin: number, length: number): BlockReceipt | undefined {
    return this.ledger.receive(peer, index, begin, length);
  }

  /** See `RequestLedger.blockReceived`. */
  blockReceived(peer: string, index: number, begin: number, length: number): BlockReceipt {
    return this.ledger.blockReceived(peer, index, begin, length);
  }

  /** The peer choked us or rejected, or a seek: release its outstanding requests (they can go to others), but those
   * of pieces `keep` names. */
  releasePeer(peer: string, keep?: (index: number) => boolean): BlockRequest[] {
    const state = this.peers.get(peer);
    return state ? this.ledger.releaseAll(peer, state, true, keep) : [];
  }

  /** See `RequestLedger.release`. */
  release(peer: string, request: BlockRequest, avoidUntil?: number): boolean {
    return this.ledger.release(peer, request, avoidUntil);
  }

  /** See `RequestLedger.expire`. */
  expire(now: number, timeoutMs: RequestTimeout): PeerBlockRequest[] {
    return this.ledger.expire(now, timeoutMs);
  }

  /** Requests in flight to this peer. */
  outstanding(peer: string): number {
    return this.ledger.outstanding(peer);
  }

  // ---- verification ----

  /** The piece was recorded as verified (`VerifiedPieces.add`, just before): drops its bookkeeping. Requests still
   * out for it are forgotten (a late block is then a duplicate); telling it twice is a no-op. Returns the peers that
   * had something we needed and no longer have (isPeerInteresting turned false), in the order they first became
   * known. */
  pieceVerified(index: number): string[] {
    this.geometry.checkIndex(index);
    const { ledger, priorities } = this;
    const uninteresting: string[] = [];
    // A wanted piece is missing until told here; an unwanted one has nothing left to drop the second time.
    if (priorities.isWanted(index) && !priorities.missing.has(index)) return uninteresting;
    const piece = ledger.active.get(index);
    if (piece) {
      ledger.drop(piece);
      ledger.unrequestedBlocks -= piece.unrequested;
    } else if (this.availabilities.isFresh(index)) {
      this.availabilities.removeFresh(index);
      ledger.unrequestedBlocks -= this.geometry.blockCount(index);
    }
    const wanted = priorities.isWanted(index);
    this.endgame.parole.delete(index);
    priorities.dropDeadline(index);
    if (!wanted) return uninteresting; // nobody counted it as needed
    const { missing } = priorities;
    missing.delete(index);
    for (const [peer, state] of this.peers) {
      if (state.all) {
        if (missing.size === 0) uninteresting.push(peer);
      } else if (state.has.get(index) && --state.needed === 0) {
        uninteresting.push(peer);
      }
    }
    return uninteresting;
  }

  /** Hash mismatch: every block of it back to missing (and the piece back among the fresh ones). On `parole` it is
   * then fetched from one peer at a time until it verifies. */
  pieceFailed(index: number, parole = false): void {
    this.geometry.checkIndex(index);
    if (this.have.get(index)) throw new Error(`piece ${index} is already verified`);
    const { ledger, availabilities } = this;
    const piece = ledger.active.get(index);
    if (!piece) return;
    ledger.drop(piece);
    if (parole) this.endgame.parole.add(index);
    if (!this.priorities.isWanted(index) && !this.priorities.hasDeadline(index)) {
      ledger.unrequestedBlocks -= piece.unrequested; // skipped: it is not fetched again
      return;
    }
    ledger.unrequestedBlocks += piece.blocks - piece.unrequested;
    availabilities.addFresh(index);
    if (index < this.selector.sequentialFrom) this.selector.sequentialFrom = index;
    availabilities.freshGeneration++;
    availabilities.rarityGeneration++;
    for (const state of this.peers.values()) {
      if (!state.all && state.has.get(index)) state.candidates.push(index);
    }
  }

  /** Bad blocks of a piece whose every block arrived (its leaf hashes named them): only they are fetched again. */
  blocksFailed(index: number, blocks: readonly number[]): void {
    this.geometry.checkIndex(index);
    // A piece no longer wanted (its file skipped meanwhile) is dropped as a failed one is.
    if (!this.priorities.isWanted(index) && !this.priorities.hasDeadline(index))
      return this.pieceFailed(index);
    this.ledger.unreceive(index, blocks);
  }

  // ---- priorities and deadlines ----

  /** See `Priorities.setPriority`; returns the piece's priority before. */
  setPriority(index: number, priority: PiecePriority, rank?: number): PiecePriority {
    const before = this.priorities.priority(index);
    this.priorities.setPriority(index, priority, rank);
    return before;
  }

  priority(index: number): PiecePriority {
    return this.priorities.priority(index);
  }

  /** See `Priorities.setDeadline`. */
  setDeadline(index: number, at: number | undefined): void {
    this.priorities.setDeadline(index, at);
  }

  /** Drops every deadline (a seek moves the window), keeping 'high' priorities. */
  clearDeadlines(): void {
    this.priorities.clearDeadlines();
  }

  /** Pieces we want (not skipped) and lack. */
  get wantedMissing(): number {
    return this.priorities.missing.size;
  }

  inEndgame(): boolean {
    return !this.complete && this.ledger.unrequestedBlocks === 0;
  }

  get complete(): boolean {
    return this.have.complete;
  }

  /** Verified pieces. */
  get haveCount(): number {
    return this.have.count;
  }
}
