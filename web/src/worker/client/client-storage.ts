// Where the client keeps its torrents: the records, each torrent's pieces (one file per torrent in the piece
// directory, else the key-value store), and a v2 torrent's piece layers beside its record.
import { storageErrorReason, torrentKey, totalsKey, type KeyValueStore } from '../../lib/storage/storage';
import { BatchWriter, type BatchWriterOptions } from '../storage/batch-writer';
import { PieceCache } from '../storage/piece-cache';
import {
  PIECE_FILE_TRANSACTION_MS,
  PieceFiles,
  SyncFilePieceStorage,
  type PieceLayout,
} from '../storage/piece-file';
import type { PieceStorage } from '../../../../shared/host/piece-storage';
import { KeyValuePieceStorage } from '../storage/key-value-storage';
import {
  SHARE_STORAGE_PREFIX,
  deleteOrphanedShares,
  pieceLayersEntry,
  pieceLayersKey,
  recordEntry,
  storedPieceLayers,
  type TorrentRecord,
} from '../storage/records';
import type { SyncFileDirectory } from '../storage/sync-file';

export interface ClientStorageOptions {
  writer?: BatchWriterOptions;
  /** Bytes of pieces kept in memory for serving peers (default 32 MiB). */
  cacheBytes?: number;
  /** Where piece bytes go, one file per torrent (the origin-private file system); without it, into the store. */
  pieceDirectory?: SyncFileDirectory;
}

export class ClientStorage {
  /** Records and pieces are written through the same batches. */
  readonly writer: BatchWriter;
  private readonly cache: PieceCache;
  private readonly files: PieceFiles | undefined;

  constructor(
    readonly store: KeyValueStore,
    options: ClientStorageOptions = {},
  ) {
    this.writer = new BatchWriter(store, {
      ...(options.pieceDirectory ? { minIntervalMs: PIECE_FILE_TRANSACTION_MS } : {}),
      ...options.writer,
    });
    this.cache = new PieceCache(store, this.writer, options.cacheBytes);
    this.files = options.pieceDirectory && new PieceFiles(options.pieceDirectory, store, this.writer);
  }

  /** A torrent's stored pieces: in its file where there is a piece directory (with what IndexedDB holds from
   * before), else in the key-value store. */
  storedPieces(storageId: string, writer: BatchWriter, layout: () => PieceLayout | undefined): PieceStorage {
    const keyValue = new KeyValuePieceStorage(this.store, writer, this.cache, storageId);
    return this.files ? new SyncFilePieceStorage(this.files, storageId, layout, keyValue) : keyValue;
  }

  /** The pieces of a share being hashed or checked: its own writes, in big transactions (nothing else writes under
   * its id, and all are written before its record is). */
  sharePieces(storageId: string, layout: () => PieceLayout | undefined): PieceStorage {
    const writer = new BatchWriter(this.store, { maxEntries: 1024, maxBytes: 8 * 1024 * 1024, delayMs: 0 });
    return this.storedPieces(storageId, writer, layout);
  }

  /** Deletes the pieces of shares that never got a record (a reload cut their hashing short). */
  async deleteOrphans(records: readonly TorrentRecord[]): Promise<void> {
    await deleteOrphanedShares(this.store, [...records]);
    await this.files?.deleteOrphans(new Set(records.map((record) => record.storageId)), SHARE_STORAGE_PREFIX);
  }

  /** Writes records in one transaction; a storage failure here is left to the torrents' own writes to report. */
  async writeRecords(records: TorrentRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.store.setMany(records.map(recordEntry));
    } catch {
      // reported when the torrent itself writes
    }
  }

  /** Deletes a torrent's record, then its pieces, after the writes already queued, so none lands afterwards. (Pieces
   * left by a failure in between were verified: adding the torrent again resumes from them.) */
  async deleteStorage(pieces: PieceStorage, record?: TorrentRecord): Promise<void> {
    try {
      // Both deletes are queued now, in this turn, ahead of anything asked after the remove.
      const recordDeleted =
        record &&
        this.writer.after(() =>
          this.store.delMany([
            torrentKey(record.infoHashHex),
            totalsKey(record.infoHashHex),
            pieceLayersKey(record.infoHashHex),
          ]),
        );
      await Promise.all([recordDeleted, pieces.deleteAll()]);
    } catch (error) {
      console.warn(`could not delete stored data: ${storageErrorReason(error)}`);
    }
  }

  /** Keeps a v2 torrent's piece layers beside its record. A failure loses only the layers of the .torrent handed
   * out: v1 clients never need them, and v2 ones ask peers. */
  async keepPieceLayers(infoHashHex: string, layers: ReadonlyMap<string, Uint8Array>): Promise<void> {
    try {
      await this.store.setMany([pieceLayersEntry(infoHashHex, layers)]);
    } catch {
      // see above
    }
  }

  /** A torrent's piece layers as stored beside its record (pieceLayersKey), if any. */
  async storedLayers(infoHashHex: string): Promise<Map<string, Uint8Array> | undefined> {
    try {
      const [stored] = await this.store.getMany([pieceLayersKey(infoHashHex)]);
      return storedPieceLayers(stored);
    } catch {
      return undefined;
    }
  }
}
