// BitTorrent v1 metainfo (BEP 3): the info dictionary and .torrent files.
import {
  BencodeError,
  asBytes,
  asDict,
  bytesToUtf8,
  decode,
  encode,
  rawValueRange,
  utf8ToBytes,
  type BDict,
  type BValue,
} from './bencode';
import { concatBytes } from './bytes';
import { toHex } from './hex';

export type Sha1 = (data: Uint8Array) => Promise<Uint8Array>;

export interface FileEntry {
  /** Path inside the torrent, as components (multi-file) or [name] (single file). */
  path: string[];
  length: number;
  /** Byte offset of the file in the torrent's concatenated data. */
  offset: number;
  /** A BEP 47 pad file (`attr` containing `p`): zeros aligning the next file to a piece, never written to disk. */
  pad?: true;
}

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

export class MetainfoError extends Error {
  override name = 'MetainfoError';
}

/** Bounds of the piece length chosen by `choosePieceLength`. */
export const MIN_PIECE_LENGTH = 16 * 1024;
export const MAX_PIECE_LENGTH = 4 * 1024 * 1024;
/** Largest piece length a parsed torrent may declare (a piece is held in memory while it is verified). */
export const MAX_PARSED_PIECE_LENGTH = 64 * 1024 * 1024;
/** `choosePieceLength` doubles the piece length until the torrent has at most this many pieces. */
export const TARGET_MAX_PIECES = 2000;
const HASH_LENGTH = 20;
/** Files in one torrent: each becomes a file on the user's disk and a row in the UI. */
export const MAX_FILES = 100_000;
/** Components of one file's path (folders + the file). */
export const MAX_PATH_DEPTH = 64;
/** Characters of one file's path, its components and separators together (most file systems allow 4096). */
export const MAX_PATH_LENGTH = 4096;
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

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Throws MetainfoError unless `component` is safe as one file or folder name: not empty, `.` or `..`,
 * no `/` or `\`, no drive letter, no control characters. `what` names it in the message.
 */
export function checkPathComponent(component: string, what = 'path component'): void {
  const fail = (reason: string): never => {
    throw new MetainfoError(`Unsafe ${what} ${JSON.stringify(component)}: ${reason}`);
  };
  if (component === '') fail('it is empty');
  if (component === '.' || component === '..') fail('it refers to a folder');
  if (component.includes('/') || component.includes('\\')) fail('it contains a slash');
  if (/^[A-Za-z]:/.test(component)) fail('it starts with a drive letter');
  if (hasControlCharacter(component)) fail('it contains a control character');
}

/** A folder of the file tree that checkFiles builds: its entries by name (a file is null, a pad file 'pad'). */
type Folder = Map<string, Folder | null | 'pad'>;

/** BEP 47: a file entry whose `attr` contains `p` is padding (zeros that align the next file to a piece). */
export function isPadFileEntry(entry: BValue): boolean {
  const attr = asBytes(asDict(entry)?.attr);
  return attr !== undefined && attr.includes(0x70);
}

/**
 * Checks a file list: count, path depth and length, safe components, sizes, no two files at the same path or a
 * file used as a folder. Pad files (indices in `pads`) may share a path with each other (libtorrent names them
 * `.pad/<size>`), never with another file or a folder. Linear in the total length of the paths: the tree is walked
 * one component at a time, never by joined prefixes (which would be quadratic in a deep path).
 */
export function checkFiles(files: { path: string[]; length: number }[], pads?: ReadonlySet<number>): void {
  if (files.length > MAX_FILES)
    throw new MetainfoError(`The torrent lists ${files.length} files (max ${MAX_FILES})`);
  const root: Folder = new Map();
  for (const [i, file] of files.entries()) {
    checkPathShape(file.path, i);
    for (const component of file.path) checkPathComponent(component);
    const shown = file.path.join('/');
    if (!Number.isSafeInteger(file.length) || file.length < 0) {
      throw new MetainfoError(`File "${shown}" has an invalid length ${file.length}`);
    }
    const isPad = pads?.has(i) ?? false;
    let folder = root;
    for (let depth = 0; depth < file.path.length; depth++) {
      const name = file.path[depth];
      const isFile = depth === file.path.length - 1;
      const existing = folder.get(name);
      if (isFile && isPad && existing === 'pad') break;
      if (existing === null || existing === 'pad' || (existing !== undefined && isFile)) {
        throw new MetainfoError(`Two files use the path "${file.path.slice(0, depth + 1).join('/')}"`);
      }
      if (isFile) folder.set(name, isPad ? 'pad' : null);
      else if (existing === undefined) {
        const child: Folder = new Map();
        folder.set(name, child);
        folder = child;
      } else folder = existing;
    }
  }
}

/** Throws unless a path has 1 to MAX_PATH_DEPTH components and at most MAX_PATH_LENGTH characters. */
export function checkPathShape(path: readonly { length: number }[], index: number): void {
  if (path.length === 0) throw new MetainfoError(`File ${index} has an empty path`);
  if (path.length > MAX_PATH_DEPTH)
    throw new MetainfoError(`File ${index} has a path ${path.length} folders deep (max ${MAX_PATH_DEPTH})`);
  let length = path.length - 1;
  for (const component of path) length += component.length;
  if (length > MAX_PATH_LENGTH)
    throw new MetainfoError(`File ${index} has a path of ${length} characters (max ${MAX_PATH_LENGTH})`);
}

/** UTF-8 text of a field, or a MetainfoError naming `what`. */
export function utf8Field(bytes: Uint8Array, what: string): string {
  try {
    return bytesToUtf8(bytes);
  } catch {
    throw new MetainfoError(`The ${what} is not valid UTF-8`);
  }
}

/** An integer field of the info dictionary, at least `min`, or a MetainfoError naming `what`. */
export function safeInteger(value: BValue | undefined, what: string, min: number): number {
  if (typeof value !== 'number') throw new MetainfoError(`The info dictionary has no integer ${what}`);
  if (value < min) throw new MetainfoError(`The ${what} ${value} is below ${min}`);
  return value;
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

/** The info dictionary's bytes decoded: a dictionary, or a MetainfoError. */
export function decodeInfoDict(infoBytes: Uint8Array): BDict {
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

  const nameBytes = asBytes(dict['name.utf-8']) ?? asBytes(dict.name);
  if (!nameBytes) throw new MetainfoError('The info dictionary has no name');
  const name = utf8Field(nameBytes, 'name');
  checkPathComponent(name, 'name');

  const pieceLength = safeInteger(dict['piece length'], 'piece length', 1);
  if (pieceLength > MAX_PARSED_PIECE_LENGTH) {
    throw new MetainfoError(
      `The piece length ${pieceLength} is above the limit of ${MAX_PARSED_PIECE_LENGTH}`,
    );
  }
  const piecesValue = asBytes(dict.pieces);
  if (!piecesValue) throw new MetainfoError('The info dictionary has no pieces');
  if (piecesValue.length % HASH_LENGTH !== 0) {
    throw new MetainfoError(`The pieces field is ${piecesValue.length} bytes, not a multiple of 20`);
  }

  const files: FileEntry[] = [];
  const multiFile = dict.files !== undefined;
  let length = 0;
  if (multiFile) {
    if (dict.length !== undefined) throw new MetainfoError('The info dictionary has both length and files');
    if (!Array.isArray(dict.files) || dict.files.length === 0)
      throw new MetainfoError('The files list is empty');
    if (dict.files.length > MAX_FILES)
      throw new MetainfoError(`The torrent lists ${dict.files.length} files (max ${MAX_FILES})`);
    const pads = new Set<number>();
    for (const [i, item] of dict.files.entries()) {
      const entry = asDict(item);
      if (!entry) throw new MetainfoError(`File ${i} is not a dictionary`);
      const fileLength = safeInteger(entry.length, `length of file ${i}`, 0);
      const rawPath = entry['path.utf-8'] ?? entry.path;
      if (!Array.isArray(rawPath) || rawPath.length === 0) throw new MetainfoError(`File ${i} has no path`);
      // Before any component is decoded: a hostile path is refused at the cost of reading its lengths.
      checkPathShape(
        rawPath.map((component) => asBytes(component) ?? { length: 0 }),
        i,
      );
      const path = rawPath.map((component) => {
        const bytes = asBytes(component);
        if (!bytes) throw new MetainfoError(`File ${i} has a path component that is not a string`);
        return utf8Field(bytes, `path of file ${i}`);
      });
      const pad = isPadFileEntry(entry);
      files.push(
        pad
          ? { path, length: fileLength, offset: length, pad }
          : { path, length: fileLength, offset: length },
      );
      if (pad) pads.add(i);
      length += fileLength;
      if (!Number.isSafeInteger(length)) throw new MetainfoError('The total length is too large');
    }
    checkFiles(files, pads);
  } else {
    length = safeInteger(dict.length, 'length', 0);
    files.push({ path: [name], length, offset: 0 });
  }
  if (length === 0) throw new MetainfoError('The torrent holds no data (0 bytes in all)');

  const pieceCount = piecesValue.length / HASH_LENGTH;
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

/** Decodes bytes as UTF-8 with replacement characters (for informational fields). */
const looseText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function trackerTiers(torrent: BDict): string[][] {
  const seen = new Set<string>();
  const tiers: string[][] = [];
  const addTier = (urls: BValue[]): void => {
    const tier: string[] = [];
    for (const url of urls) {
      const bytes = asBytes(url);
      if (!bytes) continue;
      const text = looseText(bytes).trim();
      if (text === '' || seen.has(text)) continue;
      seen.add(text);
      tier.push(text);
    }
    if (tier.length > 0) tiers.push(tier);
  };
  const list = torrent['announce-list'];
  if (Array.isArray(list)) {
    for (const tier of list) if (Array.isArray(tier)) addTier(tier);
  }
  if (tiers.length === 0 && torrent.announce !== undefined) addTier([torrent.announce]);
  return tiers;
}

function urlList(value: BValue | undefined): string[] {
  const items = value instanceof Uint8Array ? [value] : Array.isArray(value) ? value : [];
  const urls: string[] = [];
  for (const item of items) {
    const bytes = asBytes(item);
    const text = bytes ? looseText(bytes).trim() : '';
    if (text !== '' && !urls.includes(text)) urls.push(text);
  }
  return urls;
}

/** What a .torrent holds around its info dictionary. */
export interface TorrentEnvelope {
  /** The outer dictionary, decoded. */
  torrent: BDict;
  /** The info dictionary's bytes exactly as in the file (what its hashes cover). */
  infoBytes: Uint8Array;
  announce: string[][];
  urlList: string[];
  comment?: string;
  createdBy?: string;
  creationDate?: number;
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

/**
 * Reads a .torrent's outer dictionary: the raw info dictionary (not yet checked) and the trackers, web seeds and
 * informational fields. Throws MetainfoError when it is not a .torrent with an info dictionary.
 */
export function readTorrentEnvelope(bytes: Uint8Array): TorrentEnvelope {
  let decoded: BValue;
  let range: { start: number; end: number } | undefined;
  try {
    // The outer dictionary may be loosely ordered; the info dictionary is checked strictly by parseInfo.
    decoded = decode(bytes, { strictKeyOrder: false });
    range = rawValueRange(bytes, 'info');
  } catch (error) {
    if (error instanceof BencodeError)
      throw new MetainfoError(`Not a .torrent file (invalid bencode: ${error.message})`);
    throw error;
  }
  const torrent = asDict(decoded);
  if (!torrent) throw new MetainfoError('Not a .torrent file (not a dictionary)');
  if (!range || !asDict(torrent.info)) throw new MetainfoError('The .torrent file has no info dictionary');

  const metainfo: TorrentEnvelope = {
    torrent,
    infoBytes: bytes.slice(range.start, range.end),
    announce: trackerTiers(torrent),
    urlList: urlList(torrent['url-list']),
  };
  const comment = asBytes(torrent['comment.utf-8']) ?? asBytes(torrent.comment);
  if (comment) metainfo.comment = looseText(comment);
  const createdBy = asBytes(torrent['created by']);
  if (createdBy) metainfo.createdBy = looseText(createdBy);
  const creationDate = torrent['creation date'];
  if (typeof creationDate === 'number') metainfo.creationDate = creationDate;
  return metainfo;
}

/** Bencodes `dict` with `raw` (already bencoded) inserted as the value of `key`, keeping keys sorted. */
function encodeWithRawValue(dict: BDict, key: string, raw: Uint8Array): Uint8Array {
  const before: BDict = {};
  const after: BDict = {};
  for (const [k, v] of Object.entries(dict)) (k < key ? before : after)[k] = v;
  const head = encode(before); // "d...e"
  const tail = encode(after); // "d...e"
  const keyBytes = encode(utf8ToBytes(key));
  const out = new Uint8Array(head.length - 1 + keyBytes.length + raw.length + tail.length - 1);
  out.set(head.subarray(0, head.length - 1), 0);
  out.set(keyBytes, head.length - 1);
  out.set(raw, head.length - 1 + keyBytes.length);
  out.set(tail.subarray(1), out.length - (tail.length - 1));
  return out;
}

/** Encodes a .torrent file (announce = first tracker, announce-list = all). The info bytes are kept as they are. */
export function encodeTorrent(metainfo: {
  info: { infoBytes: Uint8Array };
  announce: string[][];
  urlList?: string[];
  comment?: string;
  createdBy?: string;
  creationDate?: number;
  /** More top-level keys (e.g. BEP 52's `piece layers`), beside the info dictionary (an `info` here is ignored). */
  fields?: BDict;
}): Uint8Array {
  const tiers = metainfo.announce
    .map((tier) => tier.filter((url) => url !== ''))
    .filter((tier) => tier.length > 0);
  const torrent: BDict = { ...metainfo.fields };
  delete torrent.info; // the info dictionary is always metainfo.info's bytes
  if (tiers.length > 0) {
    torrent.announce = utf8ToBytes(tiers[0][0]);
    torrent['announce-list'] = tiers.map((tier) => tier.map(utf8ToBytes));
  }
  if (metainfo.urlList && metainfo.urlList.length > 0)
    torrent['url-list'] = metainfo.urlList.map(utf8ToBytes);
  if (metainfo.comment !== undefined) torrent.comment = utf8ToBytes(metainfo.comment);
  if (metainfo.createdBy !== undefined) torrent['created by'] = utf8ToBytes(metainfo.createdBy);
  if (metainfo.creationDate !== undefined) torrent['creation date'] = metainfo.creationDate;
  return encodeWithRawValue(torrent, 'info', metainfo.info.infoBytes);
}

export interface SourceFile {
  /** Path components inside the torrent (for a single file: [name]). */
  path: string[];
  length: number;
  /** Reads `length` bytes at `offset` of this file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Reads bytes [start, end) of the concatenated files into one buffer (no copy when one file covers it). */
export async function readSpan(
  files: SourceFile[],
  offsets: number[],
  start: number,
  end: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < files.length && offsets[i] < end; i++) {
    const fileEnd = offsets[i] + files[i].length;
    if (fileEnd <= start || files[i].length === 0) continue;
    const from = Math.max(start, offsets[i]) - offsets[i];
    const to = Math.min(end, fileEnd) - offsets[i];
    const chunk = await files[i].read(from, to - from);
    if (chunk.length !== to - from) {
      throw new MetainfoError(
        `Reading "${files[i].path.join('/')}" at ${from} gave ${chunk.length} bytes instead of ${to - from}`,
      );
    }
    parts.push(chunk);
  }
  return concatBytes(parts);
}

/**
 * Builds the info dictionary for files, hashing piece by piece (never the whole data at once).
 * `onProgress` receives bytes hashed so far. Throws MetainfoError on an empty total or unsafe paths.
 * One file whose path is [name] gives the single-file form; anything else the `files` form.
 */
export async function createInfo(
  files: SourceFile[],
  options: {
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
  },
): Promise<TorrentInfo> {
  const { name, sha1 } = options;
  checkPathComponent(name, 'name');
  if (files.length === 0) throw new MetainfoError('No files to share');
  checkFiles(files);
  const offsets: number[] = [];
  let total = 0;
  for (const file of files) {
    offsets.push(total);
    total += file.length;
  }
  if (!Number.isSafeInteger(total)) throw new MetainfoError('The total length is too large');
  if (total === 0) throw new MetainfoError('The files hold no data (0 bytes in all)');
  const pieceLength = options.pieceLength ?? choosePieceLength(total);
  if (!Number.isSafeInteger(pieceLength) || pieceLength < 1 || pieceLength > MAX_PARSED_PIECE_LENGTH) {
    throw new MetainfoError(`Invalid piece length ${pieceLength}`);
  }

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

  const single = files.length === 1 && files[0].path.length === 1 && files[0].path[0] === name;
  const dict: BDict = { name: utf8ToBytes(name), 'piece length': pieceLength, pieces };
  if (single) dict.length = total;
  else dict.files = files.map((file) => ({ length: file.length, path: file.path.map(utf8ToBytes) }));
  if (options.private) dict.private = 1;
  return parseInfo(encode(dict), sha1);
}

/** The info dictionary, decoded from the exact bytes that were hashed. */
export function infoDict(info: TorrentInfo): BDict {
  return decode(info.infoBytes) as BDict;
}
