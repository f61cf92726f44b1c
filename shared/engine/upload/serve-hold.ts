// A test's hold on what a seeder serves: a transfer a test wants mid-way (a reload, a seeder leaving, a tab crashing
// with part of a file in) is held there by the seeder itself, not paced by an upload limit and a clock. Each torrent
// serves the first `pieces` pieces it is asked for; a request for any other piece is parked, unanswered, until the
// hold is released, and is then answered as if it had just come. A hold of one piece (`ServeHold.allBut`) serves every
// piece but that one, so a download runs at full speed and still stays short of its end (a video plays, and seeks, from
// a file that is not whole) without a clock. Never set outside tests: the worker sets it only
// for a page a test opened with its switch (web/src/lib/messages/serve-hold-switch.ts).
import type { ServeHoldSwitch } from '../contract/engine-types';
import type { BlockRequest } from '../picker/block-geometry';

/** The switch a test holds: how many pieces each torrent may serve (or which one piece it may not), and whether
 * that bound still holds. One for every torrent of an engine (its sessions' `HeldRequests` read it). */
export class ServeHold implements ServeHoldSwitch {
  private releasedNow = false;

  constructor(
    readonly pieces: number,
    readonly piece?: number,
  ) {
    if (!(Number.isInteger(pieces) && pieces >= 0)) throw new RangeError(`a hold of ${pieces} pieces`);
    if (piece !== undefined && !(Number.isInteger(piece) && piece >= 0))
      throw new RangeError(`a hold of piece ${piece}`);
  }

  /** A hold on piece `piece` alone: each torrent serves every other piece. */
  static allBut(piece: number): ServeHold {
    return new ServeHold(0, piece);
  }

  get released(): boolean {
    return this.releasedNow;
  }

  /** Every piece may be served from now on; parked requests are answered at each session's next tick. */
  release(): void {
    this.releasedNow = true;
  }
}

/** A request parked by the hold, and whose. */
export interface ParkedRequest<P> {
  peer: P;
  request: BlockRequest;
}

/** One torrent's side of the hold: which pieces it has begun to serve, and the requests parked for the others. */
export class HeldRequests<P> {
  private readonly admitted = new Set<number>();
  private parked: Array<ParkedRequest<P>> = [];

  constructor(private readonly hold: ServeHoldSwitch | undefined) {}

  /** Whether a request for `index` may be served now: always without a hold or once it is released; under it, for
   * the first `pieces` pieces asked for (a piece once admitted stays admitted, so its every block is served), or for
   * every piece but `piece` where the hold names one. */
  admits(index: number): boolean {
    if (!this.hold || this.hold.released || this.admitted.has(index)) return true;
    if (this.hold.piece !== undefined) return index !== this.hold.piece;
    if (this.admitted.size >= this.hold.pieces) return false;
    this.admitted.add(index);
    return true;
  }

  /** Parks a request `admits` refused (a second ask for a block already parked is the same request). */
  park(peer: P, request: BlockRequest): void {
    const { index, begin, length } = request;
    if (this.parked.some((held) => held.peer === peer && same(held.request, index, begin))) return;
    this.parked.push({ peer, request: { index, begin, length } });
  }

  /** A cancel of a parked request: true when it was parked (it is dropped, never answered with its block). */
  cancel(peer: P, index: number, begin: number): boolean {
    const before = this.parked.length;
    this.parked = this.parked.filter((held) => !(held.peer === peer && same(held.request, index, begin)));
    return this.parked.length < before;
  }

  /** The peer is gone (closed, or choked: its requests are discarded): its parked requests go with it. */
  forget(peer: P): void {
    this.parked = this.parked.filter((held) => held.peer !== peer);
  }

  /** Once the hold is released, the parked requests, oldest first, to be answered now (each once); none before. */
  takeReleased(): Array<ParkedRequest<P>> {
    if (!this.hold?.released || this.parked.length === 0) return [];
    const taken = this.parked;
    this.parked = [];
    return taken;
  }

  /** Requests parked now. */
  get size(): number {
    return this.parked.length;
  }
}

function same(request: BlockRequest, index: number, begin: number): boolean {
  return request.index === index && request.begin === begin;
}
