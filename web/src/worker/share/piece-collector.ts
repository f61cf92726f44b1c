// A v1 share's pieces assembled from its files' reads: the files are read one after the other, so a piece may span
// two files (or more) and arrive in several reads.

interface PartialPiece {
  bytes: Uint8Array;
  filled: number;
}

export class PieceCollector {
  private readonly partial = new Map<number, PartialPiece>();

  constructor(
    private readonly pieceLength: number,
    /** The bytes of all the files together. */
    private readonly total: number,
    /** Takes each piece once whole; its promise settles when the piece may be counted as stored. */
    private readonly store: (index: number, data: ArrayBuffer) => Promise<void>,
  ) {}

  /** Pieces begun but not yet whole. */
  get pending(): number {
    return this.partial.size;
  }

  /** Takes `bytes` read at `position` of the concatenated files; stores every piece they complete. */
  async collect(position: number, bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const at = position + done;
      const index = Math.floor(at / this.pieceLength);
      const pieceStart = index * this.pieceLength;
      const size = Math.min(this.pieceLength, this.total - pieceStart);
      if (!this.partial.has(index) && at === pieceStart && bytes.length - done >= size) {
        // A whole piece in one read (the usual case): copied out of its chunk once, into a buffer of its own.
        await this.store(index, bytes.slice(done, done + size).buffer);
        done += size;
        continue;
      }
      done += await this.fill(index, size, at - pieceStart, bytes.subarray(done));
    }
  }

  /** Copies what fits of `bytes` into the piece at `offset`, storing it once whole; returns the bytes taken. */
  private async fill(index: number, size: number, offset: number, bytes: Uint8Array): Promise<number> {
    let piece = this.partial.get(index);
    if (!piece) {
      piece = { bytes: new Uint8Array(size), filled: 0 };
      this.partial.set(index, piece);
    }
    const n = Math.min(bytes.length, size - offset);
    piece.bytes.set(bytes.subarray(0, n), offset);
    piece.filled += n;
    if (piece.filled >= size) {
      this.partial.delete(index);
      await this.store(index, piece.bytes.buffer as ArrayBuffer);
    }
    return n;
  }
}
