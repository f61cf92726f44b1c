// Block-level bookkeeping of what we have, want, and asked whom for.
//
// Pieces are in one of three states: fresh (missing, nothing requested or received), active (some blocks requested
// or received, or waiting for its hash check), or had (verified). Fresh pieces sit in buckets by availability (one
// array per count of non-seed peers that have the piece, in random order, with each piece's position kept so that
// moving a piece between buckets is O(1)); peers that have everything are a single counter added on top. Active
// pieces with unrequested blocks form the "open" set, which every pick serves first (strict priority).
//
// A new piece for a peer that is not a seed: first a short walk up the buckets from the rarest (exact, and quick for a
// peer that has much); failing that, the peer's shortlist: the K rarest of its fresh pieces, chosen in one pass over
// the peer's own list of candidate pieces (which drops pieces that stopped being fresh) and used for the next K picks.
// A shortlist is exact when built and thrown away when pieces become rarer (a departure, a failed piece) or when the
// peer announces a piece rarer than its shortlist; pieces on it that other peers announce meanwhile keep their place.
import { Bitfield } from '../bitfield';
import type { Wishlist } from './wishlist';

export interface BlockRequest {
  index: number;
  begin: number;
  length: number;
}

export type PeerBlockRequest = { peer: string } & BlockRequest;

export interface PickerOptions {
  pieceCount: number;
  pieceLength: number;
  totalLength: number;
  /** Verified pieces (the picker never requests these); the picker may keep a reference. */
  have: Bitfield;
  random: () => number;
  /** Default 4: pick at random (among available) until we have this many pieces. */
  randomFirstPieces?: number;
  /** Default 2: at most this many peers asked for the same block in endgame. */
  endgameDuplicates?: number;
  /** Endgame duplicates only for a peer with nothing else outstanding, one block at a time (libtorrent's rule), so
   * that blocks are not sent twice while every peer is still busy. Default false: a peer fills its whole pipeline
   * with duplicates. */
  endgameWhenIdle?: boolean;
  /** Default 16384. */
  blockSize?: number;
  /** Per peer, how many of the requests we sent it are remembered for `takeAsked` (oldest forgotten first).
   * Default: no bound. */
  askedLimit?: number;
  /** How fresh pieces are chosen. 'rarest' (default): random for the first randomFirstPieces, then rarest first;
   * 'random': uniformly random among the fresh pieces the peer has; 'sequential': the lowest index first (streaming). */
  pieceSelection?: PieceSelection;
}

export type PieceSelection = 'rarest' | 'random' | 'sequential';

/** A piece's priority: 'skip' pieces are not fetched (unless a deadline asks for them), 'high' ones before the rest. */
export type PiecePriority = 'skip' | 'normal' | 'high';

/** No deadline, for high-priority pieces (they come after every piece with a real deadline). */
const NO_DEADLINE = Number.POSITIVE_INFINITY;

export const PIECE_SELECTIONS: readonly PieceSelection[] = ['rarest', 'random', 'sequential'];

export interface BlockReceipt {
  expected: boolean;
  duplicate: boolean;
  cancels: PeerBlockRequest[];
  pieceComplete: boolean;
}

const UNREQUESTED = 0;
const REQUESTED = 1;
const RECEIVED = 2;
/** Per peer, how many no-longer-outstanding requests we remember so that a late arrival is not taken for abuse. */
const STALE_LIMIT = 1024;
/** Random probes before a random-first pick falls back to a scan. */
const RANDOM_PROBES = 16;
/** Bucket entries a pick looks at before it turns to the peer's shortlist: per peer, halved after a walk that found
 * nothing and doubled after one that did, within these bounds. */
const BUCKET_WALK = 64;
const BUCKET_WALK_MIN = 4;
/** Smallest shortlist; larger candidate lists get a shortlist of 1/SHORTLIST_SHARE of their length. */
const SHORTLIST_MIN = 32;
const SHORTLIST_SHARE = 32;

interface ActivePiece {
  readonly index: number;
  readonly blocks: number;
  readonly state: Uint8Array;
  /** Per block, the peers it is requested from (several only in endgame). */
  readonly askers: Array<string[] | undefined>;
  /** Per block, a peer the block timed out with, which should not get it again before `until`. */
  avoid: Map<number, { peer: string; until: number }> | undefined;
  unrequested: number;
  received: number;
  /** No unrequested block below this one. */
  cursor: number;
  /** A piece on parole (see `pieceFailed`): the one peer it is being fetched from. */
  owner?: string;
}

interface PeerState {
  readonly has: Bitfield;
  all: boolean;
  /** Pieces it has (when not `all`). */
  count: number;
  /** Pieces it has that we lack (when not `all`). */
  needed: number;
  /** Outstanding requests: block key to the time asked, oldest first. */
  readonly requests: Map<number, number>;
  /** Requests no longer outstanding (released, expired, cancelled, answered): a late arrival is tolerated. */
  readonly stale: Set<number>;
  /** Every request we sent it and whose block has not arrived (block key to length), in request order, bounded by
   * `askedLimit`: a block not in here is one nobody asked it for. */
  readonly asked: Map<number, number>;
  /** `freshGeneration` when a search found no fresh piece for this peer (nothing to search until it changes). */
  exhaustedAt: number;
  /** Pieces it has that were fresh when added (pruned lazily); not kept for seeds. */
  readonly candidates: number[];
  /** Its rarest candidates, rarest first, and the next one to use. */
  shortlist: number[];
  shortlistNext: number;
  /** Availability of the last shortlist entry when built. */
  shortlistMax: number;
  /** `rarityGeneration` when the shortlist was built (-1: none). */
  shortlistAt: number;
  /** Current length of its bucket walk. */
  walk: number;
  /** `thinGeneration` when an endgame search found nothing more for this peer. */
  thinScanAt: number;
}

