// A torrent's pieces cut into blocks: sizes, block keys (one number per block of the torrent) and the checks on
// indices and offsets that every part of the picker shares.
import type { Bitfield } from '../../codec/bitfield';

/** A request for one block. */
export interface BlockRequest {
  index: number;
  begin: number;
  length: number;
}

/** A block request and the peer it is (or was) asked of. */
export type PeerBlockRequest = { peer: string } & BlockRequest;

/** Units of search work done so far (pieces, blocks and bytes looked at), shared by the picker's parts; for tests
 * and profiling. */
export interface WorkMeter {
  work: number;
}

/** Throws RangeError unless the counts are whole and positive and the total length fills the last piece. */
function checkGeometry(
  pieceCount: number,
  pieceLength: number,
  totalLength: number,
  blockSize: number,
): void {
  if (!Number.isInteger(pieceCount) || pieceCount < 0)
    throw new RangeError(`invalid piece count ${pieceCount}`);
  if (!Number.isInteger(pieceLength) || pieceLength <= 0)
    throw new RangeError(`invalid piece length ${pieceLength}`);
  if (!Number.isInteger(blockSize) || blockSize <= 0) throw new RangeError(`invalid block size ${blockSize}`);
  if (!fitsPieces(totalLength, pieceCount, pieceLength)) {
    throw new RangeError(`total length ${totalLength} does not fit ${pieceCount} pieces of ${pieceLength}`);
  }
}

/** The total length ends in the last piece: more than the pieces before it, at most all of them. */
function fitsPieces(totalLength: number, pieceCount: number, pieceLength: number): boolean {
  if (!Number.isSafeInteger(totalLength) || totalLength < 0) return false;
  if (pieceCount === 0) return totalLength === 0;
  return totalLength <= pieceCount * pieceLength && totalLength > (pieceCount - 1) * pieceLength;
}

export class BlockGeometry {
  readonly blocksPerPiece: number;
  private readonly lastPieceLength: number;

  constructor(
    readonly pieceCount: number,
    readonly pieceLength: number,
    readonly totalLength: number,
    readonly blockSize: number,
  ) {
    checkGeometry(pieceCount, pieceLength, totalLength, blockSize);
    this.blocksPerPiece = Math.ceil(pieceLength / blockSize);
    this.lastPieceLength = pieceCount === 0 ? 0 : totalLength - (pieceCount - 1) * pieceLength;
  }

  pieceSize(index: number): number {
    return index === this.pieceCount - 1 ? this.lastPieceLength : this.pieceLength;
  }

  blockCount(index: number): number {
    return Math.ceil(this.pieceSize(index) / this.blockSize);
  }

  blockLength(index: number, block: number): number {
    return Math.min(this.blockSize, this.pieceSize(index) - block * this.blockSize);
  }

  /** One number per block of the torrent. */
  key(index: number, block: number): number {
    return index * this.blocksPerPiece + block;
  }

  pieceOf(key: number): number {
    return Math.floor(key / this.blocksPerPiece);
  }

  request(key: number): BlockRequest {
    const index = this.pieceOf(key);
    const block = key - index * this.blocksPerPiece;
    return { index, begin: block * this.blockSize, length: this.blockLength(index, block) };
  }

  /** The block of `index` that starts at `begin`, or -1 when there is none (a bad index or offset). */
  blockAt(index: number, begin: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return -1;
    if (!Number.isInteger(begin) || begin < 0 || begin % this.blockSize !== 0) return -1;
    const block = begin / this.blockSize;
    return block < this.blockCount(index) ? block : -1;
  }

  checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw new RangeError(`piece ${index} is outside a torrent of ${this.pieceCount} pieces`);
    }
  }

  checkField(field: Bitfield): void {
    if (field.length !== this.pieceCount) {
      throw new RangeError(`bitfield of ${field.length} pieces for a torrent of ${this.pieceCount}`);
    }
  }
}
