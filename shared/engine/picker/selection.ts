// Selection: which fresh piece a peer gets next, and which of a piece's blocks. 'rarest' (the default): random for
// the first `randomFirstPieces`, then rarest first; 'random': uniformly random among the fresh pieces the peer has;
// 'sequential': the lowest index first (streaming). Priorities and deadlines come before (priorities.ts).
//
// A rarest pick for a peer that is not a seed: first a short walk up the buckets from the rarest (exact, and quick
// for a peer that has much); failing that, the peer's shortlist: the K rarest of its fresh pieces, chosen in one pass
// over the peer's own list of candidate pieces (which drops pieces that stopped being fresh) and used for the next K
// picks. A shortlist is exact when built and thrown away when pieces become rarer (a departure, a failed piece) or
// when the peer announces a piece rarer than its shortlist; pieces on it that other peers announce meanwhile keep
// their place.
import type { Bitfield } from '../../codec/bitfield';
import type { Availability, PeerPieces } from './availability';
import type { BlockGeometry, WorkMeter } from './block-geometry';
import type { Endgame } from './endgame';
import { UNREQUESTED, type ActivePiece, type RequestBatch, type RequestLedger } from './request-ledger';

export type PieceSelection = 'rarest' | 'random' | 'sequential';

export const PIECE_SELECTIONS: readonly PieceSelection[] = ['rarest', 'random', 'sequential'];

/** Random probes before a random-first pick falls back to a scan. */
const RANDOM_PROBES = 16;
/** Bucket entries a pick looks at before it turns to the peer's shortlist: per peer, halved after a walk that found
 * nothing and doubled after one that did, within these bounds. */
const BUCKET_WALK = 64;
const BUCKET_WALK_MIN = 4;
/** Smallest shortlist; larger candidate lists get a shortlist of 1/SHORTLIST_SHARE of their length. */
const SHORTLIST_MIN = 32;
const SHORTLIST_SHARE = 32;

/** What selection remembers of one peer. */
export interface PeerSearch {
  /** `freshGeneration` when a search found no fresh piece for this peer (nothing to search until it changes). */
  exhaustedAt: number;
  /** Its rarest candidates, rarest first, and the next one to use. */
  shortlist: number[];
  shortlistNext: number;
  /** Availability of the last shortlist entry when built. */
  shortlistMax: number;
  /** `rarityGeneration` when the shortlist was built (-1: none). */
  shortlistAt: number;
  /** Current length of its bucket walk. */
  walk: number;
}

export function newPeerSearch(): PeerSearch {
  return {
    exhaustedAt: -1,
    shortlist: [],
    shortlistNext: 0,
    shortlistMax: 0,
    shortlistAt: -1,
    walk: BUCKET_WALK,
  };
}

/** Forgets the peer's shortlist (what it has changed). */
export function forgetShortlist(peer: PeerSearch): void {
  peer.shortlist = [];
  peer.shortlistAt = -1;
}

type SearchPeer = PeerPieces & PeerSearch;

export interface SelectorOptions {
  selection: PieceSelection;
  randomFirstPieces: number;
  random: () => number;
  /** Verified pieces so far (random first while fewer than randomFirstPieces). */
  haveCount: () => number;
}

export class PieceSelector {
  /** Sequential selection: no fresh piece below this index. */
  sequentialFrom = 0;

  constructor(
    private readonly geometry: BlockGeometry,
    private readonly availability: Availability,
    private readonly ledger: RequestLedger,
    private readonly endgame: Endgame,
    private readonly options: SelectorOptions,
    private readonly meter: WorkMeter,
  ) {}

  /** Starts fetching a piece. */
  activate(index: number): ActivePiece {
    if (this.availability.isFresh(index)) this.availability.removeFresh(index);
    return this.ledger.activate(index);
  }

