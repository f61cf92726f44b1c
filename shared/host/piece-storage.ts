// One torrent's verified pieces behind a few methods (the shape of anacrolix/torrent's storage): the torrent hosts,
// Save and share talk only to this interface, and every adapter implements it (the worker's stores over IndexedDB and
// OPFS, the Node host's files on disk). `testing/piece-storage-contract.ts` is the suite each implementation runs;
// `MemoryPieceStorage` is a plain one for tests.
import { Bitfield } from '../codec/bitfield';

export interface PieceStorage {
  /** Stores a verified piece; resolves once it is written (with the other writes of its batch). */
  writePiece(index: number, data: ArrayBuffer): Promise<void>;
  /** `length` bytes at `begin` of a stored piece, as a view of a buffer the storage may keep (do not transfer it).
   * Rejects when the piece is not stored or the range is outside it. */
  readBlock(index: number, begin: number, length: number): Promise<Uint8Array>;
  /** Whole stored pieces, in the order asked (Save builds files from them). Rejects when one is missing. */
  readPieces(indices: number[]): Promise<ArrayBuffer[]>;
  /** The pieces stored: what a reload resumes from (a piece is stored only after its hash matched). */
  verifiedPieces(pieceCount: number): Promise<Bitfield>;
  /** Deletes every piece, after the writes already queued (so none lands afterwards). */
  deleteAll(): Promise<void>;
  /** Gets ready for the first write of a download (a piece file opened, its map loaded), so that write is queued in
   * its own turn and lands with what the caller queues with it. Optional; failures show at the write. */
  prepare?(): void;
}

/** A read outside the stored piece, or of a piece that is not stored. */
export class PieceReadError extends Error {
  override name = 'PieceReadError';
}

export function pieceBlock(
  buffer: ArrayBuffer | undefined,
  index: number,
  begin: number,
  length: number,
): Uint8Array {
  if (!buffer) throw new PieceReadError(`piece ${index} is missing from storage`);
  if (!(begin >= 0 && length >= 0 && begin + length <= buffer.byteLength))
    throw new PieceReadError(`read beyond piece ${index}`);
  return new Uint8Array(buffer, begin, length);
}

/** Pieces in a Map: for tests of what sits above the storage, and the contract test of the interface. */
export class MemoryPieceStorage implements PieceStorage {
  readonly pieces = new Map<number, ArrayBuffer>();

  async writePiece(index: number, data: ArrayBuffer): Promise<void> {
    this.pieces.set(index, data);
  }

  async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    return pieceBlock(this.pieces.get(index), index, begin, length);
  }

  async readPieces(indices: number[]): Promise<ArrayBuffer[]> {
    return indices.map((index) => {
      const piece = this.pieces.get(index);
      if (!piece) throw new PieceReadError(`piece ${index} is missing from storage`);
      return piece;
    });
  }

  async verifiedPieces(pieceCount: number): Promise<Bitfield> {
    const have = new Bitfield(pieceCount);
    for (const index of this.pieces.keys()) if (index < pieceCount) have.set(index);
    return have;
  }

  async deleteAll(): Promise<void> {
    this.pieces.clear();
  }
}
