// The request ledger: the pieces being fetched (active) block by block, and per peer the requests outstanding, the
// ones asked and not yet answered (`takeAsked`), and the stale ones whose late answer is still welcome. Releases,
// expiry and arrivals go through here; so does the set of "thin" blocks (requested from fewer peers than endgame
// allows), which the endgame draws its duplicates from.
import type { Bitfield } from '../../codec/bitfield';
import type { BlockGeometry, BlockRequest, PeerBlockRequest, WorkMeter } from './block-geometry';

export const UNREQUESTED = 0;
export const REQUESTED = 1;
export const RECEIVED = 2;
/** Per peer, how many no-longer-outstanding requests we remember so that a late arrival is not taken for abuse. */
const STALE_LIMIT = 1024;

/** What an arrival meant: see `RequestLedger.blockReceived`. */
export interface BlockReceipt {
  expected: boolean;
  duplicate: boolean;
  cancels: PeerBlockRequest[];
  pieceComplete: boolean;
  /** When the request this block answers went out (absent for a block whose request was released or cancelled). */
  askedAt?: number;
}

/** A request timeout, ms: one for every peer, or each peer's own (from its round trip). */
export type RequestTimeout = number | ((peer: string) => number);

const UNEXPECTED: BlockReceipt = { expected: false, duplicate: false, cancels: [], pieceComplete: false };

/** A piece with some blocks requested or received, or waiting for its hash check. */
export interface ActivePiece {
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
  /** A piece on parole (see `Endgame`): the one peer it is being fetched from. */
  owner?: string;
}

/** The ledger's record of one peer. */
export interface PeerRequests {
  /** Outstanding requests: block key to the time asked, oldest first. */
  readonly requests: Map<number, number>;
  /** Requests no longer outstanding (released, expired, cancelled, answered): a late arrival is tolerated. */
  readonly stale: Set<number>;
  /** Every request we sent it and whose block has not arrived, in request order, bounded by `askedLimit`: a block
   * not in here is one nobody asked it for. */
  readonly asked: Map<number, AskedBlock>;
  /** Set when every entry of `asked` was outstanding: the size `requests` has as long as none of them left it (each
   * new request adds one to both), so a size that differs means some entry may have been answered. */
  allOut?: number;
}

/** A block we asked a peer for: its length, and how many requests for it are unanswered. A block cancelled (a
 * player's seek) and asked again may arrive twice: the peer may have sent it before the cancel reached it. */
export interface AskedBlock {
  readonly length: number;
  times: number;
}

/** At most this many unanswered requests of one block are remembered per peer (each ask after a cancel adds one). */
export const MAX_ASKS_PER_BLOCK = 16;

/**
 * Over its bound, `asked` forgets its oldest entry that is no longer outstanding (cancelled, released, expired): a
 * request still out may be answered any time, and its block must stay welcome however many asks and cancels came
 * after it (a stream's urgent piece is kept out while the rest is cancelled and asked again every second). Entries
 * still out that it passes go to the back, so each is passed over at most once per bound's worth of asks. If every
 * entry is out (more outstanding requests than the bound), the oldest goes anyway: the bound holds. That last case
 * is remembered (`allOut`) until a request leaves: a source asked for thousands of blocks at once (a web seed's 16 MiB
 * request) would otherwise have every ask pass over every entry.
 */
function forgetOldestAnswered(state: PeerRequests): void {
  const { asked, requests } = state;
  if (state.allOut !== requests.size) {
    for (let looked = asked.size; looked > 0; looked--) {
      const [key, block] = asked.entries().next().value!;
      asked.delete(key);
      if (!requests.has(key)) {
        state.allOut = undefined;
        return;
      }
      asked.set(key, block);
    }
  }
  asked.delete(asked.keys().next().value!);
  state.allOut = requests.size;
}

export function newPeerRequests(): PeerRequests {
  return { requests: new Map(), stale: new Set(), asked: new Map() };
}

/** One call's worth of requests for one peer: who, what it has, how many more, when, and where they go. */
export interface RequestBatch<P extends PeerRequests = PeerRequests> {
  readonly peer: string;
  readonly state: P;
  readonly peerHas: Bitfield;
  readonly count: number;
  readonly now: number;
  readonly out: BlockRequest[];
}

export class RequestLedger {
  readonly active = new Map<number, ActivePiece>();
  /** Active pieces with unrequested blocks: every pick serves them first. */
  readonly open = new Set<number>();
  /** Blocks of missing pieces that are neither requested nor received. */
  unrequestedBlocks = 0;
  /** Requested, unreceived blocks with fewer than endgameDuplicates askers (the endgame's candidates), by key. */
  readonly thin = new Set<number>();
  /** Bumped whenever a block joins `thin`. */
  thinGeneration = 0;

  constructor(
    private readonly geometry: BlockGeometry,
    private readonly peers: ReadonlyMap<string, PeerRequests>,
    private readonly endgameDuplicates: number,
    private readonly askedLimit: number,
    private readonly meter: WorkMeter,
  ) {}

