// The file list of a BitTorrent info dictionary (BEP 3, BEP 47 pad files) and the checks on its fields: safe path
// components, path shapes, no two files at one path, integer and UTF-8 fields. Shared by the v1 and v2 readers.
import { asBytes, asDict, bytesToUtf8, type BValue } from './bencode';

export class MetainfoError extends Error {
  override name = 'MetainfoError';
}

export interface FileEntry {
  /** Path inside the torrent, as components (multi-file) or [name] (single file). */
  path: string[];
  length: number;
  /** Byte offset of the file in the torrent's concatenated data. */
  offset: number;
  /** A BEP 47 pad file (`attr` containing `p`): zeros aligning the next file to a piece, never written to disk. */
  pad?: true;
}

/** Files in one torrent: each becomes a file on the user's disk and a row in the UI. */
export const MAX_FILES = 100_000;
/** Components of one file's path (folders + the file). */
export const MAX_PATH_DEPTH = 64;
/** Characters of one file's path, its components and separators together (most file systems allow 4096). */
export const MAX_PATH_LENGTH = 4096;
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
    if (!Number.isSafeInteger(file.length) || file.length < 0) {
      throw new MetainfoError(`File "${file.path.join('/')}" has an invalid length ${file.length}`);
    }
    placeFile(root, file.path, pads?.has(i) ?? false);
  }
}

/** Puts one file into the tree, folder by folder; throws if its path is taken (pad files may share theirs). */
function placeFile(root: Folder, path: readonly string[], isPad: boolean): void {
  let folder = root;
  for (let depth = 0; depth < path.length; depth++) {
    const name = path[depth];
    const isFile = depth === path.length - 1;
    const existing = folder.get(name);
    if (isFile && isPad && existing === 'pad') return;
    if (existing === null || existing === 'pad' || (existing !== undefined && isFile)) {
      throw new MetainfoError(`Two files use the path "${path.slice(0, depth + 1).join('/')}"`);
    }
    if (isFile) folder.set(name, isPad ? 'pad' : null);
    else if (existing === undefined) {
      const child: Folder = new Map();
      folder.set(name, child);
      folder = child;
    } else folder = existing;
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

/**
 * The `files` list of a multi-file info dictionary: each entry's length and path (its shape checked before any
 * component is decoded), offsets in the torrent's data, pad files; the whole list checked by checkFiles.
 */
export function readFileList(list: BValue | undefined): { files: FileEntry[]; length: number } {
  if (!Array.isArray(list) || list.length === 0) throw new MetainfoError('The files list is empty');
  if (list.length > MAX_FILES)
    throw new MetainfoError(`The torrent lists ${list.length} files (max ${MAX_FILES})`);
  const files: FileEntry[] = [];
  const pads = new Set<number>();
  let length = 0;
  for (const [i, item] of list.entries()) {
    const { path, length: fileLength, pad } = readFileEntry(item, i);
    files.push(
      pad ? { path, length: fileLength, offset: length, pad } : { path, length: fileLength, offset: length },
    );
    if (pad) pads.add(i);
    length += fileLength;
    if (!Number.isSafeInteger(length)) throw new MetainfoError('The total length is too large');
  }
  checkFiles(files, pads);
  return { files, length };
}

/** One entry of the `files` list: its length, its path and whether it is a pad file. */
function readFileEntry(item: BValue, i: number): { path: string[]; length: number; pad: boolean } {
  const entry = asDict(item);
  if (!entry) throw new MetainfoError(`File ${i} is not a dictionary`);
  const length = safeInteger(entry.length, `length of file ${i}`, 0);
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
  return { path, length, pad: isPadFileEntry(entry) };
}
