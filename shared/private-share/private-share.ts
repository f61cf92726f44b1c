// Private shares: the torrent's content is a sequence of AES-256-GCM records, one per piece, under a
// key made for this share alone, so that the info dictionary, the pieces and everything the swarm and the tracker
// see are ciphertext. Sans-I/O: the cipher is injected (WebCrypto in the app, Node's in tests), like SHA-1.
//
// The plaintext stream is the manifest region (a 4-byte big-endian length, the manifest's JSON, zeros up to a whole
// number of records) followed by the files, concatenated. Record i holds plaintext bytes [i × R, (i + 1) × R) of it,
// where R = piece length − 16, sealed with the nonce of its index (STREAM: 11 bytes of big-endian index, one byte
// that is 1 for the last record), so ciphertext record i is exactly piece i of the torrent: a piece decrypts alone,
// a plaintext byte range maps to the records (pieces) that hold it, and the same key and files give the same bytes.
import { checkFiles, MetainfoError, type FileEntry } from '../codec/metainfo';

/** The GCM tag each record carries. */
export const TAG_BYTES = 16;
/** 256-bit keys. */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
/** Additional data of every record: binds the records to this construction and its version. */
export const RECORD_AAD = new TextEncoder().encode('swarmdrop private share v1');
/** The name the public info dictionary gives every private share (nothing of the real names). */
export const PRIVATE_SHARE_NAME = 'private share';
/** The manifest's JSON at most (a hundred thousand files with long paths). */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
const LENGTH_PREFIX = 4;

/** What the user reads when a key fails to open a record (a wrong or damaged key, or tampered data). */
export const WRONG_KEY_MESSAGE = "This link's key does not open these files";

export class PrivateShareError extends Error {
  override name = 'PrivateShareError';
}

