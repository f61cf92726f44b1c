// BitTorrent v1 metainfo (BEP 3): the info dictionary and .torrent files.
import {
  BencodeError,
  asBytes,
  asDict,
  decode,
  encode,
  utf8ToBytes,
  type BDict,
  type BValue,
} from './bencode';
import { toHex } from './hex';
import {
  checkFiles,
  checkPathComponent,
  MetainfoError,
  readFileList,
  safeInteger,
  utf8Field,
  type FileEntry,
} from './metainfo-files';
import { readSpan, sourceOffsets, type SourceFile } from './source-files';
import { readTorrentEnvelope } from './torrent-file';
import { checkInfoBytes, checkPieceCount, MAX_PARSED_PIECE_LENGTH } from './torrent-bounds';

export {
  checkFiles,
  checkPathComponent,
  checkPathShape,
  isPadFileEntry,
  MAX_FILES,
  MAX_PATH_DEPTH,
  MAX_PATH_LENGTH,
  MetainfoError,
  safeInteger,
  utf8Field,
  type FileEntry,
} from './metainfo-files';
export { readSpan, type SourceFile } from './source-files';
export { encodeTorrent, readTorrentEnvelope, type TorrentEnvelope } from './torrent-file';
export {
  MAX_INFO_BYTES,
  MAX_PARSED_PIECE_LENGTH,
  MAX_PIECES,
  MAX_TORRENT_LENGTH,
  TorrentTooLargeError,
} from './torrent-bounds';

export type Sha1 = (data: Uint8Array) => Promise<Uint8Array>;

/** The parsed info dictionary, with what the engine needs precomputed. */
export interface TorrentInfo {
  infoHash: Uint8Array; // 20 bytes
  infoHashHex: string;
  name: string;
  pieceLength: number;
  pieceCount: number;
  /** Concatenated 20-byte SHA-1 hashes. */
  pieces: Uint8Array;
  length: number;
  files: FileEntry[];
  /** True for the `files` form (even with one file). */
  multiFile: boolean;
  /** The bencoded info dictionary exactly as hashed (what ut_metadata serves). */
  infoBytes: Uint8Array;
  private: boolean;
}

export interface Metainfo {
  info: TorrentInfo;
  announce: string[][]; // tiers (announce-list, or [[announce]])
  urlList: string[];
  comment?: string;
  createdBy?: string;
  creationDate?: number;
}

/** Bounds of the piece length chosen by `choosePieceLength`. */
export const MIN_PIECE_LENGTH = 16 * 1024;
export const MAX_PIECE_LENGTH = 4 * 1024 * 1024;
/** `choosePieceLength` doubles the piece length until the torrent has at most this many pieces. */
export const TARGET_MAX_PIECES = 2000;
const HASH_LENGTH = 20;
/** Pieces read and hashed concurrently by `createInfo` unless told otherwise. */
const DEFAULT_IN_FLIGHT = 4;

/** The length in bytes of piece `index` (the last piece may be shorter). */
export function pieceSize(info: TorrentInfo, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= info.pieceCount) {
    throw new RangeError(`Piece ${index} is out of range (0..${info.pieceCount - 1})`);
  }
  return index < info.pieceCount - 1
    ? info.pieceLength
    : info.length - info.pieceLength * (info.pieceCount - 1);
}

/** Piece length for a total size: a power of two between 16 KiB and 4 MiB giving roughly 1,000-2,000 pieces. */
export function choosePieceLength(totalLength: number): number {
  let pieceLength = MIN_PIECE_LENGTH;
  while (pieceLength < MAX_PIECE_LENGTH && totalLength / pieceLength > TARGET_MAX_PIECES) pieceLength *= 2;
  return pieceLength;
}

type UnhashedInfo = Omit<TorrentInfo, 'infoHash' | 'infoHashHex'>;

/** Parses a bencoded info dictionary (as from ut_metadata). `sha1` computes the info hash. */
export async function parseInfo(infoBytes: Uint8Array, sha1: Sha1): Promise<TorrentInfo> {
  const info = readInfo(infoBytes);
  const infoHash = await sha1(infoBytes);
  return { infoHash, infoHashHex: toHex(infoHash), ...info };
}

/**
 * Synchronous `parseInfo` for metadata whose SHA-1 the caller has already checked against `infoHash`
 * (the engine, after a ut_metadata download). Same validation and MetainfoError messages.
 */
