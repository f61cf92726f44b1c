// Shares read from the user's own files instead of a copy in IndexedDB, where the browser hands out persistent
// handles (File System Access: a dropped item's getAsFileSystemHandle, showOpenFilePicker). The handles are kept in
// the torrent's record; every piece is read from the file when it is needed and checked against its SHA-1 before
// anything is done with it, so a file changed on disk never sends a wrong byte: it stops the share instead.
import { Bitfield } from '../../../../shared/codec/bitfield';
import { bytesEqual } from '../../../../shared/engine/verify/verify';
import { readSpan, type Sha1, type SourceFile, type TorrentInfo } from '../../../../shared/codec/metainfo';
import { PieceReadError, pieceBlock, type PieceStorage } from '../../../../shared/host/piece-storage';

/** What getFile() of a FileSystemFileHandle gives; the rest of the handle stays the browser's. */
export interface FileHandleLike {
  readonly kind: string;
  getFile(): Promise<Blob & { readonly lastModified: number }>;
}

/** One file of a share read in place: its handle, its path in the torrent, and what it was when it was hashed. */
export interface SharedFileRef {
  handle: FileHandleLike;
  path: string[];
  size: number;
  lastModified: number;
}

/** The shared file cannot be read as it was hashed: gone, changed, or no longer permitted (`permission`). */
export class SharedFileError extends Error {
  override name = 'SharedFileError';
  constructor(
    message: string,
    /** True when only the browser's read permission is missing: `Resume sharing` asks for it again. */
    readonly permission = false,
  ) {
    super(message);
  }
}

/** Pieces read from the files are kept for serving (a peer asks for a piece block by block): at most this many. */
const CACHED_PIECES = 8;
/** Files stat-checked per periodic check (a share of thousands of files is checked in turns). */
const FILES_PER_CHECK = 64;

/** Checks that a record's shared files look like what a share writes (handles are the browser's objects). */
export function isSharedFileRefs(value: unknown): value is SharedFileRef[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (ref: Partial<SharedFileRef> | null) =>
        typeof ref === 'object' &&
        ref !== null &&
        typeof ref.handle === 'object' &&
        ref.handle !== null &&
        typeof ref.handle.getFile === 'function' &&
        Array.isArray(ref.path) &&
        ref.path.every((part) => typeof part === 'string') &&
        Number.isSafeInteger(ref.size) &&
        typeof ref.lastModified === 'number',
    )
  );
}

/** The file behind `ref` as it is now; throws SharedFileError unless it is the one that was hashed. */
export async function openSharedFile(ref: SharedFileRef): Promise<Blob> {
  const shown = ref.path.join('/');
  let file: Blob & { lastModified: number };
  try {
    file = await ref.handle.getFile();
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError')
      throw new SharedFileError(`The browser needs your permission to read ${shown} again`, true);
    if (name === 'NotFoundError')
      throw new SharedFileError(`The shared file ${shown} is gone from the disk; share it again`);
    throw new SharedFileError(`The shared file ${shown} cannot be read (${String(name ?? error)})`);
  }
  if (file.size !== ref.size || file.lastModified !== ref.lastModified) throw changedOnDisk(ref);
  return file;
}

/**
 * A complete torrent's pieces, read from the shared files themselves (nothing is written to IndexedDB). A piece is
 * read whole, hashed and compared with the info's SHA-1 before any byte of it leaves; a mismatch, or a file whose
 * size or modification time differ from the share's, fails with SharedFileError (the torrent stops with it).
 */
export class FilePieceStorage implements PieceStorage {
  private readonly cache = new Map<number, Uint8Array>();
  private readonly reading = new Map<number, Promise<Uint8Array>>();
  /** Each file's offset in the torrent, pad files included (as `sources`). */
  private readonly offsets: number[] = [];
  /** Each of `files`' offsets in the torrent. */
  private readonly refOffsets: number[] = [];
  /** The torrent's files as readSpan reads them: a read that fails or comes back short means the file changed. */
  private readonly sources: SourceFile[];
  private nextCheck = 0;

