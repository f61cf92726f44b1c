// Sources other than peers (web seeds, webseed/scheduler.ts) in the download: they claim pieces on the wishlist
// under their own key, so no peer is asked for blocks they are bringing and a piece a peer already asked for stays
// with that peer; and they bring whole pieces, checked like any other, whose failure is theirs alone (a source is
// told of a bad piece, never banned).
import { Bitfield } from '../../codec/bitfield';
import { pieceSize, type TorrentInfo } from '../../codec/metainfo';
import { BLOCK_SIZE } from '../../codec/wire';
import type { Wishlist } from '../picker/wishlist';
import type { BlockReceipt } from '../picker/request-ledger';

/** A source that is not a peer: told of a bad piece it brought. */
export interface PieceSource {
  readonly key: string;
  bad(index: number): void;
}

export interface SourceRoomPorts {
  /** Is the piece missing, wanted, and not being stored? */
  needs(index: number): boolean;
  /** Keep the whole piece as the one being assembled, and have it checked. */
  assemble(index: number, data: Uint8Array): void;
  /** Cancel peers' duplicate requests the piece made needless. */
  cancel(cancels: BlockReceipt['cancels']): void;
  refill(): void;
  /** Pieces being stored. */
  storing(): number;
}

export class SourceRoom {
  /** Pieces a source brought, while they are checked. */
  private readonly sourced = new Map<number, PieceSource>();

  constructor(
    private readonly info: TorrentInfo,
    private readonly wishlist: Wishlist,
    private readonly ports: SourceRoomPorts,
  ) {}

  needs(index: number): boolean {
    return this.ports.needs(index);
  }

  /** Peers that have the piece (a source shows none outside its claims). */
  availability(index: number): number {
    return this.wishlist.availability(index);
  }

  /** Pieces handed on and not yet stored: those sources brought that are being checked, and those being stored. */
  get unsettled(): number {
    return this.sourced.size + this.ports.storing();
  }

  get wantedMissing(): number {
    return this.wishlist.wantedMissing;
  }

  /** Claims pieces for a source: it asks for every block of them no peer asked for; returns the pieces it got blocks
   * of. Afterwards it shows no piece, so availabilities stay the peers'. */
  claim(key: string, pieces: readonly number[], now: number): Set<number> {
    const { pieceCount } = this.info;
    const field = new Bitfield(pieceCount);
    let blocks = 0;
    for (const index of pieces) {
      field.set(index);
      blocks += Math.ceil(pieceSize(this.info, index) / BLOCK_SIZE);
    }
    this.wishlist.peerBitfield(key, field);
    const granted = new Set(this.wishlist.nextRequests(key, blocks, now).map((request) => request.index));
    this.wishlist.peerBitfield(key, new Bitfield(pieceCount));
    return granted;
  }

  /** The source's requests for these pieces go back to the pool. */
  release(key: string, pieces: ReadonlySet<number>): void {
    if (this.wishlist.releasePeer(key, (index) => !pieces.has(index)).length > 0) this.ports.refill();
  }

  /** A whole piece from a source: its blocks are taken off the wishlist, and it is checked. */
  piece(source: PieceSource, index: number, data: Uint8Array): void {
    if (!this.ports.needs(index) || this.sourced.has(index)) return;
    for (let begin = 0; begin < data.length; begin += BLOCK_SIZE) {
      const result = this.wishlist.receive(
        source.key,
        index,
        begin,
        Math.min(BLOCK_SIZE, data.length - begin),
      );
      if (result) this.ports.cancel(result.cancels);
    }
    this.sourced.set(index, source);
    this.ports.assemble(index, data);
  }

  /** The source of a piece being checked, forgotten: undefined when peers brought it. */
  take(index: number): PieceSource | undefined {
    const source = this.sourced.get(index);
    this.sourced.delete(index);
    return source;
  }
}
