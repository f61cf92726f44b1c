// What the downloader needs from piece selection: it reports what peers have and what arrived, and asks what to
// request next. The piece picker (picker.ts) is the implementation; tests may plug in another (EngineConfig.wishlist).
import type { Bitfield } from '../../codec/bitfield';
import type { BlockRequest, PeerBlockRequest } from './block-geometry';
import type { PiecePriority } from './priorities';
import type { BlockReceipt, RequestTimeout } from './request-ledger';

export type { RequestTimeout } from './request-ledger';
import type { PieceSelection } from './selection';
import type { VerifiedView } from '../verify/verified-pieces';

/** What a wishlist is built from: the torrent's geometry, what we have, and how to choose. */
export interface PickerOptions {
  pieceCount: number;
  pieceLength: number;
  totalLength: number;
  /** Verified pieces (the picker never requests these), read only; the picker keeps the reference. */
  have: VerifiedView;
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
  /** Per peer, how many of the requests we sent it are remembered for `receive` (oldest forgotten first).
   * Default: no bound. */
  askedLimit?: number;
  /** How fresh pieces are chosen. 'rarest' (default): random for the first randomFirstPieces, then rarest first;
   * 'random': uniformly random among the fresh pieces the peer has; 'sequential': the lowest index first (streaming). */
  pieceSelection?: PieceSelection;
}

export interface Wishlist {
  // What peers have (the only copy the session keeps once the torrent is known).
  /** Replaces what we knew of the peer's pieces. Throws RangeError on a bitfield of the wrong size. */
  peerBitfield(peer: string, bitfield: Bitfield): void;
  /** False when the peer was already known to have it. Throws RangeError on an index outside the torrent. */
  peerHave(peer: string, index: number): boolean;
  peerHaveAll(peer: string): void;
  /** Forgets the peer; returns the requests it still had. */
  peerGone(peer: string): BlockRequest[];
  /** Pieces the peer has (0 for a peer never reported). */
  peerPieces(peer: string): number;
  /** Peers that have the piece. */
  availability(index: number): number;
  /** Does the peer have a piece we still need? O(1). */
  isPeerInteresting(peer: string): boolean;

  // Requests.
  /** Up to `count` new requests for the peer, among the pieces it reported, marked as sent at `now`. */
  nextRequests(peer: string, count: number, now: number): BlockRequest[];
  outstanding(peer: string): number;
  /** The peer choked us: its requests go back to the pool (with `keep`, a seek: all but those of the pieces it
   * names). */
  releasePeer(peer: string, keep?: (index: number) => boolean): BlockRequest[];
  /** One request will not be served (a reject); not given to that peer again before `avoidUntil`. */
  release(peer: string, request: BlockRequest, avoidUntil?: number): boolean;
  /** Requests older than `timeoutMs` (or than each peer's own timeout), released. */
  expire(now: number, timeoutMs: RequestTimeout): PeerBlockRequest[];

  // Arrivals and verification.
  /** A block arrived from the peer: undefined when we never asked it for exactly this block or it already came
   * (the session closes the peer then); otherwise what it meant, with the request forgotten. A block asked for and
   * released since (choke, reject, timeout) is still welcome. */
  receive(peer: string, index: number, begin: number, length: number): BlockReceipt | undefined;
  /** The piece is stored and recorded as verified (the owner's `add`, just before): returns the peers that no longer
   * have anything we need. */
  pieceVerified(index: number): string[];
  /** The piece failed its hash check: fetched again, on `parole` from one peer at a time until it verifies. */
  pieceFailed(index: number, parole?: boolean): void;
  /** Blocks (by number) of a piece whose every block arrived turned out bad (their leaf hashes said so): only they
   * are fetched again; the piece's other blocks stay. */
  blocksFailed?(index: number, blocks: readonly number[]): void;

  // Priorities (streaming, chosen files).
  /** 'skip': not fetched and not a reason to be interested; 'high': before other pieces, lowest `rank` first
   * (default: by index). Returns the one it had. */
  setPriority(index: number, priority: PiecePriority, rank?: number): PiecePriority;
  /** Fetch before others by `at` (ms); late pieces may be asked of two peers. `undefined` clears it. */
  setDeadline(index: number, at: number | undefined): void;
  /** Drops every deadline (a seek), keeping high priorities. */
  clearDeadlines(): void;
  /** Pieces we lack and want. */
  readonly wantedMissing: number;
}

/** Builds the wishlist of a torrent once its geometry is known (the session's default: a PiecePicker). */
export type WishlistFactory = (options: PickerOptions) => Wishlist;
