// Names for the files a torrent writes into a folder the user picked (`Save all to a folder`). A torrent's paths
// come from whoever made it: each part is made safe first (safe-name.ts), and only then are clashes resolved, so two
// parts that become one name (`a?` and `a*`, NFC and NFD forms, zero-width characters, case) never land on one file.
// A name the folder already holds is never reused for a file: the new file gets `name (2).ext`, as browsers do for
// downloads, so nothing on the user's disk is overwritten.
import { MAX_NAME_BYTES, safeFileName, truncateBytes } from './safe-name';

export type EntryKind = 'file' | 'directory';

/** How file systems compare names: Windows and macOS ignore case by default, and safeFileName has made it NFC. */
const nameKey = (name: string): string => name.toLowerCase();

/** `stem (n).ext`, cut to the byte limit on the stem's side so the number and the extension stay. */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = name.slice(0, name.length - extension.length);
  const suffix = ` (${n})${extension}`;
  const budget = MAX_NAME_BYTES - new TextEncoder().encode(suffix).length;
  return truncateBytes(stem, budget) + suffix;
}

/** The names taken in one folder: what it held when we looked, and what we have claimed in it since. */
export class FolderNames {
  private readonly taken = new Map<string, EntryKind>();
  private readonly claimedDirectories = new Map<string, string>();

  constructor(existing: Iterable<[string, EntryKind]> = []) {
    for (const [name, kind] of existing) this.taken.set(nameKey(name), kind);
  }

  /** A name for a new file here from a torrent's path part: safe, and not the name of anything here already. */
  file(part: string): string {
    const safe = safeFileName(part);
    let name = safe;
    for (let n = 2; this.taken.has(nameKey(name)); n++) name = numberedName(safe, n);
    this.taken.set(nameKey(name), 'file');
    return name;
  }

  /** A name for a folder here from a torrent's path part. Parts that become one safe name share one folder (the
   * files inside are kept apart by `file`); an existing folder is written into, an existing file never replaced. */
  directory(part: string): string {
    const safe = safeFileName(part);
    const reused = this.claimedDirectories.get(nameKey(safe));
    if (reused !== undefined) return reused;
    let name = safe;
    for (let n = 2; this.taken.get(nameKey(name)) === 'file'; n++) name = numberedName(safe, n);
    this.taken.set(nameKey(name), 'directory');
    this.claimedDirectories.set(nameKey(safe), name);
    return name;
  }
}

/** The folder that a torrent's files are written into, as the save needs it: list what is there, open or make a
 * subfolder, make a new file. `FileSystemDirectoryHandle` has all three. */
export interface FolderLike {
  entries(): AsyncIterable<[string, { kind: EntryKind }]>;
  getDirectoryHandle(name: string, options: { create: true }): Promise<FolderLike>;
  getFileHandle(name: string, options: { create: true }): Promise<unknown>;
}

/** Plans where each path (a torrent's path parts) goes under `root`, looking at each folder's entries once. Returns
 * per path the safe, clash-free names, in the same order; folders are made as they are planned. */
export async function planFolderPaths(
  root: FolderLike,
  paths: readonly (readonly string[])[],
): Promise<{ folder: FolderLike; name: string; parts: string[] }[]> {
  const folders = new Map<FolderLike, FolderNames>();
  const namesIn = async (folder: FolderLike): Promise<FolderNames> => {
    let names = folders.get(folder);
    if (!names) {
      const existing: [string, EntryKind][] = [];
      for await (const [name, entry] of folder.entries()) existing.push([name, entry.kind]);
      names = new FolderNames(existing);
      folders.set(folder, names);
    }
    return names;
  };
  const opened = new Map<string, FolderLike>();
  const plans: { folder: FolderLike; name: string; parts: string[] }[] = [];
  for (const path of paths) {
    let folder = root;
    const parts: string[] = [];
    for (const part of path.slice(0, -1)) {
      const name = (await namesIn(folder)).directory(part);
      parts.push(name);
      const key = parts.join('/');
      let next = opened.get(key);
      if (!next) {
        next = await folder.getDirectoryHandle(name, { create: true });
        opened.set(key, next);
      }
      folder = next;
    }
    const name = (await namesIn(folder)).file(path[path.length - 1] ?? '');
    parts.push(name);
    plans.push({ folder, name, parts });
  }
  return plans;
}
