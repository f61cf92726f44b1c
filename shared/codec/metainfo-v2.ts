// BitTorrent v2 and hybrid metainfo (BEP 52), with BEP 47 pad files: parse and create info dictionaries and
// .torrent files of all three kinds (v1, v2-only, hybrid). The v1 view of a v1 or hybrid torrent is metainfo.ts's
// TorrentInfo, unchanged; this module adds the v2 view beside it and checks that both describe the same files.
import {
  asBytes,
  asDict,
  binaryToBytes,
  bytesToBinary,
  encode,
  utf8ToBytes,
  type BDict,
  type BValue,
} from './bencode';
import { concatBytes } from './bytes';
import { fromHex, toHex } from './hex';
import {
  MAX_FILES,
  MAX_PARSED_PIECE_LENGTH,
  MAX_PATH_DEPTH,
  MetainfoError,
  checkFiles,
  checkPathComponent,
  checkPathShape,
  choosePieceLength,
  decodeInfoDict,
  encodeTorrent,
  isPadFileEntry,
  parseInfo,
  readTorrentEnvelope,
  safeInteger,
  utf8Field,
  type Sha1,
  type SourceFile,
  type TorrentEnvelope,
  type TorrentInfo,
} from './metainfo';
import {
  BLOCK_SIZE,
  HASH_SIZE,
  equalBytes,
  isPowerOfTwo,
  rootFromPieceLayer,
  splitHashes,
  type Sha256,
} from '../hash/merkle';
import { DEFAULT_IN_FLIGHT, emptyDict, hashTorrentFiles } from './metainfo-v2-hashing';
import { checkPieceCount } from './torrent-bounds';

export type { Sha256 } from '../hash/merkle';
export { compareCanonicalPaths } from './metainfo-v2-hashing';

/** Bytes of a v2 info hash (SHA-256). */
export const V2_INFO_HASH_LENGTH = 32;
/** Bytes of the truncated v2 info hash that trackers and handshakes carry (and of a v1 info hash). */
export const TRUNCATED_INFO_HASH_LENGTH = 20;

/** One file of a v2 file tree. */
export interface V2File {
  /** Path inside the torrent: [name] for a single-file torrent, else relative to the torrent's folder. */
  path: string[];
  length: number;
  /** The merkle root of the file's 16 KiB blocks; absent for an empty file. */
  piecesRoot?: Uint8Array;
  /** Byte offset where the file starts: every file starts on a piece boundary (in a hybrid, its v1 offset). */
  offset: number;
  /** Pieces of the file (0 when empty); the first is `offset / pieceLength`. */
  pieceCount: number;
}

/** The v2 view of an info dictionary (BEP 52). */
export interface TorrentInfoV2 {
  /** SHA-256 of the info dictionary (32 bytes). */
  infoHash: Uint8Array;
  infoHashHex: string;
  /** The first 20 bytes of infoHash: the swarm's id at the tracker and in the handshake. */
  truncatedInfoHash: Uint8Array;
  truncatedInfoHashHex: string;
  name: string;
  pieceLength: number;
  /** Every file of the file tree in its canonical order, empty files included. */
  files: V2File[];
  /** Bytes of all files (without any padding). */
  length: number;
  /** Pieces of all files (each file's pieces are its own). */
  pieceCount: number;
  multiFile: boolean;
  private: boolean;
  /** It has a v1 part too (SHA-1 pieces): a single file's last piece is then as short as the v1 view makes it. */
  hybrid?: boolean;
  /** The bencoded info dictionary exactly as hashed. */
  infoBytes: Uint8Array;
}

export type MetaVersion = 'v1' | 'v2' | 'hybrid';

/** A parsed info dictionary of any kind: its v1 view, its v2 view, or both (a hybrid). */
export interface AnyTorrentInfo {
  version: MetaVersion;
  /** The BEP 3 view (v1 and hybrid). Its files include the BEP 47 pad files, listed in `padFiles`. */
  v1?: TorrentInfo;
  /** Indices in `v1.files` of pad files (`attr` containing `p`): zeros that are never written to disk. */
  padFiles: number[];
  /** The BEP 52 view (v2 and hybrid). */
  v2?: TorrentInfoV2;
  infoBytes: Uint8Array;
}

