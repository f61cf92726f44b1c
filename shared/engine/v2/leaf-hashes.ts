// The leaf hashes of single pieces (BEP 52 `hash request`s with base layer 0): what lets a v2 session judge a piece
// block by block. A piece's leaves are asked of one v2 peer at a time, with no uncle (proof layers one less than the
// piece's own subtree, as libtorrent counts them): its piece hash, from the piece layer we already know, is what
// they must lead to. Leaves that do are kept for a while (the newest MAX_LEAF_PIECES pieces), to check the blocks
// that come for that piece on arrival.
import type { HashRange } from '../../codec/wire';
import { log2 } from '../verify/file-tree';
import { nodes, type PieceLayers } from './piece-layers';
import type { PeerKey } from '../contract/engine-types';
import { bytesEqual } from '../verify/verify';

/** Pieces whose proven leaf hashes we keep (the oldest forgotten first): at most 32 bytes a block of each. */
export const MAX_LEAF_PIECES = 64;
/** Leaf requests we have out at once, in all and to one peer. */
export const MAX_LEAF_REQUESTS = 8;
export const MAX_LEAF_REQUESTS_PER_PEER = 2;
/** Pieces whose asked peers we remember (not to ask them again), the oldest forgotten first. */
export const MAX_TRIED_PIECES = 256;
/** A leaf request unanswered this long is asked of another peer. */
export const LEAF_REQUEST_TIMEOUT_MS = 10_000;

interface LeafAsk {
  peer: PeerKey;
  range: HashRange;
  sentAt: number;
}

/** Requests given up on (timed out) whose answers may still come: taken, not refused. */
const MAX_LATE = MAX_LEAF_REQUESTS;

/** What a `hashes` answer to one of our leaf requests turned out to be. */
export type LeavesVerdict = { ok: true; index: number } | { ok: false; index: number; reason: string };

export class LeafHashes {
  /** Proven leaves by piece, oldest first. */
  private readonly known = new Map<number, Uint8Array[]>();
  /** The one request out for a piece. */
  private readonly asks = new Map<number, LeafAsk>();
  /** Requests given up on, by piece, oldest first (MAX_LATE). */
  private readonly late: Array<LeafAsk & { index: number }> = [];
  /** Peers asked for a piece's leaves already (they refused, timed out or left). */
  private readonly tried = new Map<number, Set<PeerKey>>();

  constructor(private readonly layers: PieceLayers) {}

  /** The request for piece `index`'s leaves: undefined while its layer is unknown, or for a piece of one block
   * (its piece check is a block check). */
  range(index: number): HashRange | undefined {
    const where = this.layers.pieceLeaves(index);
    if (!where || where.width < 2) return undefined;
    const { root, firstLeaf, width } = where;
    return { piecesRoot: root, baseLayer: 0, index: firstLeaf, length: width, proofLayers: log2(width) - 1 };
  }

  /** Is a request out for the piece? */
  asking(index: number): boolean {
    return this.asks.has(index);
  }

  /** Could `peer` be asked for the piece's leaves now (not tried yet, within the bounds)? */
  mayAsk(index: number, peer: PeerKey): boolean {
    if (this.asks.has(index) || this.asks.size >= MAX_LEAF_REQUESTS) return false;
    if (this.tried.get(index)?.has(peer)) return false;
    let mine = 0;
    for (const ask of this.asks.values()) if (ask.peer === peer) mine++;
    return mine < MAX_LEAF_REQUESTS_PER_PEER;
  }

  /** Records a request sent to `peer`; returns it (undefined when the piece has no leaf request). */
  ask(index: number, peer: PeerKey, now: number): HashRange | undefined {
    const range = this.range(index);
    if (!range) return undefined;
    this.asks.set(index, { peer, range, sentAt: now });
    let tried = this.tried.get(index);
    if (!tried) this.tried.set(index, (tried = new Set()));
    tried.add(peer);
    // Pieces given up on (a seek away) are forgotten, the oldest first.
    while (this.tried.size > MAX_TRIED_PIECES) this.tried.delete(this.tried.keys().next().value!);
    return range;
  }

