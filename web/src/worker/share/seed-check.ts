// Seeding a .torrent made elsewhere from the user's own copy of its files: the torrent's files are matched to the
// files chosen (by path, or by name), then every piece is checked (v1 SHA-1, and in a hybrid each file's SHA-256
// merkle root against its `pieces root`). Whatever does not match is named in plain words, one file at a time.
import {
  pieceHash,
  leafHashes,
  rootFromPieceLayer,
  equalBytes,
  type Sha256,
} from '../../../../shared/hash/merkle';
import {
  pieceSize,
  readSpan,
  type Sha1,
  type SourceFile,
  type TorrentInfo,
} from '../../../../shared/codec/metainfo';
import { v2PieceMap } from '../../../../shared/codec/v2-pieces';
import type { AnyTorrentInfo } from '../../../../shared/codec/metainfo-v2';
import { bytesEqual } from '../../../../shared/engine/verify/verify';
import { ChunkReader } from './chunk-reader';
import { zeroSource } from '../storage/shared-files';
import { PendingWrites } from './pending-writes';

/** A file the user chose: its bytes and its path as chosen (a folder's files start with the folder's name). */
export interface ChosenFile {
  file: Blob;
  path: string[];
}

/** The chosen files do not match the torrent; the message names each file that does not. */
export class SeedError extends Error {
  override name = 'SeedError';
}

/** Problems named in one message at most (the rest are counted). */
const MAX_NAMED = 5;

function problemsMessage(problems: string[]): string {
  const named = problems.slice(0, MAX_NAMED);
  const more = problems.length - named.length;
  return named.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

function endsWith(path: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length > path.length) return false;
  const skip = path.length - suffix.length;
  return suffix.every((part, k) => path[skip + k] === part);
}

/**
 * For each file of the torrent that is not a pad file (in the info's order), the chosen file with its path: the
 * closest whose path ends with the file's path (a folder chosen at the torrent's folder or above), else the only
 * chosen file of its name (files chosen without their folders). Throws SeedError naming every file missing or of
 * another size.
 */
export function matchChosenFiles<T extends ChosenFile>(
  info: TorrentInfo,
  chosen: readonly T[],
  where: string,
): T[] {
  const byName = new Map<string, T[]>();
  for (const entry of chosen) {
    const name = entry.path[entry.path.length - 1];
    if (name === undefined) continue;
    const list = byName.get(name);
    if (list) list.push(entry);
    else byName.set(name, [entry]);
  }
  const problems: string[] = [];
  const matched: T[] = [];
  for (const file of info.files) {
    if (file.pad) continue;
    const shown = file.path.join('/');
    const sameName = byName.get(file.path[file.path.length - 1]) ?? [];
    const byPath = sameName
      .filter((entry) => endsWith(entry.path, file.path))
      .sort((a, b) => a.path.length - b.path.length);
    const found = byPath[0] ?? (sameName.length === 1 ? sameName[0] : undefined);
    if (!found) {
      problems.push(`${shown} is missing from ${where}`);
      continue;
    }
    if (found.file.size !== file.length) {
      problems.push(
        `${shown} does not match the torrent (it is ${bytes(found.file.size)}, the torrent says ${bytes(file.length)})`,
      );
      continue;
    }
    matched.push(found);
  }
  if (problems.length > 0) throw new SeedError(problemsMessage(problems));
  return matched;
}

export interface SeedCheckOptions {
  sha1: Sha1;
  sha256: Sha256;
  /** Keeps a verified v1 piece (the files are then copied into storage); none: only check. */
  storePiece?: (index: number, data: ArrayBuffer) => Promise<void>;
  onProgress?: (checked: number, total: number) => void;
  /** Checked before each read: true stops the check. */
  cancelled?: () => boolean;
  /** Pieces hashed at once (default 8). */
  maxInFlight?: number;
  /** Bytes read from a file at once (default 8 MiB). */
  readChunkBytes?: number;
  /** Bytes of verified pieces handed to storePiece and not yet stored before the check waits (default 32 MiB). */
  maxPendingBytes?: number;
}

/**
 * Checks every piece of the torrent against `files` (its files other than pad files, in the info's order, as
 * matchChosenFiles gives them): every v1 piece's SHA-1 and, where the torrent has a v2 view, every file's merkle root.
 * Resolves when all match; otherwise throws SeedError naming each file that does not (with its first bad piece).
 */
export async function checkChosenFiles(
  info: AnyTorrentInfo,
  files: readonly Blob[],
  options: SeedCheckOptions,
): Promise<void> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let checked = 0;
  const progress = (bytes: number): void => {
    checked += bytes;
    options.onProgress?.(checked, total);
  };
  const v1 = info.v1 ?? v2PieceMap(info.v2!);
  const chunkBytes = Math.max(v1.pieceLength, options.readChunkBytes ?? 8 * 1024 * 1024);
  const sources = sourcesOf(v1, files, chunkBytes, options);
  const bad = new Map<number, number>(); // index in v1.files → its first bad piece
  // Each verified piece's write starts at once; the check goes on while the store's transactions land.
  const writes = new PendingWrites(options.maxPendingBytes ?? 32 * 1024 * 1024);
  const storePiece = options.storePiece;
  const store = storePiece
    ? (index: number, data: ArrayBuffer) => writes.add(storePiece(index, data), data.byteLength)
    : undefined;
  const checks = { ...options, storePiece: store };
  try {
    if (!info.v1) await checkRoots(info, v1, files, sources, bad, { ...checks, progress });
    else await checkPieces(v1, sources, bad, progress, checks);
    if (info.v1 && info.v2) await checkRoots(info, v1, files, sources, bad, options);
  } finally {
    // Nothing is left writing when the check ends, whatever its outcome (the caller may drop what was kept).
    await writes.settle().catch(() => undefined);
  }
  writes.throwFailure();
  if (bad.size > 0) {
    const problems = [...bad.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(
        ([k, piece]) => `${v1.files[k].path.join('/')} does not match the torrent (piece ${piece} differs)`,
      );
    throw new SeedError(problemsMessage(problems));
  }
}

