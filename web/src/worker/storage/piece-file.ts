// Piece bytes in one file per torrent (the origin-private file system through a synchronous access handle, or
// any SyncFile): piece i at byte i × piece length. The verified-piece map stays in the key-value store
// (verified:<storageId>) and a piece's bit is written only after its bytes were flushed, so a crash never leaves a
// verified piece without its bytes. Pieces a torrent stored before this store existed (IndexedDB entries
// piece:<storageId>:<index>) are still read from there, and deleted with the rest.
import { Bitfield } from '../../../../shared/codec/bitfield';
import { verifiedKey, type KeyValueStore } from '../../lib/storage/storage';
import { VerifiedMap } from '../../lib/storage/verified-map';
import type { BatchWriter } from './batch-writer';
import { PieceReadError, type PieceStorage } from '../../../../shared/host/piece-storage';
import type { SyncFile, SyncFileDirectory } from './sync-file';

/** The engine's writer starts a transaction (a flush of the piece files and the verified maps) at most this often
 * while pieces keep coming (BatchWriterOptions.minIntervalMs): twenty flushes a second cost a fast download's worker
 * about a tenth of its time. */
export const PIECE_FILE_TRANSACTION_MS = 200;

/** Where the pieces sit in the file: the info's piece length and total length. */
export interface PieceLayout {
  pieceLength: number;
  length: number;
}

/** One storage id's file and verified map, shared by every PieceStorage made for it (the handle is exclusive). */
class PieceFile {
  private file: SyncFile | undefined;
  /** Written since the last flush. */
  private dirty = false;
  private opening: Promise<SyncFile> | undefined;
  private verified: VerifiedMap | undefined;
  private loading: Promise<VerifiedMap> | undefined;
  /** A delete in progress: opens and loads wait for it. */
  private deleting: Promise<void> = Promise.resolve();
  /** Bumped by each delete: an open or a load begun before it does not become this file's state. */
  private generation = 0;

  constructor(
    private readonly files: PieceFiles,
    readonly storageId: string,
  ) {}

  private get key(): string {
    return verifiedKey(this.storageId);
  }

  /** The verified map, loaded once (after the writes already queued). */
  map(): VerifiedMap | Promise<VerifiedMap> {
    if (this.verified) return this.verified;
    if (!this.loading) {
      const generation = this.generation;
      const loading: Promise<VerifiedMap> = this.deleting
        .then(() => this.files.writer.after(() => this.files.store.getMany([this.key])))
        .then(([value]) => {
          const map = VerifiedMap.fromStored(value);
          if (generation === this.generation) this.verified ??= map;
          return this.verified ?? map;
        })
        .finally(() => {
          if (this.loading === loading) this.loading = undefined;
        });
      this.loading = loading;
    }
    return this.loading;
  }

  handle(): SyncFile | Promise<SyncFile> {
    if (this.file) return this.file;
    if (!this.opening) {
      const generation = this.generation;
      const opening: Promise<SyncFile> = this.deleting
        .then(() => this.files.directory.open(this.storageId))
        .then((file) => {
          if (generation === this.generation) this.file = file;
          return file;
        })
        .finally(() => {
          if (this.opening === opening) this.opening = undefined;
        });
      this.opening = opening;
    }
    return this.opening;
  }

  /**
   * Writes, then queues the map with the piece's bit: in this turn once the file is open and the map loaded, so the
   * map lands in the transaction of whatever the caller queues with it (BatchWriter.together). The file is flushed
   * before that transaction is written (flushIfDirty, run by the writer), once for all the pieces it counts.
   */
  write(index: number, offset: number, data: Uint8Array, full: () => Promise<void>): Promise<void> {
    const file = this.file;
    const map = this.verified;
    if (file && map) return this.writeNow(file, map, index, offset, data, full);
    const generation = this.generation;
    return Promise.all([this.handle(), this.map()]).then(([f, m]) =>
      // Deleted meanwhile: nothing is written (as a queued write a delete discards).
      generation === this.generation ? this.writeNow(f, m, index, offset, data, full) : undefined,
    );
  }

  private writeNow(
    file: SyncFile,
    map: VerifiedMap,
    index: number,
    offset: number,
    data: Uint8Array,
    /** Where the piece goes when the file may not grow to hold it (the quota). */
    full: () => Promise<void>,
  ): Promise<void> {
    try {
      // Chromium answers a write past the quota with a short count (not an exception): both mean the disk is full.
      const written = file.write(data, offset);
      if (written !== data.length) return full();
      this.dirty = true;
    } catch (error) {
      return isQuotaError(error) ? full() : Promise.reject(error);
    }
    map.add(index);
    return this.files.writer.put(this.key, map.toStored() as unknown as Record<string, unknown>);
  }

  /** Makes the writes so far durable (before the map that counts them is written). */
  flushIfDirty(): void {
    if (!this.dirty || !this.file) return;
    this.file.flush();
    this.dirty = false;
  }