/** A parsed .torrent of any kind. */
export interface AnyMetainfo extends Omit<TorrentEnvelope, 'torrent' | 'infoBytes'> {
  info: AnyTorrentInfo;
  /**
   * BEP 52 piece layers by pieces root (hex): each file's piece hashes (32 bytes each) concatenated, checked
   * against its root. Only files longer than one piece have one; a .torrent may leave some out (a peer then sends
   * them on request).
   */
  pieceLayers: Map<string, Uint8Array>;
}

export interface Hashers {
  sha1: Sha1;
  sha256: Sha256;
}

function metaVersion(dict: BDict): 1 | 2 {
  const value = dict['meta version'];
  if (value === undefined || value === 1) return 1;
  if (value === 2) return 2;
  throw new MetainfoError(
    `The meta version ${typeof value === 'number' ? value : '(not an integer)'} is not 1 or 2`,
  );
}

/**
 * Parses a bencoded info dictionary of any kind (as from ut_metadata). A hybrid's v1 and v2 views must describe
 * the same files, sizes and order, every file starting on a piece boundary. Throws MetainfoError.
 */
export async function parseAnyInfo(infoBytes: Uint8Array, hashers: Hashers): Promise<AnyTorrentInfo> {
  const dict = decodeInfoDict(infoBytes);
  const version = metaVersion(dict);
  const padFiles: number[] = [];
  if (Array.isArray(dict.files)) dict.files.forEach((entry, i) => isPadFileEntry(entry) && padFiles.push(i));
  if (version === 1)
    return { version: 'v1', v1: await parseInfo(infoBytes, hashers.sha1), padFiles, infoBytes };

  const v2 = readV2(dict, infoBytes, await hashers.sha256(infoBytes));
  if (dict.pieces === undefined) return { version: 'v2', v2, padFiles: [], infoBytes };
  const v1 = await parseInfo(infoBytes, hashers.sha1);
  checkHybrid(v1, padFiles, v2);
  return { version: 'hybrid', v1, padFiles, v2, infoBytes };
}

/** Checks a v2 piece length: a power of two from 16 KiB to the parsing limit. */
function checkV2PieceLength(pieceLength: number): void {
  if (!isPowerOfTwo(pieceLength) || pieceLength < BLOCK_SIZE || pieceLength > MAX_PARSED_PIECE_LENGTH) {
    throw new MetainfoError(
      `The piece length ${pieceLength} is not a power of two from 16 KiB to ${MAX_PARSED_PIECE_LENGTH} (BEP 52)`,
    );
  }
}

/**
 * The v2 view of an info dictionary already known to hash to `infoHash` (the full SHA-256, as a btmh magnet link
 * carries it, checked by the caller): a v2-only or hybrid one, without its v1 part. Throws MetainfoError.
 */
export function parseVerifiedV2(infoBytes: Uint8Array, infoHash: Uint8Array): TorrentInfoV2 {
  const dict = decodeInfoDict(infoBytes);
  if (metaVersion(dict) !== 2) throw new MetainfoError('The info dictionary has no v2 part (meta version 2)');
  return readV2(dict, infoBytes, infoHash);
}