const UNEXPECTED: BlockReceipt = { expected: false, duplicate: false, cancels: [], pieceComplete: false };

export class PiecePicker implements Wishlist {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly totalLength: number;
  readonly blockSize: number;
  /** Units of search work done so far (pieces, blocks and bytes looked at); for tests and profiling. */
  work = 0;

  private readonly have: Bitfield;
  private verified: number;
  private readonly missing = new Set<number>();
  private readonly random: () => number;
  private readonly randomFirstPieces: number;
  private readonly endgameDuplicates: number;
  private readonly endgameWhenIdle: boolean;
  private readonly askedLimit: number;
  /** What a peer that has everything has (built on first use). */
  private fullField: Bitfield | undefined;
  private readonly selection: PieceSelection;
  /** Sequential selection: no fresh piece below this index. */
  private sequentialFrom = 0;
  private readonly blocksPerPiece: number;
  private readonly lastPieceLength: number;
  /** Non-seed peers that have each piece. */
  private readonly avail: Int32Array;
  private seeds = 0;
  private readonly buckets: number[][] = [[]];
  /** Pieces in the buckets. */
  private freshCount = 0;
  /** Position of a fresh piece in its bucket, -1 when not fresh. */
  private readonly pos: Int32Array;
  private readonly active = new Map<number, ActivePiece>();
  private readonly open = new Set<number>();
  /** 1 for pieces we do not want (priority 'skip'): never fresh, not counted as needed. */
  private readonly unwanted: Uint8Array;
  /** Time-critical pieces (`setDeadline`, and 'high' priority without a time): index to deadline, ms. */
  private readonly deadlines = new Map<number, number>();
  /** `deadlines` ordered by deadline, rebuilt when it changes. */
  private deadlineOrder: number[] | undefined;
  /** Pieces that failed with blocks from several peers: fetched again from one peer at a time, so that a second
   * failure names its sender and a success gives good blocks to compare the failed ones with (smart ban). */
  private readonly parole = new Set<number>();
  private readonly peers = new Map<string, PeerState>();
  /** Blocks of missing pieces that are neither requested nor received. */
  private unrequestedBlocks = 0;
  /** Bumped whenever a piece becomes fresh again (a failed hash check). */
  private freshGeneration = 0;
  /** Bumped whenever pieces may have become rarer (departures, replaced bitfields, failed pieces). */
  private rarityGeneration = 0;
  /** Requested, unreceived blocks with fewer than endgameDuplicates askers (the endgame's candidates), by key. */
  private readonly thin = new Set<number>();
  /** Bumped whenever a block joins `thin`. */
  private thinGeneration = 0;

  constructor(options: PickerOptions) {
    const { pieceCount, pieceLength, totalLength, have } = options;
    const blockSize = options.blockSize ?? 16384;
    if (!Number.isInteger(pieceCount) || pieceCount < 0)
      throw new RangeError(`invalid piece count ${pieceCount}`);
    if (!Number.isInteger(pieceLength) || pieceLength <= 0)
      throw new RangeError(`invalid piece length ${pieceLength}`);
    if (!Number.isInteger(blockSize) || blockSize <= 0)
      throw new RangeError(`invalid block size ${blockSize}`);
    if (
      !Number.isSafeInteger(totalLength) ||
      totalLength < 0 ||
      totalLength > pieceCount * pieceLength ||
      (pieceCount > 0 && totalLength <= (pieceCount - 1) * pieceLength) ||
      (pieceCount === 0 && totalLength !== 0)
    ) {
      throw new RangeError(`total length ${totalLength} does not fit ${pieceCount} pieces of ${pieceLength}`);
    }
    if (have.length !== pieceCount)
      throw new RangeError(`have has ${have.length} bits, expected ${pieceCount}`);
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
    this.selection = selection;
    this.endgameWhenIdle = options.endgameWhenIdle ?? false;
    this.askedLimit = options.askedLimit ?? Infinity;
    this.pieceCount = pieceCount;
    this.pieceLength = pieceLength;
    this.totalLength = totalLength;
    this.blockSize = blockSize;
    this.have = have;
    this.random = options.random;
    this.randomFirstPieces = randomFirstPieces;
    this.endgameDuplicates = endgameDuplicates;
    this.blocksPerPiece = Math.ceil(pieceLength / blockSize);
    this.lastPieceLength = pieceCount === 0 ? 0 : totalLength - (pieceCount - 1) * pieceLength;
    this.avail = new Int32Array(pieceCount);
    this.pos = new Int32Array(pieceCount).fill(-1);
    this.unwanted = new Uint8Array(pieceCount);
    this.verified = 0;
    for (let i = 0; i < pieceCount; i++) {
      if (have.get(i)) {
        this.verified++;
      } else {
        this.missing.add(i);
        this.bucketAdd(i);
        this.unrequestedBlocks += this.blockCount(i);
      }
    }
  }

  // ---- geometry ----