  /** Closes the file, then deletes it and the map (after the writes already queued). */
  delete(): Promise<void> {
    // From now on, opens and loads wait for the delete and start from nothing.
    const previous = this.deleting;
    const opening = this.opening;
    const loading = this.loading;
    const file = this.file;
    this.generation++;
    this.file = undefined;
    this.opening = undefined;
    this.verified = undefined;
    this.loading = undefined;
    this.dirty = false;
    this.files.writer.discard(this.key);
    const deleted = (async () => {
      await previous;
      const [opened] = await Promise.allSettled([opening, loading]);
      file?.close();
      if (opened.status === 'fulfilled' && opened.value && opened.value !== file) opened.value.close();
      await this.files.writer.after(() => this.files.store.delMany([this.key]));
      await this.files.directory.remove(this.storageId);
    })();
    this.deleting = deleted.catch(() => undefined);
    return deleted;
  }
}

/** The piece files of one engine: one PieceFile per storage id, opened on first use and kept open. */
export class PieceFiles {
  private readonly open = new Map<string, PieceFile>();

  constructor(
    readonly directory: SyncFileDirectory,
    readonly store: KeyValueStore,
    /** The engine's writer: the verified maps go with its transactions, each after the files were flushed. */
    readonly writer: BatchWriter,
  ) {
    writer.beforeTransaction(() => {
      for (const file of this.open.values()) file.flushIfDirty();
    });
  }

  file(storageId: string): PieceFile {
    let file = this.open.get(storageId);
    if (!file) {
      file = new PieceFile(this, storageId);
      this.open.set(storageId, file);
    }
    return file;
  }

  /** Removes the files named `prefix`… that no storage id in `owned` names (shares whose hashing never finished). */
  async deleteOrphans(owned: Set<string>, prefix: string): Promise<number> {
    const orphans = (await this.directory.list()).filter(
      (name) => name.startsWith(prefix) && !owned.has(name),
    );
    for (const name of orphans) await this.file(name).delete();
    return orphans.length;
  }
}

function isQuotaError(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'QuotaExceededError';
}

/** A torrent's pieces in its file, with the pieces of the IndexedDB store (`legacy`) read where the file has none. */
export class SyncFilePieceStorage implements PieceStorage {
  private readonly file: PieceFile;

  constructor(
    files: PieceFiles,
    readonly storageId: string,
    /** The layout, once the metadata is known (pieces are stored only after it is). */
    private readonly layout: () => PieceLayout | undefined,
    private readonly legacy: PieceStorage,
  ) {
    this.file = files.file(storageId);
  }

  private place(index: number): { offset: number; size: number } {
    const layout = this.layout();
    if (!layout) throw new PieceReadError(`piece ${index}: the torrent's layout is not known yet`);
    const offset = index * layout.pieceLength;
    return { offset, size: Math.max(0, Math.min(layout.pieceLength, layout.length - offset)) };
  }

  prepare(): void {
    // Whatever fails here fails the first write again, where it is reported.
    Promise.all([this.file.handle(), this.file.map()]).catch(() => undefined);
  }

  writePiece(index: number, data: ArrayBuffer): Promise<void> {
    let offset: number;
    try {
      const place = this.place(index);
      if (data.byteLength !== place.size)
        throw new Error(`piece ${index} is ${data.byteLength} bytes, not ${place.size}`);
      offset = place.offset;
    } catch (error) {
      return Promise.reject(error);
    }
    // The file is charged for its whole extent: a piece past what the quota lets it grow to goes to the key-value
    // store, which is charged for the piece alone (so a nearly full disk still keeps every piece that fits).
    return this.file.write(index, offset, new Uint8Array(data), () => this.legacy.writePiece(index, data));
  }

  async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    const map = await this.file.map();
    if (!map.has(index)) return this.legacy.readBlock(index, begin, length);
    const { offset, size } = this.place(index);
    if (!(begin >= 0 && length >= 0 && begin + length <= size))
      throw new PieceReadError(`read beyond piece ${index}`);
    return this.readAt(index, offset + begin, length);
  }

  async readPieces(indices: number[]): Promise<ArrayBuffer[]> {
    const map = await this.file.map();
    const result: ArrayBuffer[] = [];
    for (const index of indices) {
      if (map.has(index)) {
        const { offset, size } = this.place(index);
        result.push((await this.readAt(index, offset, size)).buffer as ArrayBuffer);
      } else {
        const [piece] = await this.legacy.readPieces([index]);
        result.push(piece);
      }
    }
    return result;
  }

  private async readAt(index: number, at: number, length: number): Promise<Uint8Array> {
    const file = await this.file.handle();
    const bytes = new Uint8Array(length);
    if (file.read(bytes, at) !== length) throw new PieceReadError(`piece ${index} is missing from storage`);
    return bytes;
  }

  async verifiedPieces(pieceCount: number): Promise<Bitfield> {
    const [map, have] = await Promise.all([this.file.map(), this.legacy.verifiedPieces(pieceCount)]);
    for (const index of map.indices(pieceCount)) have.set(index);
    return have;
  }

  async deleteAll(): Promise<void> {
    await Promise.all([this.file.delete(), this.legacy.deleteAll()]);
  }
}
