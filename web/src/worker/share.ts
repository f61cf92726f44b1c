// Publishing files: builds the info dictionary with createInfo, reading each file in chunks of a few MiB (File.slice,
// never a whole file; the next chunk is read while this one is hashed, and a piece is a view of its chunk), and hands
// every piece to `storePiece` as soon as its bytes have been read, so the seeder serves from storage like any other
// torrent and keeps seeding after a reload. Without `storePiece` (a share read in place) nothing is kept.
import type { Sha256 } from '../../../shared/hash/merkle';
import {
  choosePieceLength,
  createInfo,
  type Sha1,
  type SourceFile,
  type TorrentInfo,
} from '../../../shared/codec/metainfo';
import { compareCanonicalPaths, createAnyInfo } from '../../../shared/codec/metainfo-v2';
import { PendingWrites } from './pending-writes';

/** What a share reads: a Blob, or content made as it is read (a private share's ciphertext). */
export interface ShareSource {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

export interface ShareFile {
  file: ShareSource;
  /** Path inside the torrent (for a single file: [name]). */
  path: string[];
}

export class ShareError extends Error {
  override name = 'ShareError';
}

export interface ShareOptions {
  name: string;
  sha1: Sha1;
  /**
   * With SHA-256 the share is a hybrid torrent (BEP 52 with BEP 47 pad files: v1 clients such as WebTorrent join it
   * by its v1 hash); the piece length must then be a power of two. Without: v1 only.
   */
  sha256?: Sha256;
  /** Receives a hybrid's piece layers (BEP 52; by pieces root in hex) once it is made. */
  onPieceLayers?: (layers: Map<string, Uint8Array>) => void;
  /** Stores a piece; its promise settles when stored (a rejection aborts the share). None: only hash. */
  storePiece?: (index: number, data: ArrayBuffer) => Promise<void>;
  onProgress?: (hashed: number, total: number) => void;
  /** Checked before each read: true aborts the share. */
  cancelled?: () => boolean;
  pieceLength?: number;
  /** Bytes of pieces waiting to be stored before reading pauses (bounds memory; default 32 MiB). */
  maxPendingBytes?: number;
  /** Bytes read from a file at once (default 8 MiB). */
  readChunkBytes?: number;
}

const MiB = 1024 * 1024;

/**
 * New shares are hybrid torrents (v1 + v2 with pad files; the magnet carries both hashes, the engine and the tracker
 * use the v1 one). False makes them v1 only.
 */
export const HYBRID_SHARES = true;

export function totalSize(files: ShareFile[]): number {
  return files.reduce((sum, entry) => sum + entry.file.size, 0);
}

const isSingleFile = (files: readonly ShareFile[], name: string): boolean =>
  files.length === 1 && files[0].path.length === 1 && files[0].path[0] === name;

/**
 * The bytes of a hybrid share's v1 view: every file of a multi-file torrent padded to whole pieces (BEP 47), a single
 * file as it is. Its pieces are laid out over that length.
 */
export function hybridLength(files: readonly ShareFile[], name: string, pieceLength: number): number {
  if (isSingleFile(files, name)) return files[0].file.size;
  return files.reduce((sum, entry) => sum + Math.ceil(entry.file.size / pieceLength) * pieceLength, 0);
}

/**
 * Each file's first piece in a hybrid: files in BEP 52's canonical order, each starting on a piece boundary (the
 * order and layout createAnyInfo gives them).
 */
function hybridFirstPieces(files: readonly ShareFile[], pieceLength: number): number[] {
  const encoder = new TextEncoder();
  const encoded = files.map((entry) => entry.path.map((part) => encoder.encode(part)));
  const order = files.map((_, k) => k).sort((a, b) => compareCanonicalPaths(encoded[a], encoded[b]));
  const first = new Array<number>(files.length);
  let next = 0;
  for (const k of order) {
    first[k] = next;
    next += Math.ceil(files[k].file.size / pieceLength);
  }
  return first;
}

interface PartialPiece {
  bytes: Uint8Array;
  filled: number;
}

/** Hashes and stores `files`; resolves with the info once every piece is stored. */
export async function shareFiles(files: ShareFile[], options: ShareOptions): Promise<TorrentInfo> {
  const total = totalSize(files);
  if (files.length === 0 || total === 0) throw new ShareError('The files hold no data');
  const pieceLength = options.pieceLength ?? choosePieceLength(total);
  const maxPendingBytes = options.maxPendingBytes ?? 32 * MiB;
  const chunkBytes = Math.max(pieceLength, options.readChunkBytes ?? 8 * MiB);

  // Each file's offset in the concatenated data, in the order given (the order of the info's `files`).
  const starts: number[] = [];
  let offset = 0;
  for (const entry of files) {
    starts.push(offset);
    offset += entry.file.size;
  }

  const partial = new Map<number, PartialPiece>();
  const writes = new PendingWrites(maxPendingBytes);
  const storePiece = options.storePiece;

  const store = (index: number, data: ArrayBuffer): Promise<void> =>
    writes.add(storePiece!(index, data), data.byteLength);

  const collect = async (position: number, bytes: Uint8Array): Promise<void> => {
    let done = 0;
    while (done < bytes.length) {
      const at = position + done;
      const index = Math.floor(at / pieceLength);
      const pieceStart = index * pieceLength;
      const size = Math.min(pieceLength, total - pieceStart);
      let piece = partial.get(index);
      if (!piece && at === pieceStart && bytes.length - done >= size) {
        // A whole piece in one read (the usual case): copied out of its chunk once, into a buffer of its own.
        await store(index, bytes.slice(done, done + size).buffer);
        done += size;
        continue;
      }
      if (!piece) {
        piece = { bytes: new Uint8Array(size), filled: 0 };
        partial.set(index, piece);
      }
      const n = Math.min(bytes.length - done, pieceStart + size - at);
      piece.bytes.set(bytes.subarray(done, done + n), at - pieceStart);
      piece.filled += n;
      done += n;
      if (piece.filled >= size) {
        partial.delete(index);
        await store(index, piece.bytes.buffer as ArrayBuffer);
      }
    }
  };

  const checkRead = (): void => {
    writes.throwFailure();
    if (options.cancelled?.()) throw new ShareError('The share was cancelled');
  };

  if (options.sha256) {
    // A hybrid: createAnyInfo reads each file piece by piece from its start, so each read is one v1 piece (the
    // file's last one followed by its pad file's zeros, except in a single-file torrent).
    const single = isSingleFile(files, options.name);
    const firstPieces = hybridFirstPieces(files, pieceLength);
    const hybridSources: SourceFile[] = files.map((entry, k) => {
      const chunks = new ChunkReader(entry.file, chunkBytes);
      return {
        path: entry.path,
        length: entry.file.size,
        read: async (at: number, length: number) => {
          checkRead();
          if (at % pieceLength !== 0 || length > pieceLength)
            throw new ShareError('internal error: a hybrid share reads whole pieces');
          const bytes = await chunks.read(at, length);
          if (storePiece) {
            const piece = new Uint8Array(single ? bytes.length : pieceLength);
            piece.set(bytes);
            await store(firstPieces[k] + at / pieceLength, piece.buffer);
          }
          return bytes;
        },
      };
    });
    const { info: any, pieceLayers } = await createAnyInfo(hybridSources, {
      name: options.name,
      sha1: options.sha1,
      sha256: options.sha256,
      pieceLength,
      onProgress: options.onProgress,
      maxInFlight: Math.max(4, Math.floor(chunkBytes / pieceLength)),
    });
    await writes.settle();
    const info = any.v1!;
    options.onPieceLayers?.(pieceLayers);
    if (storePiece && writes.written !== info.pieceCount)
      throw new ShareError('internal error: the stored pieces do not match the torrent layout');
    return info;
  }

  const sources: SourceFile[] = files.map((entry, k) => {
    const chunks = new ChunkReader(entry.file, chunkBytes);
    return {
      path: entry.path,
      length: entry.file.size,
      read: async (at: number, length: number) => {
        checkRead();
        const bytes = await chunks.read(at, length);
        if (storePiece) await collect(starts[k] + at, bytes);
        return bytes;
      },
    };
  });

  const info = await createInfo(sources, {
    name: options.name,
    sha1: options.sha1,
    pieceLength,
    onProgress: options.onProgress,
    // A chunk's pieces are hashed together (SubtleCrypto runs them side by side).
    maxInFlight: Math.max(4, Math.floor(chunkBytes / pieceLength)),
  });
  await writes.settle();

  // The pieces were assembled in the order given; the info must lay the files out the same way.
  const sameLayout =
    info.files.length === files.length &&
    info.files.every((file, k) => file.offset === starts[k] && file.length === files[k].file.size);
  if (!sameLayout || partial.size > 0 || (storePiece && writes.written !== info.pieceCount)) {
    throw new ShareError('internal error: the stored pieces do not match the torrent layout');
  }
  return info;
}

/**
 * Reads a file front to back in chunks of `chunkBytes`, the next chunk read while the caller works on this one; a
 * read within the chunk is a view of it (no copy).
 */
export class ChunkReader {
  private start = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private next: { start: number; bytes: Promise<Uint8Array> } | undefined;

  constructor(
    private readonly file: ShareSource,
    private readonly chunkBytes: number,
  ) {}

  async read(at: number, length: number): Promise<Uint8Array> {
    if (at < this.start || at + length > this.start + this.chunk.length) {
      const ahead = this.next;
      this.next = undefined;
      const bytes = ahead && ahead.start === at ? await ahead.bytes : undefined;
      this.start = at;
      this.chunk =
        bytes && bytes.length >= length ? bytes : await this.load(at, Math.max(length, this.chunkBytes));
      const following = at + this.chunk.length;
      if (following < this.file.size)
        this.next = { start: following, bytes: this.load(following, this.chunkBytes) };
      this.next?.bytes.catch(() => undefined); // a failure is reported when that chunk is read
    }
    const from = at - this.start;
    return this.chunk.subarray(from, from + length);
  }

  private async load(at: number, length: number): Promise<Uint8Array> {
    return new Uint8Array(await this.file.slice(at, Math.min(this.file.size, at + length)).arrayBuffer());
  }
}