  /** The piece's unrequested blocks, lowest first, for the batch's peer. */
  takeBlocks(piece: ActivePiece, batch: RequestBatch): void {
    const { peer, count, now, out } = batch;
    if (!this.endgame.mayTake(piece, peer)) return;
    let contiguous = true;
    for (let block = piece.cursor; block < piece.blocks && out.length < count; block++) {
      this.meter.work++;
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
      this.ledger.ask(piece, block, batch);
      if (contiguous) piece.cursor = block + 1;
    }
    if (piece.unrequested === 0) this.ledger.open.delete(piece.index);
  }

  /** A fresh piece the peer has, or -1. */
  pickFresh(state: SearchPeer, peerHas: Bitfield): number {
    const { availability, options } = this;
    if (state.exhaustedAt === availability.freshGeneration) return -1;
    const index =
      options.selection === 'sequential'
        ? this.pickSequential(peerHas)
        : options.selection === 'random' || options.haveCount() < options.randomFirstPieces
          ? this.pickRandom(state, peerHas)
          : this.pickRarest(state, peerHas);
    if (index < 0) state.exhaustedAt = availability.freshGeneration;
    return index;
  }

  /** The lowest-indexed fresh piece the peer has. */
  private pickSequential(peerHas: Bitfield): number {
    const { availability } = this;
    const { pieceCount } = this.geometry;
    while (this.sequentialFrom < pieceCount && !availability.isFresh(this.sequentialFrom)) {
      this.meter.work++;
      this.sequentialFrom++;
    }
    for (let index = this.sequentialFrom; index < pieceCount; index++) {
      this.meter.work++;
      if (availability.isFresh(index) && peerHas.get(index)) return index;
    }
    return -1;
  }

  private pickRandom(state: SearchPeer, peerHas: Bitfield): number {
    const { availability } = this;
    const { random } = this.options;
    if (!state.all && state.count > 0) {
      // A random candidate of the peer's own list, dropping stale entries as they turn up.
      const list = state.candidates;
      while (list.length > 0) {
        this.meter.work++;
        const at = Math.floor(random() * list.length);
        const index = list[at];
        if (availability.isFresh(index) && peerHas.get(index)) return index;
        list[at] = list[list.length - 1];
        list.pop();
      }
      return -1;
    }
    for (let probe = 0; probe < RANDOM_PROBES; probe++) {
      this.meter.work++;
      const index = Math.floor(random() * this.geometry.pieceCount);
      if (availability.isFresh(index) && peerHas.get(index)) return index;
    }
    return this.scanBits(peerHas, false);
  }