/** AES-256-GCM under one key (bound by the caller); `decrypt` rejects when the tag does not match. */
export interface Aead {
  encrypt(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  decrypt(nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
}

/** The real names and sizes, which travel encrypted in the first records. */
export interface Manifest {
  /** The share's name (the folder's, or the single file's). */
  name: string;
  files: Array<{ path: string[]; length: number }>;
}

/** Where everything is, in the plaintext stream and in the torrent's pieces. */
export interface PrivateLayout {
  /** The torrent's piece length: one record per piece. */
  pieceLength: number;
  /** Plaintext bytes per record (the piece length less the tag). */
  recordSize: number;
  /** Records the manifest region takes; the files start at record `manifestRecords`. */
  manifestRecords: number;
  /** The files' bytes, in all. */
  filesLength: number;
  /** Plaintext stream: manifest region plus files. */
  plainLength: number;
  recordCount: number;
  /** The torrent's total length (every record with its tag). */
  cipherLength: number;
}

/** A layout for `filesLength` bytes of files behind a manifest region of `manifestBytes` encoded bytes. */
export function planLayout(pieceLength: number, manifestBytes: number, filesLength: number): PrivateLayout {
  if (!Number.isSafeInteger(pieceLength) || pieceLength <= TAG_BYTES)
    throw new PrivateShareError(`piece length ${pieceLength} leaves no room for a record`);
  if (!Number.isSafeInteger(filesLength) || filesLength < 0)
    throw new PrivateShareError('the files length is not a size');
  const recordSize = pieceLength - TAG_BYTES;
  const manifestRecords = Math.ceil((LENGTH_PREFIX + manifestBytes) / recordSize);
  const plainLength = manifestRecords * recordSize + filesLength;
  const recordCount = Math.ceil(plainLength / recordSize);
  return {
    pieceLength,
    recordSize,
    manifestRecords,
    filesLength,
    plainLength,
    recordCount,
    cipherLength: plainLength + recordCount * TAG_BYTES,
  };
}

/** The layout a torrent of `cipherLength` bytes in pieces of `pieceLength` has, once the manifest told the files. */
export function layoutOf(pieceLength: number, manifestRecords: number, cipherLength: number): PrivateLayout {
  const recordCount = Math.ceil(cipherLength / pieceLength);
  const recordSize = pieceLength - TAG_BYTES;
  const plainLength = cipherLength - recordCount * TAG_BYTES;
  const filesLength = plainLength - manifestRecords * recordSize;
  if (
    recordSize <= 0 ||
    manifestRecords < 1 ||
    filesLength < 0 ||
    plainLength <= (recordCount - 1) * recordSize
  )
    throw new PrivateShareError('the torrent is not laid out as a private share');
  return {
    pieceLength,
    recordSize,
    manifestRecords,
    filesLength,
    plainLength,
    recordCount,
    cipherLength,
  };
}

/** Plaintext bytes of record `index`. */
export function recordPlainSize(layout: PrivateLayout, index: number): number {
  return Math.min(layout.recordSize, layout.plainLength - index * layout.recordSize);
}

/** The STREAM nonce of record `index`: its index big-endian in the first 11 bytes, then 1 for the last record. */
export function recordNonce(index: number, last: boolean): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new PrivateShareError(`bad record index ${index}`);
  const nonce = new Uint8Array(NONCE_BYTES);
  let rest = index;
  for (let at = NONCE_BYTES - 2; at >= 0 && rest > 0; at--) {
    nonce[at] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  nonce[NONCE_BYTES - 1] = last ? 1 : 0;
  return nonce;
}

/** Seals record `index` (its plaintext must be the layout's size for it). */
export async function sealRecord(
  aead: Aead,
  layout: PrivateLayout,
  index: number,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  if (index >= layout.recordCount || plaintext.length !== recordPlainSize(layout, index))
    throw new PrivateShareError(`record ${index} has ${plaintext.length} bytes, not its layout's`);
  return aead.encrypt(recordNonce(index, index === layout.recordCount - 1), plaintext, RECORD_AAD);
}

/** Opens record `index` (piece `index` of the torrent); a wrong key or a changed byte throws WRONG_KEY_MESSAGE. */
export async function openRecord(
  aead: Aead,
  layout: PrivateLayout,
  index: number,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  if (index >= layout.recordCount || ciphertext.length !== recordPlainSize(layout, index) + TAG_BYTES)
    throw new PrivateShareError(WRONG_KEY_MESSAGE);
  try {
    return await aead.decrypt(recordNonce(index, index === layout.recordCount - 1), ciphertext, RECORD_AAD);
  } catch {
    throw new PrivateShareError(WRONG_KEY_MESSAGE);
  }
}

// --- the manifest ---

/** The manifest's bytes (JSON, UTF-8), checked like a torrent's file list. */
export function encodeManifest(manifest: Manifest): Uint8Array {
  checkManifest(manifest);
  const bytes = new TextEncoder().encode(
    JSON.stringify({ v: 1, name: manifest.name, files: manifest.files }),
  );
  if (bytes.length > MAX_MANIFEST_BYTES) throw new PrivateShareError('too many files for a private share');
  return bytes;
}

function checkManifest(manifest: Manifest): void {
  if (typeof manifest.name !== 'string' || manifest.name === '')
    throw new PrivateShareError('the share has no name');
  try {
    checkFiles(manifest.files);
  } catch (error) {
    if (error instanceof MetainfoError) throw new PrivateShareError(error.message);
    throw error;
  }
}

/** The manifest region's plaintext: length prefix, manifest, zeros to the end of its records. */
export function manifestRegion(layout: PrivateLayout, manifestBytes: Uint8Array): Uint8Array {
  const region = new Uint8Array(layout.manifestRecords * layout.recordSize);
  if (LENGTH_PREFIX + manifestBytes.length > region.length)
    throw new PrivateShareError('the manifest does not fit its records');
  new DataView(region.buffer).setUint32(0, manifestBytes.length);
  region.set(manifestBytes, LENGTH_PREFIX);
  return region;
}

/** How many records the manifest region takes, read from the first record's plaintext. */
export function manifestRecordCount(firstRecord: Uint8Array, recordSize: number): number {
  if (firstRecord.length < LENGTH_PREFIX) throw new PrivateShareError('the first record is too short');
  const length = new DataView(firstRecord.buffer, firstRecord.byteOffset, LENGTH_PREFIX).getUint32(0);
  if (length > MAX_MANIFEST_BYTES) throw new PrivateShareError('the manifest is too large');
  return Math.ceil((LENGTH_PREFIX + length) / recordSize);
}

/**
 * The manifest from the plaintext of the manifest region's records (joined), checked against the torrent: its files
 * must fill exactly the bytes after the region.
 */
export function decodeManifest(region: Uint8Array, layout: PrivateLayout): Manifest {
  const raw = readManifestJson(region) as { v?: unknown; name?: unknown; files?: unknown };
  if (typeof raw !== 'object' || raw === null || raw.v !== 1 || !Array.isArray(raw.files))
    throw new PrivateShareError('the manifest is not one this app reads');
  const files = (raw.files as unknown[]).map(readManifestFile);
  const manifest: Manifest = { name: String(raw.name ?? ''), files };
  checkManifest(manifest);
  const total = files.reduce((sum, file) => sum + file.length, 0);
  if (total !== layout.filesLength)
    throw new PrivateShareError('the manifest does not match the size of the torrent');
  return manifest;
}

/** The manifest's JSON: a length prefix, then that many bytes of UTF-8. */
function readManifestJson(region: Uint8Array): unknown {
  const length = new DataView(region.buffer, region.byteOffset, LENGTH_PREFIX).getUint32(0);
  if (LENGTH_PREFIX + length > region.length) throw new PrivateShareError('the manifest is cut short');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(region.subarray(4, 4 + length)));
  } catch {
    throw new PrivateShareError('the manifest is not readable');
  }
}

