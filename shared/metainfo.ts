// API CONTRACT (stub): the codec helper replaces the bodies; keep the exported names and types.
import type { BDict } from './bencode';

export type Sha1 = (data: Uint8Array) => Promise<Uint8Array>;

export interface FileEntry {
  /** Path inside the torrent, as components (multi-file) or [name] (single file). */
  path: string[];
  length: number;
  /** Byte offset of the file in the torrent's concatenated data. */
  offset: number;
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

/** The length in bytes of piece `index` (the last piece may be shorter). */
export function pieceSize(_info: TorrentInfo, _index: number): number {
  throw new Error('not implemented');
}

/** Piece length for a total size: a power of two between 16 KiB and 4 MiB giving roughly 1,000-2,000 pieces. */
export function choosePieceLength(_totalLength: number): number {
  throw new Error('not implemented');
}

/** Parses a bencoded info dictionary (as from ut_metadata). `sha1` computes the info hash. */
export function parseInfo(_infoBytes: Uint8Array, _sha1: Sha1): Promise<TorrentInfo> {
  throw new Error('not implemented');
}

/** Parses a .torrent file. Throws MetainfoError with a clear message. */
export function parseTorrent(_bytes: Uint8Array, _sha1: Sha1): Promise<Metainfo> {
  throw new Error('not implemented');
}

/** Encodes a .torrent file (announce = first tracker, announce-list = all). */
export function encodeTorrent(_metainfo: {
  info: TorrentInfo;
  announce: string[][];
  urlList?: string[];
}): Uint8Array {
  throw new Error('not implemented');
}

export interface SourceFile {
  /** Path components inside the torrent (for a single file: [name]). */
  path: string[];
  length: number;
  /** Reads `length` bytes at `offset` of this file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * Builds the info dictionary for files, hashing piece by piece (never the whole data at once).
 * `onProgress` receives bytes hashed so far. Throws MetainfoError on an empty total or unsafe paths.
 */
export function createInfo(
  _files: SourceFile[],
  _options: {
    name: string;
    sha1: Sha1;
    pieceLength?: number;
    onProgress?: (hashed: number, total: number) => void;
  },
): Promise<TorrentInfo> {
  throw new Error('not implemented');
}

export function infoDict(_info: TorrentInfo): BDict {
  throw new Error('not implemented');
}
