// The app's PieceStorage over the worker's key-value store (IndexedDB, see lib/storage/storage-idb.ts), with the
// batched writes (BatchWriter) and the read cache for serving (PieceCache) behind it.
import { Bitfield } from '../../../../shared/codec/bitfield';
import { PieceReadError, pieceBlock, type PieceStorage } from '../../../../shared/host/piece-storage';
import { pieceIndexOfKey, pieceKey, piecePrefix, type KeyValueStore } from '../../lib/storage/storage';
import type { BatchWriter } from './batch-writer';
import type { PieceCache } from './piece-cache';

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