function readV2(dict: BDict, infoBytes: Uint8Array, digest: Uint8Array): TorrentInfoV2 {
  const nameBytes = asBytes(dict.name);
  if (!nameBytes) throw new MetainfoError('The info dictionary has no name');
  const name = utf8Field(nameBytes, 'name');
  checkPathComponent(name, 'name');
  const pieceLength = safeInteger(dict['piece length'], 'piece length', 1);
  checkV2PieceLength(pieceLength);
  const tree = asDict(dict['file tree']);
  if (!tree) throw new MetainfoError('The v2 info dictionary has no file tree');

  const files = readFileTree(tree);
  const multiFile = !(files.length === 1 && files[0].path.length === 1 && files[0].path[0] === name);
  // The file tree names no hash per piece: its pieces are counted, and bounded, before anything is made per piece.
  const pieceCount = v2PieceCount(files, pieceLength);
  checkPieceCount(pieceCount);
  let offset = 0;
  let length = 0;
  const placed: V2File[] = files.map((file) => {
    const count = Math.ceil(file.length / pieceLength);
    const entry: V2File = { ...file, offset, pieceCount: count };
    offset += count * pieceLength;
    length += file.length;
    return entry;
  });
  if (length === 0) throw new MetainfoError('The torrent holds no data (0 bytes in all)');
  checkFiles(placed);

  if (digest.length !== V2_INFO_HASH_LENGTH)
    throw new MetainfoError(`sha256 returned ${digest.length} bytes, not 32`);
  const truncated = digest.slice(0, TRUNCATED_INFO_HASH_LENGTH);
  return {
    infoHash: digest,
    infoHashHex: toHex(digest),
    truncatedInfoHash: truncated,
    truncatedInfoHashHex: toHex(truncated),
    name,
    pieceLength,
    files: placed,
    length,
    pieceCount,
    multiFile,
    private: dict.private === 1,
    hybrid: dict.pieces !== undefined,
    infoBytes,
  };
}

/** The pieces of v2 files: each file's own, none shared with the next. */
function v2PieceCount(files: readonly { length: number }[], pieceLength: number): number {
  return files.reduce((sum, file) => sum + Math.ceil(file.length / pieceLength), 0);
}

/**
 * The files of a file tree in canonical order (keys sorted by bytes, depth first). Bounded: at most MAX_FILES
 * files and MAX_PATH_DEPTH folders deep (the decoder bounds nesting too), each name a safe path component.
 */
function readFileTree(tree: BDict): { path: string[]; length: number; piecesRoot?: Uint8Array }[] {
  const files: { path: string[]; length: number; piecesRoot?: Uint8Array }[] = [];
  const visit = (node: BDict, path: string[]): void => {
    // Object key order puts integer-like keys first: sort as the bencoded order (binary strings compare by bytes).
    const keys = Object.keys(node).sort();
    const shown = (): string => (path.length === 0 ? 'the file tree' : `"${path.join('/')}"`);
    if (keys.length === 0) throw new MetainfoError(`The folder ${shown()} is empty`);
    if (keys[0] === '') {
      if (path.length === 0) throw new MetainfoError('The file tree is itself a file, with no name');
      if (keys.length > 1) throw new MetainfoError(`The path ${shown()} is both a file and a folder`);
      const entry = asDict(node['']);
      if (!entry) throw new MetainfoError(`The file ${shown()} is not a dictionary`);
      const length = safeInteger(entry.length, `length of ${shown()}`, 0);
      const file: { path: string[]; length: number; piecesRoot?: Uint8Array } = { path, length };
      if (length > 0) {
        const root = asBytes(entry['pieces root']);
        if (!root || root.length !== HASH_SIZE)
          throw new MetainfoError(`The file ${shown()} has no 32-byte pieces root`);
        file.piecesRoot = root;
      }
      if (files.length >= MAX_FILES) throw new MetainfoError(`The torrent lists over ${MAX_FILES} files`);
      files.push(file);
      return;
    }
    if (path.length >= MAX_PATH_DEPTH)
      throw new MetainfoError(`The file tree is over ${MAX_PATH_DEPTH} folders deep`);
    for (const key of keys) {
      const component = utf8Field(binaryToBytes(key), `path in ${shown()}`);
      checkPathComponent(component);
      const child = asDict(node[key]);
      if (!child)
        throw new MetainfoError(`The entry "${[...path, component].join('/')}" is not a dictionary`);
      const childPath = [...path, component];
      checkPathShape(childPath, files.length);
      visit(child, childPath);
    }
  };
  visit(tree, []);
  return files;
}