/** One file of the manifest: a path of strings and a safe length. */
function readManifestFile(entry: unknown): Manifest['files'][number] {
  const file = entry as { path?: unknown; length?: unknown };
  if (
    typeof file !== 'object' ||
    file === null ||
    !Array.isArray(file.path) ||
    !file.path.every((part) => typeof part === 'string') ||
    !Number.isSafeInteger(file.length) ||
    (file.length as number) < 0
  )
    throw new PrivateShareError('the manifest lists a file badly');
  return { path: file.path as string[], length: file.length as number };
}

// --- plaintext files over records ---

/** The real files as entries of the plaintext stream (offsets after the manifest region). */
export function plainFiles(layout: PrivateLayout, manifest: Manifest): FileEntry[] {
  let offset = layout.manifestRecords * layout.recordSize;
  return manifest.files.map((file) => {
    const entry = { path: file.path, length: file.length, offset };
    offset += file.length;
    return entry;
  });
}

/** The records that hold plaintext bytes [start, end) of the stream (none when empty). */
export function recordsOfRange(
  layout: PrivateLayout,
  start: number,
  end: number,
): { first: number; last: number } {
  if (end <= start) return { first: 0, last: -1 };
  return { first: Math.floor(start / layout.recordSize), last: Math.floor((end - 1) / layout.recordSize) };
}

// --- keys in links ---

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding (43 characters for a key). */
export function encodeKey(key: Uint8Array): string {
  let out = '';
  for (let i = 0; i < key.length; i += 3) {
    const n = (key[i] << 16) | ((key[i + 1] ?? 0) << 8) | (key[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((key.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += B64URL[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** The key a link carries, or a PrivateShareError saying that it is no key. */
export function decodeKey(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) throw new PrivateShareError(WRONG_KEY_MESSAGE);
  const key = new Uint8Array(KEY_BYTES);
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of text) {
    value = (value << 6) | B64URL.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (at < KEY_BYTES) key[at++] = (value >> bits) & 255;
    }
  }
  // The last character's two spare bits are zero in a key this app wrote.
  if ((value & ((1 << bits) - 1)) !== 0) throw new PrivateShareError(WRONG_KEY_MESSAGE);
  return key;
}

export function isKeyText(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

// --- sealing a share ---

/** Reads bytes [start, end) of something (the files, concatenated). */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

/**
 * Ciphertext bytes [start, end) of the torrent: the records they fall in, each read from the plaintext stream (the
 * manifest region, then `readFiles`) and sealed. The share's reader asks for whole pieces, so no record is sealed
 * twice.
 */
export async function sealedRange(
  aead: Aead,
  layout: PrivateLayout,
  region: Uint8Array,
  readFiles: ReadBytes,
  start: number,
  end: number,
): Promise<Uint8Array> {
  const first = Math.floor(start / layout.pieceLength);
  const last = Math.floor((Math.min(end, layout.cipherLength) - 1) / layout.pieceLength);
  const out = new Uint8Array(Math.max(0, Math.min(end, layout.cipherLength) - start));
  for (let index = first; index <= last; index++) {
    const plainStart = index * layout.recordSize;
    const plainEnd = plainStart + recordPlainSize(layout, index);
    const plain = new Uint8Array(plainEnd - plainStart);
    if (plainStart < region.length) plain.set(region.subarray(plainStart, Math.min(plainEnd, region.length)));
    if (plainEnd > region.length) {
      const from = Math.max(plainStart, region.length);
      const bytes = await readFiles(from - region.length, plainEnd - region.length);
      if (bytes.length !== plainEnd - from) throw new PrivateShareError('a file was shorter than announced');
      plain.set(bytes, from - plainStart);
    }
    const sealed = await sealRecord(aead, layout, index, plain);
    const pieceStart = index * layout.pieceLength;
    const from = Math.max(start, pieceStart);
    const to = Math.min(end, pieceStart + sealed.length);
    out.set(sealed.subarray(from - pieceStart, to - pieceStart), from - start);
  }
  return out;
}
