// One torrent's verified pieces behind a few methods (the shape of anacrolix/torrent's storage): the torrent host,
// Save and share talk only to this interface. `KeyValuePieceStorage` is the app's implementation, over the worker's
// key-value store (IndexedDB, see lib/storage/storage-idb.ts) with the batched writes (BatchWriter) and the read
// cache for serving (PieceCache) behind it; `MemoryPieceStorage` is a plain one for tests.
import { Bitfield } from '../../../../shared/codec/bitfield';
import { pieceIndexOfKey, pieceKey, piecePrefix, type KeyValueStore } from '../../lib/storage/storage';
import type { BatchWriter } from './batch-writer';
import type { PieceCache } from './piece-cache';

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

export class KeyValuePieceStorage implements PieceStorage {
  constructor(
    private readonly store: KeyValueStore,
    private readonly writer: BatchWriter,
    private readonly cache: PieceCache,
    /** Pieces live under piece:<storageId>:<index> (the info hash, or the id a share was hashed under). */
    readonly storageId: string,
  ) {}

  writePiece(index: number, data: ArrayBuffer): Promise<void> {
    return this.writer.put(pieceKey(this.storageId, index), data);
  }

  async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    return pieceBlock(await this.cache.read(pieceKey(this.storageId, index)), index, begin, length);
  }

  async readPieces(indices: number[]): Promise<ArrayBuffer[]> {
    const keys = indices.map((index) => pieceKey(this.storageId, index));
    // Pieces still waiting in the write batch are taken from it; the rest come from the store in one read.
    const result: Array<ArrayBuffer | undefined> = keys.map((key) => {
      const pending = this.writer.peek(key);
      return pending instanceof ArrayBuffer ? pending : undefined;
    });
    const missing = keys.filter((_, k) => result[k] === undefined);
    if (missing.length > 0) {
      const values = await this.store.getMany(missing);
      let m = 0;
      for (let k = 0; k < result.length; k++) {
        if (result[k] !== undefined) continue;
        const value = values[m++];
        if (!(value instanceof ArrayBuffer))
          throw new PieceReadError(`piece ${indices[k]} is missing from storage`);
        result[k] = value;
      }
    }
    return result as ArrayBuffer[];
  }

  async verifiedPieces(pieceCount: number): Promise<Bitfield> {
    // After any delete still queued (a remove of the same torrent just before).
    const keys = await this.writer.after(() => this.store.keys(piecePrefix(this.storageId)));
    const have = new Bitfield(pieceCount);
    for (const key of keys) {
      const index = pieceIndexOfKey(key);
      if (index >= 0 && index < pieceCount) have.set(index);
    }
    return have;
  }

  async deleteAll(): Promise<void> {
    const prefix = piecePrefix(this.storageId);
    this.writer.discard(prefix);
    this.cache.forget(prefix);
    await this.writer.after(async () => {
      const keys = await this.store.keys(prefix);
      if (keys.length > 0) await this.store.delMany(keys);
    });
  }
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