/** Throws unless a hybrid's v1 files (without the pad files) are its v2 files, at the same piece-aligned offsets. */
function checkHybrid(v1: TorrentInfo, padFiles: number[], v2: TorrentInfoV2): void {
  const fail = (reason: string): never => {
    throw new MetainfoError(`The v1 and v2 parts of this hybrid torrent differ: ${reason}`);
  };
  if (v1.name !== v2.name) fail(`the name is "${v1.name}" in v1 and "${v2.name}" in v2`);
  if (v1.multiFile !== v2.multiFile) fail('one is a single file, the other a folder');
  const pads = new Set(padFiles);
  const real = v1.files.filter((_, i) => !pads.has(i));
  if (real.length !== v2.files.length) fail(`${real.length} files against ${v2.files.length}`);
  real.forEach((file, i) => {
    const other = v2.files[i];
    const shown = file.path.join('/');
    if (shown !== other.path.join('/') || file.path.length !== other.path.length)
      fail(`file ${i} is "${shown}" in v1 and "${other.path.join('/')}" in v2`);
    if (file.length !== other.length)
      fail(`"${shown}" has ${file.length} bytes in v1, ${other.length} in v2`);
    if (file.length > 0 && file.offset !== other.offset)
      fail(`"${shown}" starts at byte ${file.offset} in v1, not on its piece boundary ${other.offset}`);
  });
  const alignedEnd = v2.files.reduce((end, file) => end + file.pieceCount * v2.pieceLength, 0);
  if (v1.length > alignedEnd) fail(`v1 has ${v1.length - alignedEnd} bytes of padding too many at the end`);
}

/** Parses a .torrent of any kind, checking its piece layers against the pieces roots. Throws MetainfoError. */
export async function parseAnyTorrent(bytes: Uint8Array, hashers: Hashers): Promise<AnyMetainfo> {
  const { torrent, infoBytes, ...envelope } = readTorrentEnvelope(bytes);
  const info = await parseAnyInfo(infoBytes, hashers);
  const pieceLayers = info.v2
    ? await readPieceLayers(torrent['piece layers'], info.v2, hashers.sha256)
    : new Map<string, Uint8Array>();
  return { info, pieceLayers, ...envelope };
}

/**
 * The piece layers of the files longer than one piece, each checked once per root: exactly one 32-byte hash per
 * piece, leading to the file's pieces root. Work is linear in the layers' bytes.
 */
async function readPieceLayers(
  value: BValue | undefined,
  v2: TorrentInfoV2,
  sha256: Sha256,
): Promise<Map<string, Uint8Array>> {
  const layers = new Map<string, Uint8Array>();
  if (value === undefined) return layers;
  const dict = asDict(value);
  if (!dict) throw new MetainfoError('The piece layers are not a dictionary');
  for (const file of v2.files) {
    if (!file.piecesRoot || file.pieceCount < 2) continue;
    const rootHex = toHex(file.piecesRoot);
    const shown = file.path.join('/');
    const known = layers.get(rootHex);
    if (known) {
      if (known.length !== file.pieceCount * HASH_SIZE)
        throw new MetainfoError(`"${shown}" shares its pieces root with a file of another size`);
      continue;
    }
    const key = bytesToBinary(file.piecesRoot);
    if (!Object.prototype.hasOwnProperty.call(dict, key)) continue;
    const layer = asBytes(dict[key]);
    if (!layer || layer.length !== file.pieceCount * HASH_SIZE) {
      throw new MetainfoError(
        `The piece layer of "${shown}" is ${layer ? `${layer.length} bytes` : 'not a string'}, not ${file.pieceCount} hashes of 32 bytes`,
      );
    }
    const root = await rootFromPieceLayer(splitHashes(layer), v2.pieceLength, sha256);
    if (!equalBytes(root, file.piecesRoot))
      throw new MetainfoError(`The piece layer of "${shown}" does not match its pieces root`);
    layers.set(rootHex, layer);
  }
  return layers;
}

export interface CreateV2Options {
  name: string;
  sha256: Sha256;
  /** Required for a hybrid (the v1 piece hashes). */
  sha1?: Sha1;
  /** `hybrid` (default; v1 clients such as WebTorrent read it too) or `v2` only. */
  version?: 'hybrid' | 'v2';
  /** A power of two of at least 16 KiB; by default choosePieceLength's. */
  pieceLength?: number;
  onProgress?: (hashed: number, total: number) => void;
  /** Pieces read but not yet hashed before reading pauses. Default 4. */
  maxInFlight?: number;
  /** Sets `private: 1` (BEP 27). */
  private?: boolean;
}

