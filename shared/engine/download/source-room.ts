// Sources other than peers (web seeds, webseed/scheduler.ts) in the download: they claim pieces on the wishlist
// under their own key, so no peer is asked for blocks they are bringing and a piece a peer already asked for stays
// with that peer; and they bring whole pieces, checked like any other, whose failure is theirs alone (a source is
// told of a bad piece, never banned). Their pieces' buffers come from a pool where the adapter allows it
// (piece-pool.ts) and go back to it once their piece is stored or refused, failed its check, or was not needed.
import { Bitfield } from '../../codec/bitfield';
import { pieceSize, type TorrentInfo } from '../../codec/metainfo';
import { BLOCK_SIZE } from '../../codec/wire';
import type { Wishlist } from '../picker/wishlist';
import type { BlockReceipt } from '../picker/request-ledger';
import { PiecePool } from './piece-pool';

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
  /** The adapter lets pieces' buffers be used again (EngineConfig.reusePieceBuffers): sources' come from a pool. */
  reuseBuffers: boolean;
}

export class SourceRoom {
  /** Pieces a source brought, while they are checked. */
  private readonly sourced = new Map<number, PieceSource>();
  /** The buffers of pieces a source brought, while they are stored (only with a pool). */
  private readonly storing = new Map<number, Uint8Array>();
  /** Where sources' piece buffers come from and go back to; none: each a fresh buffer. */
  private readonly pool: PiecePool | undefined;

  constructor(
    private readonly info: TorrentInfo,
    private readonly wishlist: Wishlist,
    private readonly ports: SourceRoomPorts,
  ) {
    this.pool = ports.reuseBuffers ? new PiecePool() : undefined;
  }

  /** A buffer for a source's piece of `size` bytes (one used before holds its last bytes). */
  buffer(size: number): Uint8Array {
    return this.pool ? this.pool.take(size) : new Uint8Array(size);
  }

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
    if (!this.ports.needs(index) || this.sourced.has(index)) return this.pool?.give(data);
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

  /** A source's piece was checked: `good`, it goes to the store (its buffer comes back once stored or refused);
   * bad, its buffer is free now (nothing keeps a bad piece's bytes: a source is not judged block by block). */
  checked(index: number, data: Uint8Array, good: boolean): void {
    if (!this.pool) return;
    if (good) this.storing.set(index, data);
    else this.pool.give(data);
  }

  /** A piece's store ended (stored, or refused): a source's piece buffer is free; `ended`: the download has every
   * piece it wants, and the pool lets its buffers go. */
  landed(index: number, ended: boolean): void {
    const data = this.storing.get(index);
    this.storing.delete(index);
    if (data) this.pool?.give(data);
    if (ended) this.pool?.drain();
  }
}
