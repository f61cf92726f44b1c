// A torrent's pieces in its own files on disk, laid out as every desktop client lays them out (libtorrent's
// `save_path`): a single-file torrent is `<folder>/<name>`, a multi-file one `<folder>/<name>/<path…>`; BEP 47 pad
// files are never written (their bytes read as zeros). It keeps the PieceStorage contract of the browser's stores
// (shared/host/piece-storage.ts). Which pieces are verified is kept in memory and, when given a
// `verifiedPath`, in that file, written after the piece's bytes reached the disk, so a crash never leaves a verified
// piece without its bytes. Files are opened through a bounded pool (file-pool.ts) shared by the process. A failed
// write (a full disk, a folder gone) is not remembered: the next write of a piece or of the map tries again.
import { mkdir, rename, rm, writeFile, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Bitfield } from '../shared/codec/bitfield';
import type { FileEntry } from '../shared/codec/metainfo';
import { PieceReadError, type PieceStorage } from '../shared/host/piece-storage';
import { processFiles, type FilePool } from './file-pool';

/** Where the pieces sit: the info's piece length, total length (pads included) and files (in info order). */
export interface DiskLayout {
  name: string;
  pieceLength: number;
  length: number;
  files: readonly FileEntry[];
  multiFile: boolean;
}

/** One stretch of a piece inside one file (or pad file). */
interface Span {
  file: FileEntry;
  /** Where in the file. */
  position: number;
  /** Where in the piece. */
  at: number;
  length: number;
}

export class DiskPieceStorage implements PieceStorage {
  private readonly pieceCount: number;
  private verified: Bitfield;
  private persisting: Promise<void> = Promise.resolve();

  constructor(
    /** The folder the torrent's name lives in. */
    readonly folder: string,
    readonly layout: DiskLayout,
    /** Where the verified-piece map is kept across runs (none: in memory only). */
    private readonly verifiedPath?: string,
    /** Where its files are opened (the process's pool unless given). */
    private readonly files: FilePool = processFiles,
  ) {
    this.pieceCount = Math.ceil(layout.length / layout.pieceLength);
    this.verified = new Bitfield(this.pieceCount);
  }

  /** Loads the verified map kept at `verifiedPath`, if any. */
  async load(): Promise<void> {
    if (!this.verifiedPath) return;
    const bytes = await readFile(this.verifiedPath).catch(() => undefined);
    if (bytes && bytes.length === Math.ceil(this.pieceCount / 8))
      this.verified = new Bitfield(this.pieceCount, new Uint8Array(bytes));
  }

  /** The path of a file of the torrent on disk. */
  pathOf(file: FileEntry): string {
    return this.layout.multiFile
      ? join(this.folder, this.layout.name, ...file.path)
      : join(this.folder, file.path[0]);
  }

  /** Creates every file of the torrent that is missing (empty files included), leaving existing ones as they are. */
  async createFiles(): Promise<void> {
    for (const file of this.layout.files)
      if (!file.pad) await this.files.use(this.pathOf(file), async () => {});
  }

  /** Marks pieces verified without writing them (their bytes were checked on disk). */
  async markVerified(indices: Iterable<number>): Promise<void> {
    for (const index of indices) this.verified.set(index);
    await this.persist();
  }

  async writePiece(index: number, data: ArrayBuffer): Promise<void> {
    const bytes = new Uint8Array(data);
    for (const span of this.spans(index, 0, bytes.length)) {
      if (span.file.pad) continue;
      await this.files.use(this.pathOf(span.file), (handle) => writeAll(handle, bytes, span));
    }
    this.verified.set(index);
    await this.persist();
  }

  async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    this.checkStored(index);
    if (!(begin >= 0 && length >= 0 && begin + length <= this.pieceSize(index)))
      throw new PieceReadError(`read beyond piece ${index}`);
    return this.readRange(index, begin, length);
  }

  /** A piece's bytes as they are on disk, verified or not (to check files already there). Rejects when a file is
   * missing or too short. */
  readFromDisk(index: number): Promise<Uint8Array> {
    return this.readRange(index, 0, this.pieceSize(index));
  }

  private async readRange(index: number, begin: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    for (const span of this.spans(index, begin, length)) {
      if (span.file.pad) continue;
      const { bytesRead } = await this.files.use(this.pathOf(span.file), (handle) =>
        handle.read(out, span.at - begin, span.length, span.position),
      );
      if (bytesRead !== span.length) throw new PieceReadError(`piece ${index} is cut short on disk`);
    }
    return out;
  }

  async readPieces(indices: number[]): Promise<ArrayBuffer[]> {
    const pieces: ArrayBuffer[] = [];
    for (const index of indices) {
      const block = await this.readBlock(index, 0, this.pieceSize(index));
      pieces.push(block.buffer as ArrayBuffer);
    }
    return pieces;
  }

  async verifiedPieces(pieceCount: number): Promise<Bitfield> {
    const verified = new Bitfield(pieceCount);
    for (let i = 0; i < Math.min(pieceCount, this.pieceCount); i++) if (this.verified.get(i)) verified.set(i);
    return verified;
  }

  async deleteAll(): Promise<void> {
    await this.close();
    this.verified = new Bitfield(this.pieceCount);
    for (const file of this.layout.files) if (!file.pad) await rm(this.pathOf(file), { force: true });
    await this.persist();
  }

  /** Closes its open files. */
  async close(): Promise<void> {
    await this.files.closeAll(this.layout.files.filter((file) => !file.pad).map((file) => this.pathOf(file)));
  }

  /** Bytes of piece `index` (the last may be shorter). */
  pieceSize(index: number): number {
    return Math.min(this.layout.pieceLength, this.layout.length - index * this.layout.pieceLength);
  }

  private checkStored(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.pieceCount && this.verified.get(index)))
      throw new PieceReadError(`piece ${index} is missing from storage`);
  }

  /** The stretches of files that bytes [begin, begin + length) of piece `index` lie in. */
  private spans(index: number, begin: number, length: number): Span[] {
    const start = index * this.layout.pieceLength + begin;
    const end = start + length;
    const spans: Span[] = [];
    for (const file of this.layout.files) {
      const from = Math.max(start, file.offset);
      const to = Math.min(end, file.offset + file.length);
      if (from < to)
        spans.push({ file, position: from - file.offset, at: from - start + begin, length: to - from });
    }
    return spans;
  }

  /** Writes the verified map (after the writes before it), through a temporary file so it is never half written.
   * A write that failed does not stop the next: that one writes the whole map as it is then. */
  private persist(): Promise<void> {
    const path = this.verifiedPath;
    if (!path) return Promise.resolve();
    const written = this.persisting
      .catch(() => undefined)
      .then(async () => {
        const bytes = this.verified.bytes.slice();
        await mkdir(dirname(path), { recursive: true });
        await writeFile(`${path}.tmp`, bytes);
        await rename(`${path}.tmp`, path);
      });
    this.persisting = written;
    return written;
  }
}

/** Writes a span whole: a write on a disk about to fill up may write part of it and report no error. */
async function writeAll(handle: FileHandle, bytes: Uint8Array, span: Span): Promise<void> {
  for (let done = 0; done < span.length;) {
    const { bytesWritten } = await handle.write(
      bytes,
      span.at + done,
      span.length - done,
      span.position + done,
    );
    if (bytesWritten <= 0) throw new Error('the disk took none of the bytes');
    done += bytesWritten;
  }
}