  constructor(
    /** The torrent's files other than pad files, in the info's order. */
    readonly files: SharedFileRef[],
    private readonly info: TorrentInfo,
    private readonly sha1: Sha1,
  ) {
    const real = info.files.filter((entry) => !entry.pad);
    if (real.length !== files.length || real.some((entry, k) => entry.length !== files[k].size))
      throw new SharedFileError('The shared files do not match the torrent');
    // Every file of the info in its place, pad files (BEP 47) read as the zeros they are.
    let k = 0;
    this.sources = info.files.map((entry): SourceFile => {
      this.offsets.push(entry.offset);
      if (entry.pad) return zeroSource(entry.path, entry.length);
      const ref = files[k++];
      this.refOffsets.push(entry.offset);
      return {
        path: ref.path,
        length: ref.size,
        read: async (from, length) => {
          const file = await openSharedFile(ref);
          let chunk: ArrayBuffer | undefined;
          try {
            chunk = await file.slice(from, from + length).arrayBuffer();
          } catch {
            // Chromium refuses to read a File whose file changed since getFile().
          }
          if (chunk?.byteLength !== length) throw changedOnDisk(ref);
          return new Uint8Array(chunk);
        },
      };
    });
  }

  async writePiece(index: number): Promise<void> {
    throw new PieceReadError(`piece ${index}: a torrent shared from files on disk is not written to`);
  }

  async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    const piece = await this.piece(index);
    return pieceBlock(piece.buffer as ArrayBuffer, index, begin, length);
  }

  async readPieces(indices: number[]): Promise<ArrayBuffer[]> {
    const out: ArrayBuffer[] = [];
    for (const index of indices) out.push((await this.piece(index)).buffer as ArrayBuffer);
    return out;
  }

  /** Every piece when every file is still the one hashed (and readable); throws SharedFileError otherwise. */
  async verifiedPieces(pieceCount: number): Promise<Bitfield> {
    for (const ref of this.files) await openSharedFile(ref);
    return Bitfield.full(pieceCount);
  }

  async deleteAll(): Promise<void> {
    this.cache.clear();
  }

  /** Checks the next `count` files (round robin) as verifiedPieces does: a share of many files is watched in turns. */
  async checkSome(count = FILES_PER_CHECK): Promise<void> {
    for (let k = 0; k < Math.min(count, this.files.length); k++) {
      const ref = this.files[this.nextCheck];
      this.nextCheck = (this.nextCheck + 1) % this.files.length;
      await openSharedFile(ref);
    }
  }

  /** Piece `index`, read from the files and verified (or from the few kept since). */
  private piece(index: number): Promise<Uint8Array> {
    if (!Number.isInteger(index) || index < 0 || index >= this.info.pieceCount)
      return Promise.reject(new PieceReadError(`piece ${index} is out of range`));
    const cached = this.cache.get(index);
    if (cached) {
      this.cache.delete(index);
      this.cache.set(index, cached); // most recently used last
      return Promise.resolve(cached);
    }
    let pending = this.reading.get(index);
    if (!pending) {
      pending = this.readVerified(index).finally(() => this.reading.delete(index));
      this.reading.set(index, pending);
    }
    return pending;
  }

  private async readVerified(index: number): Promise<Uint8Array> {
    const { pieceLength, length } = this.info;
    const start = index * pieceLength;
    const bytes = await readSpan(this.sources, this.offsets, start, Math.min(length, start + pieceLength));
    const expected = this.info.pieces.subarray(index * 20, index * 20 + 20);
    if (!bytesEqual(await this.sha1(bytes), expected)) throw changedOnDisk(this.fileAt(start));
    this.cache.set(index, bytes);
    while (this.cache.size > CACHED_PIECES) this.cache.delete(this.cache.keys().next().value as number);
    return bytes;
  }

  /** The file holding byte `offset` of the torrent (the piece's first file, for the message). */
  private fileAt(offset: number): SharedFileRef {
    for (let k = this.files.length - 1; k >= 0; k--) if (this.refOffsets[k] <= offset) return this.files[k];
    return this.files[0];
  }
}

/** A BEP 47 pad file: zeros, read from nowhere. */
export function zeroSource(path: string[], length: number): SourceFile {
  return { path, length, read: async (_from, size) => new Uint8Array(size) };
}

function changedOnDisk(ref: SharedFileRef): SharedFileError {
  return new SharedFileError(`The shared file ${ref.path.join('/')} changed on disk; share it again`);
}