  pieceSize(index: number): number {
    return index === this.pieceCount - 1 ? this.lastPieceLength : this.pieceLength;
  }

  blockCount(index: number): number {
    return Math.ceil(this.pieceSize(index) / this.blockSize);
  }

  private blockLength(index: number, block: number): number {
    return Math.min(this.blockSize, this.pieceSize(index) - block * this.blockSize);
  }

  private key(index: number, block: number): number {
    return index * this.blocksPerPiece + block;
  }

  private request(key: number): BlockRequest {
    const index = Math.floor(key / this.blocksPerPiece);
    const block = key - index * this.blocksPerPiece;
    return { index, begin: block * this.blockSize, length: this.blockLength(index, block) };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw new RangeError(`piece ${index} is outside a torrent of ${this.pieceCount} pieces`);
    }
  }

  private checkField(field: Bitfield): void {
    if (field.length !== this.pieceCount) {
      throw new RangeError(`bitfield of ${field.length} pieces for a torrent of ${this.pieceCount}`);
    }
  }

  // ---- availability ----

  private bucketAdd(index: number): void {
    const a = this.avail[index];
    while (this.buckets.length <= a) this.buckets.push([]);
    const bucket = this.buckets[a];
    this.freshCount++;
    // Insert at a uniformly random position (the displaced piece goes to the end), keeping the bucket shuffled.
    const at = Math.floor(this.random() * (bucket.length + 1));
    if (at >= bucket.length) {
      this.pos[index] = bucket.length;
      bucket.push(index);
    } else {
      const displaced = bucket[at];
      this.pos[displaced] = bucket.length;
      bucket.push(displaced);
      bucket[at] = index;
      this.pos[index] = at;
    }
  }

  private bucketRemove(index: number): void {
    const bucket = this.buckets[this.avail[index]];
    const at = this.pos[index];
    const last = bucket.pop()!;
    this.freshCount--;
    if (last !== index) {
      bucket[at] = last;
      this.pos[last] = at;
    }
    this.pos[index] = -1;
  }

  private changeAvailability(index: number, delta: number): void {
    const fresh = this.pos[index] >= 0;
    if (fresh) this.bucketRemove(index);
    this.avail[index] += delta;
    if (fresh) this.bucketAdd(index);
  }

  private peerState(peer: string): PeerState {
    let state = this.peers.get(peer);
    if (!state) {
      state = {
        has: new Bitfield(this.pieceCount),
        all: false,
        count: 0,
        needed: 0,
        requests: new Map(),
        stale: new Set(),
        asked: new Map(),
        exhaustedAt: -1,
        candidates: [],
        shortlist: [],
        shortlistNext: 0,
        shortlistMax: 0,
        shortlistAt: -1,
        walk: BUCKET_WALK,
        thinScanAt: -1,
      };
      this.peers.set(peer, state);
    }
    return state;
  }

  /** Takes away what we knew the peer had (its availability), keeping its requests. */
  private forgetPieces(state: PeerState): void {
    state.candidates.length = 0;
    state.shortlist = [];
    state.shortlistAt = -1;
    if (state.all || state.count > 0) this.rarityGeneration++;
    if (state.all) {
      this.seeds--;
      state.all = false;
    } else if (state.count > 0) {
      const bytes = state.has.bytes;
      for (let j = 0; j < bytes.length; j++) {
        const byte = bytes[j];
        if (byte === 0) continue;
        for (let bit = 0; bit < 8; bit++) {
          if (byte & (0x80 >> bit)) this.changeAvailability(j * 8 + bit, -1);
        }
        bytes[j] = 0;
      }
    }
    state.count = 0;
    state.needed = 0;
    state.exhaustedAt = -1;
    state.thinScanAt = -1;
  }

  /** Replaces what we knew of that peer. */
  peerBitfield(peer: string, bitfield: Bitfield): void {
    this.checkField(bitfield);
    const state = this.peerState(peer);
    this.forgetPieces(state);
    const bytes = bitfield.bytes;
    for (let j = 0; j < bytes.length; j++) {
      const byte = bytes[j];
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        const index = j * 8 + bit;
        if (byte & (0x80 >> bit) && index < this.pieceCount) {
          state.has.set(index);
          state.count++;
          if (this.needs(index)) state.needed++;
          this.changeAvailability(index, 1);
          if (this.pos[index] >= 0) state.candidates.push(index);
        }
      }
    }
  }

  /** The peer announced a piece; false if we already knew it has it. */
  peerHave(peer: string, index: number): boolean {
    this.checkIndex(index);
    const state = this.peerState(peer);
    if (state.all || state.has.get(index)) return false;
    state.thinScanAt = -1;
    state.has.set(index);
    state.count++;
    if (this.needs(index)) state.needed++;
    this.changeAvailability(index, 1);
    if (this.pos[index] >= 0) {
      state.exhaustedAt = -1;
      state.candidates.push(index);
      if (state.shortlistAt === this.rarityGeneration && this.avail[index] < state.shortlistMax) {
        this.shortlistInsert(state, index);
      }
    }
    return true;
  }

  peerHaveAll(peer: string): void {
    const state = this.peerState(peer);
    if (state.all) return;
    this.forgetPieces(state);
    state.all = true;
    this.seeds++;
  }

  /** Forget the peer, release its requests, return them. */
  peerGone(peer: string): BlockRequest[] {
    const state = this.peers.get(peer);
    if (!state) return [];
    this.forgetPieces(state);
    const released = this.releaseAll(peer, state, false);
    this.peers.delete(peer);
    return released;
  }

  /** How many pieces the peer told us it has (0 for a peer we know nothing of). */
  peerPieces(peer: string): number {
    const state = this.peers.get(peer);
    if (!state) return 0;
    return state.all ? this.pieceCount : state.count;
  }

  /** What the peer has, as its pieces were reported. */
  private piecesOf(state: PeerState): Bitfield {
    if (!state.all) return state.has;
    return (this.fullField ??= Bitfield.full(this.pieceCount));
  }

  availability(index: number): number {
    this.checkIndex(index);
    return this.avail[index] + this.seeds;
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
    const state = this.peerState(peer);
    const peerHas = this.piecesOf(state);
    const idle = state.requests.size === 0;
    // 0. Time-critical pieces, earliest deadline first; one past its deadline may be asked twice.
    if (this.deadlines.size > 0) {
      this.deadlineRequests(peer, state, peerHas, count, now, out);
      if (out.length >= count) return out;
    }
    // 1. Pieces already started.
    for (const index of this.open) {
      this.work++;
      if (!peerHas.get(index)) continue;
      this.takeBlocks(this.active.get(index)!, peer, state, count, now, out);
      if (out.length >= count) return out;
    }
    // 2. New pieces: random at first, then rarest first.
    while (out.length < count) {
      const index = this.pickFresh(state, peerHas);
      if (index < 0) break;
      this.takeBlocks(this.activate(index), peer, state, count, now, out);
    }
    // 3. Endgame: duplicates of blocks already asked from others.
    if (out.length < count && this.unrequestedBlocks === 0) {
      if (!this.endgameWhenIdle) this.endgameRequests(peer, state, peerHas, count, now, out);
      else if (idle && out.length === 0) this.endgameRequests(peer, state, peerHas, 1, now, out);
    }
    return out;
  }

  private deadlineRequests(
    peer: string,
    state: PeerState,
    peerHas: Bitfield,
    count: number,
    now: number,
    out: BlockRequest[],
  ): void {
    this.deadlineOrder ??= [...this.deadlines.keys()].sort(
      (a, b) => this.deadlines.get(a)! - this.deadlines.get(b)! || a - b,
    );
    for (const index of this.deadlineOrder) {
      this.work++;
      if (!peerHas.get(index) || this.have.get(index)) continue;
      let piece = this.active.get(index);
      if (!piece) {
        // A skipped piece is not fresh: its blocks count as unrequested again.
        if (this.pos[index] < 0) this.unrequestedBlocks += this.blockCount(index);
        piece = this.activate(index);
      }
      if (piece.unrequested > 0) this.takeBlocks(piece, peer, state, count, now, out);
      else if (now >= this.deadlines.get(index)!) this.duplicateLate(piece, peer, state, count, now, out);
      if (out.length >= count) return;
    }
  }

  /** A piece past its deadline: its blocks still on their way may also be asked of this peer (once more each). */
  private duplicateLate(
    piece: ActivePiece,
    peer: string,
    state: PeerState,
    count: number,
    now: number,
    out: BlockRequest[],
  ): void {
    if (this.parole.has(piece.index)) return;
    for (let block = 0; block < piece.blocks && out.length < count; block++) {
      const askers = piece.askers[block];
      if (piece.state[block] !== REQUESTED || !askers || askers.includes(peer)) continue;
      if (askers.length >= Math.max(2, this.endgameDuplicates)) continue;
      this.ask(piece, block, peer, state, now, out);
    }
  }

  private activate(index: number): ActivePiece {
    if (this.pos[index] >= 0) this.bucketRemove(index);
    const blocks = this.blockCount(index);
    const piece: ActivePiece = {
      index,
      blocks,
      state: new Uint8Array(blocks),
      askers: new Array<string[] | undefined>(blocks),
      avoid: undefined,
      unrequested: blocks,
      received: 0,
      cursor: 0,
    };
    this.active.set(index, piece);
    this.open.add(index);
    return piece;
  }

  private takeBlocks(
    piece: ActivePiece,
    peer: string,
    state: PeerState,
    count: number,
    now: number,
    out: BlockRequest[],
  ): void {
    if (this.parole.has(piece.index)) {
      if (piece.owner !== undefined && piece.owner !== peer && this.holdsParole(piece, piece.owner)) return;
      piece.owner = peer;
    }
    let contiguous = true;
    for (let block = piece.cursor; block < piece.blocks && out.length < count; block++) {
      this.work++;
      if (piece.state[block] !== UNREQUESTED) {
        if (contiguous) piece.cursor = block + 1;
        continue;
      }
      const avoid = piece.avoid?.get(block);
      if (avoid && avoid.peer === peer && now < avoid.until) {
        contiguous = false;
        continue;
      }
      piece.avoid?.delete(block);
      this.ask(piece, block, peer, state, now, out);
      if (contiguous) piece.cursor = block + 1;
    }
    if (piece.unrequested === 0) this.open.delete(piece.index);
  }

  /** Is the owner of a piece on parole still at it: connected, and asked for some of it or sent some? */
  private holdsParole(piece: ActivePiece, owner: string): boolean {
    if (!this.peers.has(owner)) return false;
    if (piece.received > 0) return true;
    return piece.askers.some((askers) => askers?.includes(owner));
  }

  private ask(
    piece: ActivePiece,
    block: number,
    peer: string,
    state: PeerState,
    now: number,
    out: BlockRequest[],
  ) {
    if (piece.state[block] === UNREQUESTED) {
      piece.state[block] = REQUESTED;
      piece.unrequested--;
      this.unrequestedBlocks--;
    }
    const key = this.key(piece.index, block);
    let askers = piece.askers[block];
    if (askers) askers.push(peer);
    else askers = piece.askers[block] = [peer];
    if (askers.length < this.endgameDuplicates) this.addThin(key);
    else this.thin.delete(key);
    state.requests.set(key, now);
    state.stale.delete(key);
    state.asked.set(key, this.blockLength(piece.index, block));
    if (state.asked.size > this.askedLimit) state.asked.delete(state.asked.keys().next().value!);
    out.push({
      index: piece.index,
      begin: block * this.blockSize,
      length: this.blockLength(piece.index, block),
    });
  }

  /** A fresh piece the peer has, or -1. */
  private pickFresh(state: PeerState, peerHas: Bitfield): number {
    if (state.exhaustedAt === this.freshGeneration) return -1;
    const index =
      this.selection === 'sequential'
        ? this.pickSequential(peerHas)
        : this.selection === 'random' || this.verified < this.randomFirstPieces
          ? this.pickRandom(state, peerHas)
          : this.pickRarest(state, peerHas);
    if (index < 0) state.exhaustedAt = this.freshGeneration;
    return index;
  }

  /** The lowest-indexed fresh piece the peer has. */
  private pickSequential(peerHas: Bitfield): number {
    while (this.sequentialFrom < this.pieceCount && this.pos[this.sequentialFrom] < 0) {
      this.work++;
      this.sequentialFrom++;
    }
    for (let index = this.sequentialFrom; index < this.pieceCount; index++) {
      this.work++;
      if (this.pos[index] >= 0 && peerHas.get(index)) return index;
    }
    return -1;
  }

  private pickRandom(state: PeerState, peerHas: Bitfield): number {
    if (!state.all && state.count > 0) {
      // A random candidate of the peer's own list, dropping stale entries as they turn up.
      const list = state.candidates;
      while (list.length > 0) {
        this.work++;
        const at = Math.floor(this.random() * list.length);
        const index = list[at];
        if (this.pos[index] >= 0 && peerHas.get(index)) return index;
        list[at] = list[list.length - 1];
        list.pop();
      }
      return -1;
    }
    for (let probe = 0; probe < RANDOM_PROBES; probe++) {
      this.work++;
      const index = Math.floor(this.random() * this.pieceCount);
      if (this.pos[index] >= 0 && peerHas.get(index)) return index;
    }
    return this.scanBits(peerHas, false);
  }

  private pickRarest(state: PeerState, peerHas: Bitfield): number {
    if (state.all) {
      // A seed has every fresh piece: the first of the lowest bucket.
      for (const bucket of this.buckets) {
        this.work++;
        if (bucket.length > 0 && peerHas.get(bucket[0])) return bucket[0];
        if (bucket.length > 0) break;
      }
      return this.scanBits(peerHas, true);
    }
    if (state.count === 0) return this.scanBits(peerHas, true); // nothing reported: trust `peerHas`
    // A peer that is not a seed counts in the availability of all its pieces, so it has nothing in bucket 0.
    // The walk is worth it when about one bucket entry in BUCKET_WALK is the peer's.
    if (state.candidates.length * BUCKET_WALK >= this.freshCount) {
      let walk = state.walk;
      for (let a = 1; a < this.buckets.length && walk > 0; a++) {
        const bucket = this.buckets[a];
        for (let k = 0; k < bucket.length && walk > 0; k++, walk--) {
          this.work++;
          if (peerHas.get(bucket[k])) {
            state.walk = Math.min(BUCKET_WALK, state.walk * 2);
            return bucket[k];
          }
        }
      }
      if (walk === 0) state.walk = Math.max(BUCKET_WALK_MIN, state.walk >> 1);
    }
    return this.fromShortlist(state, peerHas);
  }

  private fromShortlist(state: PeerState, peerHas: Bitfield): number {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (state.shortlistAt !== this.rarityGeneration || attempt > 0) {
        if (!this.buildShortlist(state)) return -1;
      }
      while (state.shortlistNext < state.shortlist.length) {
        this.work++;
        const index = state.shortlist[state.shortlistNext++];
        if (this.pos[index] >= 0 && peerHas.get(index)) return index;
      }
    }
    return -1;
  }

  /** Puts a piece the peer just announced into the unused part of its shortlist, keeping it rarest first. */
  private shortlistInsert(state: PeerState, index: number): void {
    const list = state.shortlist;
    const a = this.avail[index];
    let at = list.length;
    while (at > state.shortlistNext && this.avail[list[at - 1]] > a) {
      this.work++;
      at--;
    }
    list.splice(at, 0, index);
  }

  /** Drops the peer's stale candidates and shortlists the rarest of the rest (ties in random order). */
  private buildShortlist(state: PeerState): boolean {
    const list = state.candidates;
    const counts = new Int32Array(this.buckets.length);
    let live = 0;
    for (let k = 0; k < list.length; k++) {
      this.work++;
      const index = list[k];
      if (this.pos[index] < 0) continue;
      list[live++] = index;
      counts[this.avail[index]]++;
    }
    list.length = live;
    state.shortlistAt = this.rarityGeneration;
    state.shortlistNext = 0;
    state.shortlist = [];
    if (live === 0) return false;
    const size = Math.max(SHORTLIST_MIN, Math.ceil(live / SHORTLIST_SHARE));
    // The availability below which everything fits, and how many of the threshold level also fit.
    let threshold = 0;
    let below = 0;
    while (threshold < counts.length - 1 && below + counts[threshold] < size) below += counts[threshold++];
    const byLevel: number[][] = [];
    let atThreshold = 0;
    for (const index of list) {
      this.work++;
      const a = this.avail[index];
      if (a < threshold) (byLevel[a] ??= []).push(index);
      else if (a === threshold) {
        // Reservoir sampling keeps a uniform random subset of the threshold level.
        const level = (byLevel[a] ??= []);
        atThreshold++;
        if (level.length < size - below) level.push(index);
        else {
          const at = Math.floor(this.random() * atThreshold);
          if (at < level.length) level[at] = index;
        }
      }
    }
    for (const level of byLevel) {
      if (!level) continue;
      for (let k = level.length - 1; k > 0; k--) {
        const j = Math.floor(this.random() * (k + 1));
        [level[k], level[j]] = [level[j], level[k]];
      }
      state.shortlist.push(...level);
    }
    state.shortlistMax = threshold;
    return true;
  }

  /** One pass over the peer's bitfield: a uniformly random fresh piece it has, among the rarest when `rarest`. */
  private scanBits(peerHas: Bitfield, rarest: boolean): number {
    const bytes = peerHas.bytes;
    let best = -1;
    let bestAvail = Infinity;
    let ties = 0;
    for (let j = 0; j < bytes.length; j++) {
      this.work++;
      const byte = bytes[j];
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((byte & (0x80 >> bit)) === 0) continue;
        const index = j * 8 + bit;
        if (index >= this.pieceCount || this.pos[index] < 0) continue;
        const a = rarest ? this.avail[index] : 0;
        if (a < bestAvail) {
          best = index;
          bestAvail = a;
          ties = 1;
        } else if (a === bestAvail && this.random() * ++ties < 1) {
          best = index;
        }
      }
    }
    return best;
  }

  private endgameRequests(
    peer: string,
    state: PeerState,
    peerHas: Bitfield,
    count: number,
    now: number,
    out: BlockRequest[],
  ): void {
    if (state.thinScanAt === this.thinGeneration) return;
    for (const key of this.thin) {
      this.work++;
      const index = Math.floor(key / this.blocksPerPiece);
      const block = key - index * this.blocksPerPiece;
      if (!peerHas.get(index) || this.active.get(index)!.askers[block]!.includes(peer)) continue;
      if (this.parole.has(index) && this.active.get(index)!.owner !== peer) continue;
      this.ask(this.active.get(index)!, block, peer, state, now, out);
      if (out.length >= count) return;
    }
    state.thinScanAt = this.thinGeneration;
  }

  private addThin(key: number): void {
    if (this.thin.has(key)) return;
    this.thin.add(key);
    this.thinGeneration++;
  }

  /** A block arrived from the peer: true if we sent it a request for exactly that block whose answer had not arrived
   * yet (within `askedLimit`), which is then forgotten. Independent of blockReceived: a block released since (choke,
   * reject, timeout, verified piece) still counts as asked. */
  takeAsked(peer: string, index: number, begin: number, length: number): boolean {
    const state = this.peers.get(peer);
    if (!state || !Number.isInteger(index) || index < 0 || index >= this.pieceCount) return false;
    if (!Number.isInteger(begin) || begin < 0 || begin % this.blockSize !== 0) return false;
    const block = begin / this.blockSize;
    if (block >= this.blockCount(index)) return false;
    const key = this.key(index, block);
    if (state.asked.get(key) !== length) return false;
    state.asked.delete(key);
    return true;
  }

  /** A block arrived. `expected` is false if nobody asked this peer for it (the session closes the peer then).
   * `cancels` lists the other peers that were asked for the same block (endgame) so the session sends them `cancel`.
   * `pieceComplete` is true when every block of that piece has now arrived (the session hashes it). Duplicate arrival of
   * an already received block is expected:true but duplicate:true and changes nothing.
   * A block we asked this peer for but had since released (choke, timeout) or cancelled is still welcome: it counts
   * if that block is still missing, otherwise it is a duplicate. */
  blockReceived(peer: string, index: number, begin: number, length: number): BlockReceipt {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return UNEXPECTED;
    if (!Number.isInteger(begin) || begin < 0 || begin % this.blockSize !== 0) return UNEXPECTED;
    const block = begin / this.blockSize;
    if (block >= this.blockCount(index) || length !== this.blockLength(index, block)) return UNEXPECTED;
    const state = this.peers.get(peer);
    if (!state) return UNEXPECTED;
    const key = this.key(index, block);
    const piece = this.active.get(index);
    if (state.requests.has(key)) {
      state.requests.delete(key);
    } else if (state.stale.has(key)) {
      state.stale.delete(key);
      if (!piece || piece.state[block] === RECEIVED)
        return { ...UNEXPECTED, expected: true, duplicate: true };
    } else {
      return UNEXPECTED;
    }
    this.rememberStale(state, key);
    if (!piece || piece.state[block] === RECEIVED) return { ...UNEXPECTED, expected: true, duplicate: true };
    const cancels: PeerBlockRequest[] = [];
    const askers = piece.askers[block];
    if (askers) {
      for (const other of askers) {
        if (other === peer) continue;
        const otherState = this.peers.get(other)!;
        otherState.requests.delete(key);
        this.rememberStale(otherState, key);
        cancels.push({ peer: other, ...this.request(key) });
      }
      piece.askers[block] = undefined;
    }
    this.thin.delete(key);
    if (piece.state[block] === UNREQUESTED) {
      piece.unrequested--;
      this.unrequestedBlocks--;
      if (piece.unrequested === 0) this.open.delete(index);
    }
    piece.state[block] = RECEIVED;
    piece.received++;
    return { expected: true, duplicate: false, cancels, pieceComplete: piece.received === piece.blocks };
  }

  private rememberStale(state: PeerState, key: number): void {
    state.stale.add(key);
    if (state.stale.size > STALE_LIMIT) state.stale.delete(state.stale.values().next().value!);
  }

  /** Takes `peer` off a block's askers; the block is unrequested again when nobody else has it. */
  private unask(key: number, peer: string): void {
    const index = Math.floor(key / this.blocksPerPiece);
    const block = key - index * this.blocksPerPiece;
    const piece = this.active.get(index);
    if (!piece) return;
    const askers = piece.askers[block];
    if (!askers) return;
    const at = askers.indexOf(peer);
    if (at < 0) return;
    askers.splice(at, 1);
    if (askers.length > 0) {
      if (piece.state[block] === REQUESTED) this.addThin(key);
      return;
    }
    this.thin.delete(key);
    piece.askers[block] = undefined;
    if (piece.state[block] === REQUESTED) {
      piece.state[block] = UNREQUESTED;
      piece.unrequested++;
      this.unrequestedBlocks++;
      if (block < piece.cursor) piece.cursor = block;
      this.open.add(index);
    }
  }

  private releaseAll(peer: string, state: PeerState, stale: boolean): BlockRequest[] {
    const released: BlockRequest[] = [];
    for (const key of state.requests.keys()) {
      this.unask(key, peer);
      if (stale) this.rememberStale(state, key);
      released.push(this.request(key));
    }
    state.requests.clear();
    return released;
  }

  /** The peer choked us or rejected: release its outstanding requests (they can go to others). */
  releasePeer(peer: string): BlockRequest[] {
    const state = this.peers.get(peer);
    return state ? this.releaseAll(peer, state, true) : [];
  }

  /** Releases one request (e.g. the peer rejected it); true if it was outstanding. Unknown requests are ignored.
   * With `avoidUntil`, that peer is not given the block again before then unless nobody else can take it. */
  release(peer: string, request: BlockRequest, avoidUntil?: number): boolean {
    const state = this.peers.get(peer);
    if (!state || !Number.isInteger(request.index) || request.index < 0 || request.index >= this.pieceCount)
      return false;
    if (!Number.isInteger(request.begin) || request.begin < 0 || request.begin % this.blockSize !== 0)
      return false;
    const block = request.begin / this.blockSize;
    if (block >= this.blockCount(request.index)) return false;
    const key = this.key(request.index, block);
    if (!state.requests.delete(key)) return false;
    this.unask(key, peer);
    const piece = this.active.get(request.index);
    if (avoidUntil !== undefined && piece && piece.state[block] === UNREQUESTED) {
      piece.avoid ??= new Map();
      piece.avoid.set(block, { peer, until: avoidUntil });
    }
    return true;
  }

  /** Requests older than timeoutMs: released (so another peer can get them) and returned with who had them.
   * The same peer is not given an expired block again for another timeoutMs, unless it has no other taker.
   * (Requests are kept oldest first, which holds as long as `now` never goes backwards.) */
  expire(now: number, timeoutMs: number): PeerBlockRequest[] {
    const expired: PeerBlockRequest[] = [];
    const cutoff = now - timeoutMs;
    for (const [peer, state] of this.peers) {
      for (const [key, at] of state.requests) {
        this.work++;
        if (at > cutoff) break;
        state.requests.delete(key);
        this.unask(key, peer);
        this.rememberStale(state, key);
        const request = this.request(key);
        const piece = this.active.get(request.index);
        if (piece && piece.state[request.begin / this.blockSize] === UNREQUESTED) {
          piece.avoid ??= new Map();
          piece.avoid.set(request.begin / this.blockSize, { peer, until: now + timeoutMs });
        }
        expired.push({ peer, ...request });
      }
    }
    return expired;
  }

  /** Requests in flight to this peer. */
  outstanding(peer: string): number {
    return this.peers.get(peer)?.requests.size ?? 0;
  }

  /** Marks it had (also sets have), drops its bookkeeping. Requests still out for it are forgotten (a late block is
   * then a duplicate); verifying a piece twice is a no-op. Returns the peers that had something we needed and no
   * longer have (isPeerInteresting turned false), in the order they first became known. */
  pieceVerified(index: number): string[] {
    this.checkIndex(index);
    const uninteresting: string[] = [];
    if (this.have.get(index)) return uninteresting;
    const piece = this.active.get(index);
    if (piece) {
      this.dropRequests(piece);
      this.unrequestedBlocks -= piece.unrequested;
      this.active.delete(index);
      this.open.delete(index);
    } else if (this.pos[index] >= 0) {
      this.bucketRemove(index);
      this.unrequestedBlocks -= this.blockCount(index);
    }
    const wanted = this.unwanted[index] === 0;
    this.have.set(index);
    this.parole.delete(index);
    if (this.deadlines.delete(index)) this.deadlineOrder = undefined;
    this.verified++;
    if (!wanted) return uninteresting; // nobody counted it as needed
    this.missing.delete(index);
    for (const [peer, state] of this.peers) {
      if (state.all) {
        if (this.missing.size === 0) uninteresting.push(peer);
      } else if (state.has.get(index) && --state.needed === 0) {
        uninteresting.push(peer);
      }
    }
    return uninteresting;
  }

  /** Hash mismatch: every block of it back to missing (and the piece back among the fresh ones). On `parole` it is
   * then fetched from one peer at a time until it verifies. */
  pieceFailed(index: number, parole = false): void {
    this.checkIndex(index);
    if (this.have.get(index)) throw new Error(`piece ${index} is already verified`);
    const piece = this.active.get(index);
    if (!piece) return;
    this.dropRequests(piece);
    if (parole) this.parole.add(index);
    this.active.delete(index);
    this.open.delete(index);
    if (this.unwanted[index] && !this.deadlines.has(index)) {
      this.unrequestedBlocks -= piece.unrequested; // skipped: it is not fetched again
      return;
    }
    this.unrequestedBlocks += piece.blocks - piece.unrequested;
    this.bucketAdd(index);
    if (index < this.sequentialFrom) this.sequentialFrom = index;
    this.freshGeneration++;
    this.rarityGeneration++;
    for (const state of this.peers.values()) {
      if (!state.all && state.has.get(index)) state.candidates.push(index);
    }
  }

  private dropRequests(piece: ActivePiece): void {
    for (let block = 0; block < piece.blocks; block++) {
      const askers = piece.askers[block];
      if (!askers) continue;
      const key = this.key(piece.index, block);
      this.thin.delete(key);
      for (const peer of askers) {
        const state = this.peers.get(peer)!;
        state.requests.delete(key);
        this.rememberStale(state, key);
      }
    }
  }

  // ---- priorities and deadlines ----

  private needs(index: number): boolean {
    return !this.have.get(index) && this.unwanted[index] === 0;
  }

  /** Sets a piece's priority. 'skip' takes a piece we lack out of the picks and out of what makes a peer interesting
   * (a piece of which a block already arrived is finished); 'high' fetches it before other pieces, after those with a deadline. */
  setPriority(index: number, priority: PiecePriority): void {
    this.checkIndex(index);
    const skip = priority === 'skip';
    if (skip !== (this.unwanted[index] === 1)) {
      this.unwanted[index] = skip ? 1 : 0;
      if (!this.have.get(index)) this.changeWanted(index, !skip);
      // A piece skipped before any of its blocks arrived is not finished: its requests are dropped (a block still on
      // its way is tolerated), and it waits among the fresh pieces should it be wanted again.
      const piece = this.active.get(index);
      if (skip && piece && piece.received === 0 && !this.deadlines.has(index)) {
        this.dropRequests(piece);
        this.unrequestedBlocks -= piece.unrequested;
        this.active.delete(index);
        this.open.delete(index);
      }
    }
    const hasHigh = this.deadlines.get(index) === NO_DEADLINE;
    if (priority === 'high' && !this.deadlines.has(index)) this.setDeadline(index, NO_DEADLINE);
    else if (priority !== 'high' && hasHigh) this.setDeadline(index, undefined);
  }

  priority(index: number): PiecePriority {
    if (this.unwanted[index]) return 'skip';
    return this.deadlines.get(index) === NO_DEADLINE ? 'high' : 'normal';
  }

  private changeWanted(index: number, wanted: boolean): void {
    const fresh = this.pos[index] >= 0;
    if (wanted) {
      this.missing.add(index);
      if (!this.active.has(index)) {
        this.bucketAdd(index);
        this.unrequestedBlocks += this.blockCount(index);
        this.freshGeneration++;
        this.rarityGeneration++;
      }
    } else {
      this.missing.delete(index);
      if (fresh) {
        this.bucketRemove(index);
        this.unrequestedBlocks -= this.blockCount(index);
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
    this.checkIndex(index);
    if (at === undefined) {
      if (this.deadlines.delete(index)) this.deadlineOrder = undefined;
      return;
    }
    if (this.have.get(index)) return;
    this.deadlines.set(index, at);
    this.deadlineOrder = undefined;
  }

  /** Drops every deadline (a seek moves the window), keeping 'high' priorities. */
  clearDeadlines(): void {
    for (const [index, at] of this.deadlines) if (at !== NO_DEADLINE) this.deadlines.delete(index);
    this.deadlineOrder = undefined;
  }

  /** Pieces we want (not skipped) and lack. */
  get wantedMissing(): number {
    return this.missing.size;
  }

  /** Does the peer have any piece we still need (as reported through peerBitfield/peerHave/peerHaveAll)? O(1):
   * kept up to date by those and by pieceVerified. */
  isPeerInteresting(peer: string): boolean {
    const state = this.peers.get(peer);
    if (!state) return false;
    return state.all ? this.missing.size > 0 : state.needed > 0;
  }

  inEndgame(): boolean {
    return !this.complete && this.unrequestedBlocks === 0;
  }

  get complete(): boolean {
    return this.verified === this.pieceCount;
  }

  /** Verified pieces. */
  get haveCount(): number {
    return this.verified;
  }
}
