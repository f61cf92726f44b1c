// The pieces a web seed is filling: its bytes come as a stream in a file's coordinates and land in piece buffers
// by their place in the torrent; a piece is handed on as soon as every byte a seed sends for it is in (pad bytes
// are zeros), so a playing file gets it before the rest of a long request arrives. A piece's buffer is taken when
// its first byte comes, not when it is asked for: a 16 MiB request holds no memory for its pieces still to come,
// and a buffer the engine uses again (download/piece-pool.ts) is out for as short a time as it can be.
import { seedBytesOfPiece, type SeedGeometry } from './file-ranges';

interface Filling {
  /** Taken with the piece's first byte. */
  data: Uint8Array | undefined;
  /** Bytes still to come from the seed. */
  missing: number;
}

export class PieceAssembly {
  private readonly filling = new Map<number, Filling>();

  constructor(
    private readonly geometry: SeedGeometry,
    private readonly pieceSize: (index: number) => number,
    /** A buffer of `size` bytes, whatever it holds (a fresh one, or one used before). */
    private readonly buffer: (size: number) => Uint8Array = (size) => new Uint8Array(size),
  ) {}

  /** Starts piece `index`. */
  open(index: number): void {
    this.filling.set(index, { data: undefined, missing: seedBytesOfPiece(this.geometry, index) });
  }

  has(index: number): boolean {
    return this.filling.has(index);
  }

  drop(index: number): void {
    this.filling.delete(index);
  }

  /** Bytes at torrent offset `at`: the pieces they complete, with their data, in order. */
  write(at: number, data: Uint8Array): Array<{ index: number; data: Uint8Array }> {
    const done: Array<{ index: number; data: Uint8Array }> = [];
    const { pieceLength } = this.geometry;
    let written = 0;
    while (written < data.length) {
      const offset = at + written;
      const index = Math.floor(offset / pieceLength);
      const begin = offset - index * pieceLength;
      const count = Math.min(data.length - written, pieceLength - begin);
      const piece = this.filling.get(index);
      if (piece) {
        const buffer = (piece.data ??= this.taken(index, piece.missing));
        buffer.set(data.subarray(written, written + count), begin);
        piece.missing -= count;
        if (piece.missing <= 0) {
          this.filling.delete(index);
          done.push({ index, data: buffer });
        }
      }
      written += count;
    }
    return done;
  }

  /** Piece `index`'s buffer, zeroed where the seed sends nothing (pad files) when it holds such bytes. */
  private taken(index: number, seedBytes: number): Uint8Array {
    const size = this.pieceSize(index);
    const data = this.buffer(size);
    if (seedBytes < size) data.fill(0);
    return data;
  }
}
