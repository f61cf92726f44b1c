// The verified pieces of a torrent: one bitfield with its count and bytes, and one owner. A piece is added once it
// is stored (`Downloader.stored`, the step that records a stored piece); everyone else (the picker, the uploader,
// the session's stats, the worker's torrent host) reads it through `VerifiedView` and keeps no copy.
import { Bitfield } from '../../codec/bitfield';

/** The geometry the bytes are counted with (a TorrentInfo fits). */
export interface PieceSizes {
  readonly pieceCount: number;
  readonly pieceLength: number;
  /** The torrent's length in bytes. */
  readonly length: number;
}

/** What readers of the verified pieces see. */
export interface VerifiedView {
  readonly pieceCount: number;
  get(index: number): boolean;
  /** Pieces verified. */
  readonly count: number;
  /** Every piece is verified. */
  readonly complete: boolean;
  /** Bytes of the torrent in verified pieces. */
  bytes(): number;
}

export class VerifiedPieces implements VerifiedView {
  private readonly bits: Bitfield;
  private verified: number;

  /** Starts from `initial` (copied), or from nothing. */
  constructor(
    private readonly sizes: PieceSizes,
    initial?: Bitfield,
  ) {
    if (initial && initial.length !== sizes.pieceCount)
      throw new RangeError('have does not match the piece count');
    this.bits = initial ? initial.clone() : new Bitfield(sizes.pieceCount);
    this.verified = this.bits.count();
  }

  get pieceCount(): number {
    return this.sizes.pieceCount;
  }

  get(index: number): boolean {
    return this.bits.get(index);
  }

  get count(): number {
    return this.verified;
  }

  get complete(): boolean {
    return this.verified === this.sizes.pieceCount;
  }

  bytes(): number {
    const { pieceCount, pieceLength, length } = this.sizes;
    const last = pieceCount - 1;
    if (last < 0) return 0;
    const lastHad = this.bits.get(last);
    return (this.verified - (lastHad ? 1 : 0)) * pieceLength + (lastHad ? length - last * pieceLength : 0);
  }

  /** The bitfield itself, for readers that need one (the wire's bitfield message, the uploader): never written
   * through this reference. */
  get bitfield(): Bitfield {
    return this.bits;
  }

  /** Records a verified, stored piece: the only way a bit is set. False when it was already recorded. */
  add(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.sizes.pieceCount)
      throw new RangeError(`piece ${index} is outside a torrent of ${this.sizes.pieceCount} pieces`);
    if (this.bits.get(index)) return false;
    this.bits.set(index);
    this.verified++;
    return true;
  }
}
