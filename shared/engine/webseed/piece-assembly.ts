// The pieces a web seed is filling: its bytes come as a stream in a file's coordinates and land in piece buffers
// by their place in the torrent; a piece is handed on as soon as every byte a seed sends for it is in (pad bytes
// stay the zeros they are), so a playing file gets it before the rest of a long request arrives.
import { seedBytesOfPiece, type SeedGeometry } from './file-ranges';

interface Filling {
  data: Uint8Array;
  /** Bytes still to come from the seed. */
  missing: number;
}

export class PieceAssembly {
  private readonly filling = new Map<number, Filling>();

  constructor(
    private readonly geometry: SeedGeometry,
    private readonly pieceSize: (index: number) => number,
  ) {}

  /** Starts piece `index` (a fresh buffer). */
  open(index: number): void {
    this.filling.set(index, {
      data: new Uint8Array(this.pieceSize(index)),
      missing: seedBytesOfPiece(this.geometry, index),
    });
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
        piece.data.set(data.subarray(written, written + count), begin);
        piece.missing -= count;
        if (piece.missing <= 0) {
          this.filling.delete(index);
          done.push({ index, data: piece.data });
        }
      }
      written += count;
    }
    return done;
  }
}
