// The endgame and parole. Once every missing block is requested, a peer may be asked for blocks already asked of
// others (at most `endgameDuplicates` askers per block, never twice the same peer); a piece past its deadline may be
// asked of a second peer the same way. Pieces that failed with blocks from several peers are on parole: fetched
// again from one peer at a time, so that a second failure names its sender and a success gives good blocks to
// compare the failed ones with (smart ban).
import type { BlockGeometry, WorkMeter } from './block-geometry';
import {
  REQUESTED,
  type ActivePiece,
  type PeerRequests,
  type RequestBatch,
  type RequestLedger,
} from './request-ledger';

/** What the endgame remembers of one peer. */
export interface PeerEndgame {
  /** `thinGeneration` when an endgame search found nothing more for this peer. */
  thinScanAt: number;
}

export class Endgame {
  /** Pieces on parole. */
  readonly parole = new Set<number>();

  constructor(
    private readonly geometry: BlockGeometry,
    private readonly ledger: RequestLedger,
    private readonly peers: ReadonlyMap<string, unknown>,
    private readonly endgameDuplicates: number,
    private readonly meter: WorkMeter,
  ) {}

  /** May the peer be given blocks of this piece? Always, unless it is on parole and held by another peer (the peer
   * takes it over when so). */
  mayTake(piece: ActivePiece, peer: string): boolean {
    if (!this.parole.has(piece.index)) return true;
    if (piece.owner !== undefined && piece.owner !== peer && this.holdsParole(piece, piece.owner))
      return false;
    piece.owner = peer;
    return true;
  }

  /** Is the owner of a piece on parole still at it: connected, and asked for some of it or sent some? */
  private holdsParole(piece: ActivePiece, owner: string): boolean {
    if (!this.peers.has(owner)) return false;
    if (piece.received > 0) return true;
    return piece.askers.some((askers) => askers?.includes(owner));
  }

  /** Duplicates of blocks already asked of others, the thin ones first come. */
  endgameRequests(batch: RequestBatch<PeerEndgame & PeerRequests>): void {
    const { peer, state, peerHas, count, out } = batch;
    const { ledger } = this;
    if (state.thinScanAt === ledger.thinGeneration) return;
    for (const key of ledger.thin) {
      this.meter.work++;
      const index = this.geometry.pieceOf(key);
      const block = key - index * this.geometry.blocksPerPiece;
      if (!peerHas.get(index) || ledger.active.get(index)!.askers[block]!.includes(peer)) continue;
      if (this.parole.has(index) && ledger.active.get(index)!.owner !== peer) continue;
      ledger.ask(ledger.active.get(index)!, block, batch);
      if (out.length >= count) return;
    }
    state.thinScanAt = ledger.thinGeneration;
  }

  /** A piece past its deadline: its blocks still on their way may also be asked of this peer (once more each). */
  duplicateLate(piece: ActivePiece, batch: RequestBatch): void {
    if (this.parole.has(piece.index)) return;
    for (let block = 0; block < piece.blocks && batch.out.length < batch.count; block++) {
      const askers = piece.askers[block];
      if (piece.state[block] !== REQUESTED || !askers || askers.includes(batch.peer)) continue;
      if (askers.length >= Math.max(2, this.endgameDuplicates)) continue;
      this.ledger.ask(piece, block, batch);
    }
  }
}