/** Every v1 piece's SHA-1 (kept in storage as it matches, when asked). */
async function checkPieces(
  v1: TorrentInfo,
  sources: SourceFile[],
  bad: Map<number, number>,
  progress: (bytes: number) => void,
  options: SeedCheckOptions,
): Promise<void> {
  const flag = (fileIndex: number, piece: number): void => {
    if (!bad.has(fileIndex) || bad.get(fileIndex)! > piece) bad.set(fileIndex, piece);
  };
  const pending: Promise<void>[] = [];
  const maxInFlight = Math.max(1, options.maxInFlight ?? 8);
  const offsets = v1.files.map((file) => file.offset);
  for (let index = 0; index < v1.pieceCount; index++) {
    const start = index * v1.pieceLength;
    const end = Math.min(v1.length, start + v1.pieceLength);
    const data = await readSpan(sources, offsets, start, end);
    const job = options.sha1(data).then(async (digest) => {
      const good = bytesEqual(digest, v1.pieces.subarray(index * 20, index * 20 + 20));
      if (good && options.storePiece) await options.storePiece(index, exactCopy(data));
      if (!good)
        v1.files.forEach((file, k) => {
          if (!file.pad && file.length > 0 && file.offset < end && file.offset + file.length > start)
            flag(k, index);
        });
      const padBytes = v1.files.reduce(
        (sum, file) =>
          file.pad
            ? sum + Math.max(0, Math.min(end, file.offset + file.length) - Math.max(start, file.offset))
            : sum,
        0,
      );
      progress(end - start - padBytes);
    });
    job.catch(() => undefined); // reported in its turn below
    pending.push(job);
    if (pending.length >= maxInFlight) await pending.shift();
  }
  for (const job of pending) await job;
}

/**
 * A hybrid torrent's second check, a v2-only one's only check: each file's SHA-256 merkle root against its `pieces
 * root` (in a hybrid, a file whose v1 pieces matched is read again, the cost of checking both hashes). For a v2-only
 * torrent (`progress` given) the pieces are laid out on its piece map (v2-pieces.ts) and kept as they are read, when
 * asked: a file that then differs fails the whole check, and the caller drops what was kept.
 */
async function checkRoots(
  info: AnyTorrentInfo,
  v1: TorrentInfo,
  files: readonly Blob[],
  sources: SourceFile[],
  bad: Map<number, number>,
  options: SeedCheckOptions & { progress?: (bytes: number) => void },
): Promise<void> {
  const v2 = info.v2!;
  const realIndices = v1.files.flatMap((file, k) => (file.pad ? [] : [k]));
  if (realIndices.length !== v2.files.length || files.length !== v2.files.length)
    throw new SeedError('The torrent lists other files in its v1 and v2 parts');
  for (const [n, file] of v2.files.entries()) {
    const k = realIndices[n];
    if (bad.has(k) || !file.piecesRoot) continue; // already named, or empty
    const source = sources[k];
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < file.length; at += v2.pieceLength) {
      const data = await source.read(at, Math.min(v2.pieceLength, file.length - at));
      if (options.progress) {
        const index = (file.offset + at) / v2.pieceLength;
        const piece = new Uint8Array(pieceSize(v1, index));
        piece.set(data);
        await options.storePiece?.(index, piece.buffer);
        options.progress(data.length);
      }
      pieces.push(
        await pieceHash(await leafHashes(data, options.sha256), v2.pieceLength, file.length, options.sha256),
      );
    }
    const root =
      pieces.length === 1 ? pieces[0] : await rootFromPieceLayer(pieces, v2.pieceLength, options.sha256);
    if (!equalBytes(root, file.piecesRoot)) bad.set(k, file.offset / v2.pieceLength);
  }
}

/** The torrent's files as readSpan reads them: pad files are zeros, the others read from the chosen files. */
function sourcesOf(
  info: TorrentInfo,
  files: readonly Blob[],
  chunkBytes: number,
  options: SeedCheckOptions,
): SourceFile[] {
  let k = 0;
  return info.files.map((entry): SourceFile => {
    if (entry.pad) return zeroSource(entry.path, entry.length);
    const blob = files[k++];
    let reader = new ChunkReader(blob, chunkBytes);
    return {
      path: entry.path,
      length: entry.length,
      read: async (at, length) => {
        if (options.cancelled?.()) throw new SeedError('The check was cancelled');
        // A second pass (the v2 roots) starts the file again from its beginning.
        if (at === 0) reader = new ChunkReader(blob, chunkBytes);
        return reader.read(at, length);
      },
    };
  });
}

/** The piece's bytes in a buffer of their own (a read may be a view of a larger chunk). */
function exactCopy(data: Uint8Array): ArrayBuffer {
  return data.slice().buffer;
}