  private pickRarest(state: SearchPeer, peerHas: Bitfield): number {
    const { buckets } = this.availability;
    if (state.all) {
      // A seed has every fresh piece: the first of the lowest bucket.
      for (const bucket of buckets) {
        this.meter.work++;
        if (bucket.length > 0 && peerHas.get(bucket[0])) return bucket[0];
        if (bucket.length > 0) break;
      }
      return this.scanBits(peerHas, true);
    }
    if (state.count === 0) return this.scanBits(peerHas, true); // nothing reported: trust `peerHas`
    // A peer that is not a seed counts in the availability of all its pieces, so it has nothing in bucket 0.
    // The walk is worth it when about one bucket entry in BUCKET_WALK is the peer's.
    if (state.candidates.length * BUCKET_WALK >= this.availability.freshCount) {
      let walk = state.walk;
      for (let a = 1; a < buckets.length && walk > 0; a++) {
        const bucket = buckets[a];
        for (let k = 0; k < bucket.length && walk > 0; k++, walk--) {
          this.meter.work++;
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

  private fromShortlist(state: SearchPeer, peerHas: Bitfield): number {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (state.shortlistAt !== this.availability.rarityGeneration || attempt > 0) {
        if (!this.buildShortlist(state)) return -1;
      }
      while (state.shortlistNext < state.shortlist.length) {
        this.meter.work++;
        const index = state.shortlist[state.shortlistNext++];
        if (this.availability.isFresh(index) && peerHas.get(index)) return index;
      }
    }
    return -1;
  }

  /** The peer just announced a fresh piece: it goes into the unused part of its shortlist, keeping it rarest first,
   * when rarer than the shortlist's last entry. */
  offer(state: PeerSearch, index: number): void {
    const { avail, rarityGeneration } = this.availability;
    if (state.shortlistAt !== rarityGeneration || avail[index] >= state.shortlistMax) return;
    const list = state.shortlist;
    const a = avail[index];
    let at = list.length;
    while (at > state.shortlistNext && avail[list[at - 1]] > a) {
      this.meter.work++;
      at--;
    }
    list.splice(at, 0, index);
  }

  /** Drops the peer's stale candidates and shortlists the rarest of the rest (ties in random order). */
  private buildShortlist(state: SearchPeer): boolean {
    const { counts, live } = this.keepFresh(state.candidates);
    state.shortlistAt = this.availability.rarityGeneration;
    state.shortlistNext = 0;
    state.shortlist = [];
    if (live === 0) return false;
    const size = Math.max(SHORTLIST_MIN, Math.ceil(live / SHORTLIST_SHARE));
    // The availability below which everything fits, and how many of the threshold level also fit.
    let threshold = 0;
    let below = 0;
    while (threshold < counts.length - 1 && below + counts[threshold] < size) below += counts[threshold++];
    const byLevel = this.rarestLevels(state.candidates, threshold, size - below);
    for (const level of byLevel) {
      if (!level) continue;
      this.shuffle(level);
      state.shortlist.push(...level);
    }
    state.shortlistMax = threshold;
    return true;
  }

  /** Drops the candidates that are no longer fresh (in place); counts the rest by availability. */
  private keepFresh(list: number[]): { counts: Int32Array; live: number } {
    const { avail, buckets } = this.availability;
    const counts = new Int32Array(buckets.length);
    let live = 0;
    for (let k = 0; k < list.length; k++) {
      this.meter.work++;
      const index = list[k];
      if (!this.availability.isFresh(index)) continue;
      list[live++] = index;
      counts[avail[index]]++;
    }
    list.length = live;
    return { counts, live };
  }

  /** The candidates by availability level: every one below `threshold`, and `room` of the threshold level. */
  private rarestLevels(list: readonly number[], threshold: number, room: number): number[][] {
    const { avail } = this.availability;
    const { random } = this.options;
    const byLevel: number[][] = [];
    let atThreshold = 0;
    for (const index of list) {
      this.meter.work++;
      const a = avail[index];
      if (a < threshold) (byLevel[a] ??= []).push(index);
      else if (a === threshold) {
        // Reservoir sampling keeps a uniform random subset of the threshold level.
        const level = (byLevel[a] ??= []);
        atThreshold++;
        if (level.length < room) level.push(index);
        else {
          const at = Math.floor(random() * atThreshold);
          if (at < level.length) level[at] = index;
        }
      }
    }
    return byLevel;
  }

  /** Fisher-Yates, in place. */
  private shuffle(level: number[]): void {
    const { random } = this.options;
    for (let k = level.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [level[k], level[j]] = [level[j], level[k]];
    }
  }

  /** One pass over the peer's bitfield: a uniformly random fresh piece it has, among the rarest when `rarest`. */
  private scanBits(peerHas: Bitfield, rarest: boolean): number {
    const { avail } = this.availability;
    const { random } = this.options;
    const { pieceCount } = this.geometry;
    const bytes = peerHas.bytes;
    let best = -1;
    let bestAvail = Infinity;
    let ties = 0;
    for (let j = 0; j < bytes.length; j++) {
      this.meter.work++;
      const byte = bytes[j];
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((byte & (0x80 >> bit)) === 0) continue;
        const index = j * 8 + bit;
        if (index >= pieceCount || !this.availability.isFresh(index)) continue;
        const a = rarest ? avail[index] : 0;
        if (a < bestAvail) {
          best = index;
          bestAvail = a;
          ties = 1;
        } else if (a === bestAvail && random() * ++ties < 1) {
          best = index;
        }
      }
    }
    return best;
  }
}
