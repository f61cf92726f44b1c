// Publishing files: builds the info dictionary with createInfo, reading each file in chunks of a few MiB (File.slice,
// never a whole file; the next chunk is read while this one is hashed, and a piece is a view of its chunk), and hands
// every piece to `storePiece` as soon as its bytes have been read, so the seeder serves from storage like any other
// torrent and keeps seeding after a reload. Without `storePiece` (a share read in place) nothing is kept.
import type { Sha256 } from '../../../../shared/hash/merkle';
import {
  choosePieceLength,
  createInfo,
  type Sha1,
  type SourceFile,
  type TorrentInfo,
} from '../../../../shared/codec/metainfo';
import { compareCanonicalPaths, createAnyInfo } from '../../../../shared/codec/metainfo-v2';
import { PendingWrites } from './pending-writes';
import { ChunkReader, type ShareSource } from './chunk-reader';
import { PieceCollector } from './piece-collector';

export type { ShareSource } from './chunk-reader';

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

/** What both kinds of share work with: the files' layout and the stores still pending. */
interface ShareRun {
  files: ShareFile[];
  options: ShareOptions;
  total: number;
  pieceLength: number;
  chunkBytes: number;
  writes: PendingWrites;
  /** Stores a piece through `writes` (only with `options.storePiece`). */
  store: (index: number, data: ArrayBuffer) => Promise<void>;
  /** Throws when a store failed or the share was cancelled: checked before each read. */
  checkRead: () => void;
}

/** A share of empty files only: a torrent of 0 bytes is no torrent, and the person can choose again. */
export const NOTHING_TO_SHARE =
  'Nothing to share: the chosen files are all empty (0 bytes). Choose files that hold data.';

/** Hashes and stores `files`; resolves with the info once every piece is stored. */
export async function shareFiles(files: ShareFile[], options: ShareOptions): Promise<TorrentInfo> {
  const total = totalSize(files);
  if (files.length === 0 || total === 0) throw new ShareError(NOTHING_TO_SHARE);
  const pieceLength = options.pieceLength ?? choosePieceLength(total);
  const writes = new PendingWrites(options.maxPendingBytes ?? 32 * MiB);
  const storePiece = options.storePiece;
  const run: ShareRun = {
    files,
    options,
    total,
    pieceLength,
    chunkBytes: Math.max(pieceLength, options.readChunkBytes ?? 8 * MiB),
    writes,
    store: (index, data) => writes.add(storePiece!(index, data), data.byteLength),
    checkRead: () => {
      writes.throwFailure();
      if (options.cancelled?.()) throw new ShareError('The share was cancelled');
    },
  };
  return options.sha256 ? shareHybrid(run, options.sha256) : shareV1(run);
}

/** A chunk's pieces are hashed together (SubtleCrypto runs them side by side). */
const inFlight = ({ chunkBytes, pieceLength }: ShareRun): number =>
  Math.max(4, Math.floor(chunkBytes / pieceLength));

function layoutMismatch(): ShareError {
  return new ShareError('internal error: the stored pieces do not match the torrent layout');
}

/**
 * A hybrid: createAnyInfo reads each file piece by piece from its start, so each read is one v1 piece (the file's
 * last one followed by its pad file's zeros, except in a single-file torrent).
 */
async function shareHybrid(run: ShareRun, sha256: Sha256): Promise<TorrentInfo> {
  const { files, options, pieceLength, writes } = run;
  const storePiece = options.storePiece;
  const single = isSingleFile(files, options.name);
  const firstPieces = hybridFirstPieces(files, pieceLength);
  const wholePieces = (at: number, length: number): void => {
    if (at % pieceLength !== 0 || length > pieceLength)
      throw new ShareError('internal error: a hybrid share reads whole pieces');
  };
  const sources = readSources(run, wholePieces, async (k, at, bytes) => {
    if (!storePiece) return;
    const piece = new Uint8Array(single ? bytes.length : pieceLength);
    piece.set(bytes);
    await run.store(firstPieces[k] + at / pieceLength, piece.buffer);
  });
  const { info: any, pieceLayers } = await createAnyInfo(sources, {
    name: options.name,
    sha1: options.sha1,
    sha256,
    pieceLength,
    onProgress: options.onProgress,
    maxInFlight: inFlight(run),
  });
  await writes.settle();
  const info = any.v1!;
  options.onPieceLayers?.(pieceLayers);
  if (storePiece && writes.written !== info.pieceCount) throw layoutMismatch();
  return info;
}

/** A v1 share: the files' bytes concatenated in the order given, cut into pieces as they are read. */
async function shareV1(run: ShareRun): Promise<TorrentInfo> {
  const { files, options, writes } = run;
  // Each file's offset in the concatenated data, in the order given (the order of the info's `files`).
  const starts: number[] = [];
  let offset = 0;
  for (const entry of files) {
    starts.push(offset);
    offset += entry.file.size;
  }
  const collector = new PieceCollector(run.pieceLength, run.total, run.store);
  const sources = readSources(run, undefined, async (k, at, bytes) => {
    if (options.storePiece) await collector.collect(starts[k] + at, bytes);
  });
  const info = await createInfo(sources, {
    name: options.name,
    sha1: options.sha1,
    pieceLength: run.pieceLength,
    onProgress: options.onProgress,
    maxInFlight: inFlight(run),
  });
  await writes.settle();
  // The pieces were assembled in the order given; the info must lay the files out the same way.
  const sameLayout =
    info.files.length === files.length &&
    info.files.every((file, k) => file.offset === starts[k] && file.length === files[k].file.size);
  if (!sameLayout || collector.pending > 0 || (options.storePiece && writes.written !== info.pieceCount))
    throw layoutMismatch();
  return info;
}

/** The files as createInfo reads them: each read checked (run.checkRead, then `check`), taken from the file's chunk
 * reader, and given to `took` before it is hashed. */
function readSources(
  run: ShareRun,
  check: ((at: number, length: number) => void) | undefined,
  took: (file: number, at: number, bytes: Uint8Array) => Promise<void>,
): SourceFile[] {
  return run.files.map((entry, k) => {
    const chunks = new ChunkReader(entry.file, run.chunkBytes);
    return {
      path: entry.path,
      length: entry.file.size,
      read: async (at: number, length: number) => {
        run.checkRead();
        check?.(at, length);
        const bytes = await chunks.read(at, length);
        await took(k, at, bytes);
        return bytes;
      },
    };
  });
}