export function parseVerifiedInfo(infoBytes: Uint8Array, infoHash: Uint8Array): TorrentInfo {
  if (infoHash.length !== HASH_LENGTH)
    throw new MetainfoError(`An info hash is 20 bytes, not ${infoHash.length}`);
  return { infoHash, infoHashHex: toHex(infoHash), ...readInfo(infoBytes) };
}

/** The info dictionary's bytes decoded: a dictionary, or a MetainfoError (a TorrentTooLargeError over
 * MAX_INFO_BYTES, before any byte is decoded). */
export function decodeInfoDict(infoBytes: Uint8Array): BDict {
  checkInfoBytes(infoBytes.length);
  let decoded: BValue;
  try {
    decoded = decode(infoBytes);
  } catch (error) {
    if (error instanceof BencodeError)
      throw new MetainfoError(`The info dictionary is not valid bencode: ${error.message}`);
    throw error;
  }
  const dict = asDict(decoded);
  if (!dict) throw new MetainfoError('The info dictionary is not a dictionary');
  return dict;
}

function readInfo(infoBytes: Uint8Array): UnhashedInfo {
  const dict = decodeInfoDict(infoBytes);
  const name = readName(dict);
  const pieceLength = readPieceLength(dict);
  const piecesValue = readPieceHashes(dict);
  const multiFile = dict.files !== undefined;
  const { files, length } = multiFile ? readMultiFile(dict) : readSingleFile(dict, name);
  if (length === 0) throw new MetainfoError('The torrent holds no data (0 bytes in all)');

  const pieceCount = piecesValue.length / HASH_LENGTH;
  checkPieceCount(pieceCount);
  const expected = Math.ceil(length / pieceLength);
  if (pieceCount !== expected) {
    throw new MetainfoError(
      `The torrent has ${pieceCount} piece hashes but ${length} bytes in pieces of ${pieceLength} need ${expected}`,
    );
  }

  return {
    name,
    pieceLength,
    pieceCount,
    pieces: piecesValue,
    length,
    files,
    multiFile,
    infoBytes,
    private: dict.private === 1,
  };
}

/** The torrent's name (`name.utf-8` before `name`), safe as a file or folder name. */
function readName(dict: BDict): string {
  const nameBytes = asBytes(dict['name.utf-8']) ?? asBytes(dict.name);
  if (!nameBytes) throw new MetainfoError('The info dictionary has no name');
  const name = utf8Field(nameBytes, 'name');
  checkPathComponent(name, 'name');
  return name;
}

function readPieceLength(dict: BDict): number {
  const pieceLength = safeInteger(dict['piece length'], 'piece length', 1);
  if (pieceLength > MAX_PARSED_PIECE_LENGTH) {
    throw new MetainfoError(
      `The piece length ${pieceLength} is above the limit of ${MAX_PARSED_PIECE_LENGTH}`,
    );
  }
  return pieceLength;
}

/** The concatenated SHA-1 hashes of the pieces. */
function readPieceHashes(dict: BDict): Uint8Array {
  const piecesValue = asBytes(dict.pieces);
  if (!piecesValue) throw new MetainfoError('The info dictionary has no pieces');
  if (piecesValue.length % HASH_LENGTH !== 0) {
    throw new MetainfoError(`The pieces field is ${piecesValue.length} bytes, not a multiple of 20`);
  }
  return piecesValue;
}

function readMultiFile(dict: BDict): { files: FileEntry[]; length: number } {
  if (dict.length !== undefined) throw new MetainfoError('The info dictionary has both length and files');
  return readFileList(dict.files);
}

function readSingleFile(dict: BDict, name: string): { files: FileEntry[]; length: number } {
  const length = safeInteger(dict.length, 'length', 0);
  return { files: [{ path: [name], length, offset: 0 }], length };
}

/** Parses a .torrent file. Throws MetainfoError with a clear message. */
export async function parseTorrent(bytes: Uint8Array, sha1: Sha1): Promise<Metainfo> {
  const { announce, urlList, comment, createdBy, creationDate, infoBytes } = readTorrentEnvelope(bytes);
  const metainfo: Metainfo = { info: await parseInfo(infoBytes, sha1), announce, urlList };
  if (comment !== undefined) metainfo.comment = comment;
  if (createdBy !== undefined) metainfo.createdBy = createdBy;
  if (creationDate !== undefined) metainfo.creationDate = creationDate;
  return metainfo;
}