  /** The piece whose leaves we asked `peer` for with exactly this range (a request given up on included), taken
   * off the requests. */
  private takeAsked(peer: PeerKey, range: HashRange): number | undefined {
    const same = (ask: LeafAsk): boolean =>
      ask.peer === peer &&
      ask.range.baseLayer === range.baseLayer &&
      ask.range.index === range.index &&
      ask.range.length === range.length &&
      ask.range.proofLayers === range.proofLayers &&
      bytesEqual(ask.range.piecesRoot, range.piecesRoot);
    for (const [index, ask] of this.asks)
      if (same(ask)) {
        this.asks.delete(index);
        return index;
      }
    const at = this.late.findIndex(same);
    return at < 0 ? undefined : this.late.splice(at, 1)[0].index;
  }

  /** A request given up on: its answer is still taken if it comes. */
  private giveUp(index: number): void {
    const ask = this.asks.get(index);
    if (!ask) return;
    this.asks.delete(index);
    this.late.push({ ...ask, index });
    if (this.late.length > MAX_LATE) this.late.shift();
  }

  /** A `hashes` message from `peer`: undefined when it answers no leaf request of ours; otherwise whether its leaves
   * lead to the piece hash (then they are kept). */
  onHashes(peer: PeerKey, message: HashRange & { hashes: Uint8Array }): LeavesVerdict | undefined {
    const index = this.takeAsked(peer, message);
    if (index === undefined) return undefined;
    const leaves = nodes(message.hashes).slice(0, message.length);
    if (leaves.length !== message.length || this.layers.checkLeaves(index, leaves) !== true)
      return { ok: false, index, reason: 'leaf hashes that do not lead to the piece hash' };
    this.keep(index, leaves);
    this.tried.delete(index);
    return { ok: true, index };
  }

  /** A `hash reject` from `peer`: the piece it refused (another peer may be asked), or undefined. */
  onReject(peer: PeerKey, range: HashRange): number | undefined {
    return this.takeAsked(peer, range);
  }

  /** Requests unanswered for LEAF_REQUEST_TIMEOUT_MS are forgotten; returns their pieces. */
  expire(now: number): number[] {
    const late: number[] = [];
    for (const [index, ask] of this.asks) if (now - ask.sentAt >= LEAF_REQUEST_TIMEOUT_MS) late.push(index);
    for (const index of late) this.giveUp(index);
    return late;
  }

  /** The peer left: the pieces whose leaves it was asked for (to ask someone else). */
  peerGone(peer: PeerKey): number[] {
    const pieces: number[] = [];
    for (const [index, ask] of this.asks)
      if (ask.peer === peer) {
        this.asks.delete(index);
        pieces.push(index);
      }
    for (let i = this.late.length - 1; i >= 0; i--) if (this.late[i].peer === peer) this.late.splice(i, 1);
    return pieces;
  }

  /** The proven leaves of piece `index`, when we hold them. */
  leaves(index: number): readonly Uint8Array[] | undefined {
    return this.known.get(index);
  }

  /** The piece is done with (verified, or judged whole): its leaves and tried peers are forgotten. A request out
   * for it stays until answered (or timed out): asking again meanwhile would only ask twice. */
  forget(index: number): void {
    this.known.delete(index);
    this.tried.delete(index);
  }

  /** Pieces whose leaves are kept. */
  get size(): number {
    return this.known.size;
  }

  /** Requests out now. */
  get pending(): number {
    return this.asks.size;
  }

  private keep(index: number, leaves: Uint8Array[]): void {
    this.known.delete(index);
    this.known.set(
      index,
      leaves.map((leaf) => leaf.slice()),
    );
    while (this.known.size > MAX_LEAF_PIECES) this.known.delete(this.known.keys().next().value!);
  }
}
