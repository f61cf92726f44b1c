// Block-level bookkeeping of what we have, want, and asked whom for.
import type { Bitfield } from '../bitfield';

export interface BlockRequest {
  index: number;
  begin: number;
  length: number;
}

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
  /** Default 16384. */
  blockSize?: number;
}

const NI = 'not implemented';

export class PiecePicker {
  constructor(options: PickerOptions) {
    void options;
    throw new Error(NI);
  }

  /** Replaces what we knew of that peer. */
  peerBitfield(peer: string, bitfield: Bitfield): void {
    void peer;
    void bitfield;
    throw new Error(NI);
  }

  peerHave(peer: string, index: number): void {
    void peer;
    void index;
    throw new Error(NI);
  }

  peerHaveAll(peer: string): void {
    void peer;
    throw new Error(NI);
  }

  /** Forget the peer, release its requests, return them. */
  peerGone(peer: string): BlockRequest[] {
    void peer;
    throw new Error(NI);
  }

  availability(index: number): number {
    void index;
    throw new Error(NI);
  }

  /** Up to `count` new block requests for this peer (whose pieces are `peerHas`), marked as requested by it at `now`.
   * Priority: blocks of partly requested/downloaded pieces first, then the rarest pieces (ties at random), random
   * pieces while we have fewer than randomFirstPieces; in endgame (every missing block requested) duplicates of
   * blocks requested from others, at most endgameDuplicates askers per block, never twice to the same peer. */
  nextRequests(peer: string, peerHas: Bitfield, count: number, now: number): BlockRequest[] {
    void peer;
    void peerHas;
    void count;
    void now;
    throw new Error(NI);
  }

  /** A block arrived. `expected` is false if nobody asked this peer for it (the session closes the peer then).
   * `cancels` lists the other peers that were asked for the same block (endgame) so the session sends them `cancel`.
   * `pieceComplete` is true when every block of that piece has now arrived (the session hashes it). Duplicate arrival of
   * an already received block is expected:true but duplicate:true and changes nothing. */
  blockReceived(
    peer: string,
    index: number,
    begin: number,
    length: number,
  ): {
    expected: boolean;
    duplicate: boolean;
    cancels: Array<{ peer: string } & BlockRequest>;
    pieceComplete: boolean;
  } {
    void peer;
    void index;
    void begin;
    void length;
    throw new Error(NI);
  }

  /** The peer choked us or rejected: release its outstanding requests (they can go to others). */
  releasePeer(peer: string): BlockRequest[] {
    void peer;
    throw new Error(NI);
  }

  release(peer: string, request: BlockRequest): void {
    void peer;
    void request;
    throw new Error(NI);
  }

  /** Requests older than timeoutMs: released (so another peer can get them) and returned with who had them. */
  expire(now: number, timeoutMs: number): Array<{ peer: string } & BlockRequest> {
    void now;
    void timeoutMs;
    throw new Error(NI);
  }

  /** Requests in flight to this peer. */
  outstanding(peer: string): number {
    void peer;
    throw new Error(NI);
  }

  /** Marks it had (also sets have), drops its bookkeeping. */
  pieceVerified(index: number): void {
    void index;
    throw new Error(NI);
  }

  /** Hash mismatch: every block of it back to missing. */
  pieceFailed(index: number): void {
    void index;
    throw new Error(NI);
  }

  /** Does the peer have any piece we still need? (cheap: used for `interested`) */
  isInteresting(peerHas: Bitfield): boolean {
    void peerHas;
    throw new Error(NI);
  }

  inEndgame(): boolean {
    throw new Error(NI);
  }

  get complete(): boolean {
    throw new Error(NI);
  }
}