  activate(index: number): ActivePiece {
    const blocks = this.geometry.blockCount(index);
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

  /** Forgets an active piece: its requests are dropped (a late block is then a duplicate). */
  drop(piece: ActivePiece): void {
    this.dropRequests(piece);
    this.active.delete(piece.index);
    this.open.delete(piece.index);
  }

  /** Asks the batch's peer for a block. */
  ask(piece: ActivePiece, block: number, batch: RequestBatch): void {
    const { geometry } = this;
    if (piece.state[block] === UNREQUESTED) {
      piece.state[block] = REQUESTED;
      piece.unrequested--;
      this.unrequestedBlocks--;
    }
    const key = geometry.key(piece.index, block);
    let askers = piece.askers[block];
    if (askers) askers.push(batch.peer);
    else askers = piece.askers[block] = [batch.peer];
    if (askers.length < this.endgameDuplicates) this.addThin(key);
    else this.thin.delete(key);
    const { state } = batch;
    if (state.allOut !== undefined && !state.requests.has(key)) state.allOut++;
    state.requests.set(key, batch.now);
    state.stale.delete(key);
    const asked = state.asked.get(key);
    state.asked.delete(key); // the newest request now: forgotten last
    state.asked.set(key, {
      length: geometry.blockLength(piece.index, block),
      times: Math.min((asked?.times ?? 0) + 1, MAX_ASKS_PER_BLOCK),
    });
    if (state.asked.size > this.askedLimit) forgetOldestAnswered(state);
    batch.out.push({
      index: piece.index,
      begin: block * geometry.blockSize,
      length: geometry.blockLength(piece.index, block),
    });
  }

  private addThin(key: number): void {
    if (this.thin.has(key)) return;
    this.thin.add(key);
    this.thinGeneration++;
  }

  /** A block arrived from the peer: true if we sent it a request for exactly that block whose answer had not arrived
   * yet (within `askedLimit`), which is then counted as answered (a block asked twice may arrive twice). Independent
   * of blockReceived: a block released since (choke, reject, timeout, cancel, verified piece) still counts as asked. */
  takeAsked(peer: string, index: number, begin: number, length: number): boolean {
    const state = this.peers.get(peer);
    if (!state) return false;
    const block = this.geometry.blockAt(index, begin);
    if (block < 0) return false;
    const key = this.geometry.key(index, block);
    const asked = state.asked.get(key);
    if (asked?.length !== length) return false;
    if (--asked.times === 0) state.asked.delete(key);
    return true;
  }

  /** A block arrived from the peer: undefined when nobody asked it for the block (`takeAsked`), else the receipt
   * (`blockReceived`). A block asked, cancelled and asked again, whose first copy was on its way before the cancel
   * reached the peer: this copy answers the cancelled ask, and the request out now (which the peer still holds) is
   * cancelled too (in `cancels`), its block being here; else the peer would send it again for nothing. */
  receive(peer: string, index: number, begin: number, length: number): BlockReceipt | undefined {
    if (!this.takeAsked(peer, index, begin, length)) return undefined;
    const state = this.peers.get(peer)!;
    const key = this.geometry.key(index, this.geometry.blockAt(index, begin));
    const repeat = state.requests.has(key) && state.asked.has(key);
    const receipt = this.blockReceived(peer, index, begin, length);
    if (!repeat || !receipt.expected) return receipt;
    return { ...receipt, cancels: [{ peer, index, begin, length }, ...receipt.cancels] };
  }

  /** A block arrived. `expected` is false if nobody asked this peer for it (the session closes the peer then).
   * `cancels` lists the other peers that were asked for the same block (endgame) so the session sends them `cancel`.
   * `pieceComplete` is true when every block of that piece has now arrived (the session hashes it). Duplicate arrival of
   * an already received block is expected:true but duplicate:true and changes nothing.
   * A block we asked this peer for but had since released (choke, timeout) or cancelled is still welcome: it counts
   * if that block is still missing, otherwise it is a duplicate. */
  blockReceived(peer: string, index: number, begin: number, length: number): BlockReceipt {
    const { geometry } = this;
    const block = geometry.blockAt(index, begin);
    if (block < 0 || length !== geometry.blockLength(index, block)) return UNEXPECTED;
    const state = this.peers.get(peer);
    if (!state) return UNEXPECTED;
    const key = geometry.key(index, block);
    const piece = this.active.get(index);
    const askedAt = state.requests.get(key);
    if (askedAt !== undefined) {
      state.requests.delete(key);
    } else if (state.stale.has(key)) {
      state.stale.delete(key);
      if (!piece || piece.state[block] === RECEIVED)
        return { ...UNEXPECTED, expected: true, duplicate: true };
    } else {
      return UNEXPECTED;
    }
    this.rememberStale(state, key);
    if (!piece || piece.state[block] === RECEIVED)
      return { ...UNEXPECTED, expected: true, duplicate: true, askedAt };
    const cancels = this.cancelOtherAskers(piece, block, key, peer);
    this.thin.delete(key);
    if (piece.state[block] === UNREQUESTED) {
      piece.unrequested--;
      this.unrequestedBlocks--;
      if (piece.unrequested === 0) this.open.delete(index);
    }
    piece.state[block] = RECEIVED;
    piece.received++;
    return {
      expected: true,
      duplicate: false,
      cancels,
      pieceComplete: piece.received === piece.blocks,
      askedAt,
    };
  }

  /** The other peers asked for a block that came (endgame duplicates): their requests become stale, to cancel. */
  private cancelOtherAskers(
    piece: ActivePiece,
    block: number,
    key: number,
    peer: string,
  ): PeerBlockRequest[] {
    const cancels: PeerBlockRequest[] = [];
    const askers = piece.askers[block];
    if (!askers) return cancels;
    for (const other of askers) {
      if (other === peer) continue;
      const otherState = this.peers.get(other)!;
      otherState.requests.delete(key);
      this.rememberStale(otherState, key);
      cancels.push({ peer: other, ...this.geometry.request(key) });
    }
    piece.askers[block] = undefined;
    return cancels;
  }

  private rememberStale(state: PeerRequests, key: number): void {
    state.stale.add(key);
    if (state.stale.size > STALE_LIMIT) state.stale.delete(state.stale.values().next().value!);
  }

  /** Takes `peer` off a block's askers; the block is unrequested again when nobody else has it. */
  private unask(key: number, peer: string): void {
    const index = this.geometry.pieceOf(key);
    const block = key - index * this.geometry.blocksPerPiece;
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

  /** Releases every outstanding request of the peer (remembered as stale when `stale`) but those of the pieces `keep`
   * names, returning them. */
  releaseAll(
    peer: string,
    state: PeerRequests,
    stale: boolean,
    keep?: (index: number) => boolean,
  ): BlockRequest[] {
    const released: BlockRequest[] = [];
    for (const key of state.requests.keys()) {
      if (keep?.(this.geometry.pieceOf(key))) continue;
      state.requests.delete(key);
      this.unask(key, peer);
      if (stale) this.rememberStale(state, key);
      released.push(this.geometry.request(key));
    }
    return released;
  }

  /** The peer rejected a request: it is released; true if it was outstanding. Unknown requests are ignored.
   * With `avoidUntil`, that peer is not given the block again before then unless nobody else can take it.
   * A reject answers one ask of the block (BEP 6: one answer per request), the earliest first: one we cancelled
   * before asking the block again is answered by it, and the request out now stays out. */
  release(peer: string, request: BlockRequest, avoidUntil?: number): boolean {
    const state = this.peers.get(peer);
    if (!state) return false;
    const block = this.geometry.blockAt(request.index, request.begin);
    if (block < 0) return false;
    const key = this.geometry.key(request.index, block);
    const asked = state.asked.get(key);
    if (asked?.length === request.length) {
      const cancelledAsks = asked.times - (state.requests.has(key) ? 1 : 0);
      if (--asked.times === 0) state.asked.delete(key);
      if (cancelledAsks > 0) return false;
    }
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
  expire(now: number, timeout: RequestTimeout): PeerBlockRequest[] {
    const expired: PeerBlockRequest[] = [];
    const { blockSize } = this.geometry;
    for (const [peer, state] of this.peers) {
      if (state.requests.size === 0) continue;
      const timeoutMs = typeof timeout === 'number' ? timeout : timeout(peer);
      const cutoff = now - timeoutMs;
      for (const [key, at] of state.requests) {
        this.meter.work++;
        if (at > cutoff) break;
        state.requests.delete(key);
        this.unask(key, peer);
        this.rememberStale(state, key);
        const request = this.geometry.request(key);
        const piece = this.active.get(request.index);
        if (piece && piece.state[request.begin / blockSize] === UNREQUESTED) {
          piece.avoid ??= new Map();
          piece.avoid.set(request.begin / blockSize, { peer, until: now + timeoutMs });
        }
        expired.push({ peer, ...request });
      }
    }
    return expired;
  }

  /** Received blocks of an active piece back to unrequested (they turned out bad); returns how many. */
  unreceive(index: number, blocks: readonly number[]): number {
    const piece = this.active.get(index);
    if (!piece) return 0;
    let back = 0;
    for (const block of blocks) {
      if (!(block >= 0 && block < piece.blocks) || piece.state[block] !== RECEIVED) continue;
      piece.state[block] = UNREQUESTED;
      piece.received--;
      piece.unrequested++;
      this.unrequestedBlocks++;
      if (block < piece.cursor) piece.cursor = block;
      back++;
    }
    if (back > 0) this.open.add(index);
    return back;
  }

  /** Requests in flight to this peer. */
  outstanding(peer: string): number {
    return this.peers.get(peer)?.requests.size ?? 0;
  }

  private dropRequests(piece: ActivePiece): void {
    for (let block = 0; block < piece.blocks; block++) {
      const askers = piece.askers[block];
      if (!askers) continue;
      const key = this.geometry.key(piece.index, block);
      this.thin.delete(key);
      for (const peer of askers) {
        const state = this.peers.get(peer)!;
        state.requests.delete(key);
        this.rememberStale(state, key);
      }
    }
  }
}