/** The checks before any file is read: SHA-1 for a hybrid, a safe name, files to share, the piece length. */
function checkSources(
  files: SourceFile[],
  options: CreateV2Options,
  hybrid: boolean,
): { total: number; pieceLength: number } {
  if (hybrid && !options.sha1) throw new MetainfoError('A hybrid torrent needs SHA-1 for its v1 pieces');
  checkPathComponent(options.name, 'name');
  if (files.length === 0) throw new MetainfoError('No files to share');
  checkFiles(files);
  const total = files.reduce((sum, file) => sum + file.length, 0);
  if (!Number.isSafeInteger(total)) throw new MetainfoError('The total length is too large');
  if (total === 0) throw new MetainfoError('The files hold no data (0 bytes in all)');
  const pieceLength = options.pieceLength ?? choosePieceLength(total);
  checkV2PieceLength(pieceLength);
  checkPieceCount(v2PieceCount(files, pieceLength));
  return { total, pieceLength };
}

/**
 * Builds a v2-only or hybrid info dictionary for files, as libtorrent 2.0 does for the same files and piece length
 * (byte for byte): files in BEP 52's canonical order; per file a SHA-256 merkle root over its 16 KiB blocks and,
 * when longer than one piece, its piece layer; in a hybrid, the v1 file list with a BEP 47 pad file after every
 * file that does not end on a piece boundary (none in a single-file torrent) and the v1 SHA-1 piece hashes. Each
 * file is read once, piece by piece, for both hashes. One file whose path is [name] gives a single-file torrent.
 */
export async function createAnyInfo(
  files: SourceFile[],
  options: CreateV2Options,
): Promise<{ info: AnyTorrentInfo; pieceLayers: Map<string, Uint8Array> }> {
  const { name, sha256 } = options;
  const hybrid = (options.version ?? 'hybrid') === 'hybrid';
  const sha1 = options.sha1;
  const { total, pieceLength } = checkSources(files, options, hybrid);

  const single = files.length === 1 && files[0].path.length === 1 && files[0].path[0] === name;
  let hashed = 0;
  const { tree, pieceLayers, v1Files, v1Pieces } = await hashTorrentFiles(files, name, single, {
    pieceLength,
    sha256,
    sha1: hybrid ? sha1 : undefined,
    padV1: !single,
    maxInFlight: Math.max(1, options.maxInFlight ?? DEFAULT_IN_FLIGHT),
    onBytes: (size) => {
      hashed += size;
      options.onProgress?.(hashed, total);
    },
  });

  const dict: BDict = {
    name: utf8ToBytes(name),
    'piece length': pieceLength,
    'meta version': 2,
    'file tree': tree,
  };
  if (hybrid) {
    dict.pieces = concatBytes(v1Pieces);
    if (single) dict.length = total;
    else dict.files = v1Files;
  }
  if (options.private) dict.private = 1;
  const info = await parseAnyInfo(encode(dict), { sha1: sha1 ?? unusedSha1, sha256 });
  return { info, pieceLayers };
}

const unusedSha1: Sha1 = () => Promise.reject(new Error('SHA-1 is not used for a v2-only torrent'));

/** Encodes a .torrent of any kind: the info bytes as they are, and a v2 torrent's piece layers beside them. */
export function encodeAnyTorrent(metainfo: {
  info: { infoBytes: Uint8Array };
  pieceLayers?: ReadonlyMap<string, Uint8Array>;
  announce: string[][];
  urlList?: string[];
  comment?: string;
  createdBy?: string;
  creationDate?: number;
}): Uint8Array {
  const { pieceLayers, ...rest } = metainfo;
  if (!pieceLayers || pieceLayers.size === 0) return encodeTorrent(rest);
  const layers = emptyDict();
  for (const [rootHex, layer] of pieceLayers) layers[bytesToBinary(fromHexRoot(rootHex))] = layer;
  return encodeTorrent({ ...rest, fields: { 'piece layers': layers } });
}

function fromHexRoot(rootHex: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/i.test(rootHex)) throw new MetainfoError(`"${rootHex}" is not a 32-byte pieces root`);
  return fromHex(rootHex);
}