/** How createInfo names, hashes and reports. */
export interface CreateInfoOptions {
  name: string;
  sha1: Sha1;
  pieceLength?: number;
  onProgress?: (hashed: number, total: number) => void;
  /**
   * Receives each piece's bytes as soon as they are read (e.g. to store them), in order. createInfo waits for
   * the returned promise like for a hash, with at most `maxInFlight` pieces pending. Do not modify `data`; it
   * may be a view on a larger buffer (whatever the file's `read` returned).
   */
  onPiece?: (index: number, data: Uint8Array) => void | Promise<void>;
  /** Pieces read but not yet hashed (and handled by onPiece) before reading pauses. Default 4. */
  maxInFlight?: number;
  /** Sets `private: 1` (BEP 27). */
  private?: boolean;
}

/**
 * Builds the info dictionary for files, hashing piece by piece (never the whole data at once).
 * `onProgress` receives bytes hashed so far. Throws MetainfoError on an empty total or unsafe paths.
 * One file whose path is [name] gives the single-file form; anything else the `files` form.
 */
export async function createInfo(files: SourceFile[], options: CreateInfoOptions): Promise<TorrentInfo> {
  const { name, sha1 } = options;
  checkPathComponent(name, 'name');
  if (files.length === 0) throw new MetainfoError('No files to share');
  checkFiles(files);
  const { offsets, total } = sourceOffsets(files);
  const pieceLength = options.pieceLength ?? choosePieceLength(total);
  if (!Number.isSafeInteger(pieceLength) || pieceLength < 1 || pieceLength > MAX_PARSED_PIECE_LENGTH) {
    throw new MetainfoError(`Invalid piece length ${pieceLength}`);
  }
  checkPieceCount(Math.ceil(total / pieceLength)); // before any file is read
  const pieces = await hashPieces(files, offsets, total, pieceLength, options);
  const single = files.length === 1 && files[0].path.length === 1 && files[0].path[0] === name;
  const dict: BDict = { name: utf8ToBytes(name), 'piece length': pieceLength, pieces };
  if (single) dict.length = total;
  else dict.files = files.map((file) => ({ length: file.length, path: file.path.map(utf8ToBytes) }));
  if (options.private) dict.private = 1;
  return parseInfo(encode(dict), sha1);
}

/**
 * The SHA-1 of every piece, read piece by piece with at most `maxInFlight` pieces hashing (and handed to `onPiece`)
 * at once; `onProgress` hears of each piece as its turn comes.
 */
async function hashPieces(
  files: SourceFile[],
  offsets: number[],
  total: number,
  pieceLength: number,
  options: Pick<CreateInfoOptions, 'sha1' | 'onProgress' | 'onPiece' | 'maxInFlight'>,
): Promise<Uint8Array> {
  const { sha1 } = options;
  const maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_IN_FLIGHT);
  const pieceCount = Math.ceil(total / pieceLength);
  const pieces = new Uint8Array(pieceCount * HASH_LENGTH);
  let completed = 0;
  const inFlight: Promise<void>[] = [];
  const settleOldest = async (): Promise<void> => {
    await inFlight.shift();
    completed++;
    options.onProgress?.(Math.min(total, completed * pieceLength), total);
  };
  for (let index = 0; index < pieceCount; index++) {
    const start = index * pieceLength;
    const end = Math.min(total, start + pieceLength);
    const data = await readSpan(files, offsets, start, end);
    const hashing = Promise.all([
      sha1(data).then((digest) => {
        if (digest.length !== HASH_LENGTH)
          throw new MetainfoError(`sha1 returned ${digest.length} bytes, not 20`);
        pieces.set(digest, index * HASH_LENGTH);
      }),
      Promise.resolve().then(() => options.onPiece?.(index, data)),
    ]).then(() => undefined);
    // A failure is reported when this piece's turn comes; until then it must not count as unhandled.
    hashing.catch(() => undefined);
    inFlight.push(hashing);
    if (inFlight.length >= maxInFlight) await settleOldest();
  }
  while (inFlight.length > 0) await settleOldest();
  return pieces;
}

/** The info dictionary, decoded from the exact bytes that were hashed. */
export function infoDict(info: TorrentInfo): BDict {
  return decode(info.infoBytes) as BDict;
}
