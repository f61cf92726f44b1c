// A bounded set of open files shared by the torrents of a process (the model is libtorrent's file_pool): a share of
// thousands of files would otherwise hold a descriptor per file for its whole life and run into the process's
// limit. A file is opened when a read or write needs it and stays open while it is used often; when the bound is
// reached, the least recently used file that nothing is using is closed. A write or read that fails drops its file,
// so the next one opens it again (a file whose disk came back, or that was put back, works again).
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Files a process keeps open at most (all torrents together). */
export const MAX_OPEN_FILES = 64;

interface Entry {
  handle: Promise<FileHandle>;
  /** Reads and writes using it now: it is not closed under them. */
  users: number;
  /** Dropped from the pool: closed once its last user is done. */
  dropped: boolean;
}

export class FilePool {
  /** Open files by path, least recently used first. */
  private readonly entries = new Map<string, Entry>();
  /** Dropped files still in use or being closed: they hold descriptors too. */
  private closing = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit = MAX_OPEN_FILES) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('a file pool holds at least one file');
  }

  /** Descriptors held now (open files, and dropped ones not closed yet). */
  get open(): number {
    return this.entries.size + this.closing;
  }

  /** Runs `work` with the file at `path` open for reading and writing (created, with its folders, when missing). */
  async use<T>(path: string, work: (handle: FileHandle) => Promise<T>): Promise<T> {
    const entry = await this.acquire(path);
    try {
      return await work(await entry.handle);
    } catch (error) {
      this.drop(path, entry);
      throw error;
    } finally {
      this.release(entry);
    }
  }

  /** Closes the files at `paths` (those in use once their work is done). */
  async closeAll(paths: Iterable<string> = [...this.entries.keys()]): Promise<void> {
    const closed: Promise<void>[] = [];
    for (const path of paths) {
      const entry = this.entries.get(path);
      if (entry) closed.push(this.drop(path, entry));
    }
    await Promise.all(closed);
  }

  private async acquire(path: string): Promise<Entry> {
    for (;;) {
      const found = this.entries.get(path);
      if (found) {
        this.entries.delete(path);
        this.entries.set(path, found);
        found.users++;
        return found;
      }
      if (this.open < this.limit) break;
      // The descriptor is free once the close is done, or once a file in use is done with.
      this.evictIdle();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    const entry: Entry = { handle: openForWriting(path), users: 1, dropped: false };
    this.entries.set(path, entry);
    return entry;
  }

  /** Closes the least recently used file nothing is using (none while every open file is in use). */
  private evictIdle(): void {
    for (const [path, entry] of this.entries) {
      if (entry.users > 0) continue;
      void this.drop(path, entry);
      return;
    }
  }

  /** Takes the file out of the pool; it is closed once nothing uses it. */
  private drop(path: string, entry: Entry): Promise<void> {
    if (entry.dropped) return Promise.resolve();
    entry.dropped = true;
    if (this.entries.get(path) === entry) this.entries.delete(path);
    this.closing++;
    return this.closeWhenIdle(entry);
  }

  private release(entry: Entry): void {
    entry.users--;
    if (entry.dropped && entry.users === 0) void this.closeWhenIdle(entry);
    else this.wake();
  }

  private async closeWhenIdle(entry: Entry): Promise<void> {
    if (entry.users > 0) return;
    entry.users = -1; // closed once, whoever gets here first
    const handle = await entry.handle.catch(() => undefined);
    await handle?.close().catch(() => undefined);
    this.closing--;
    this.wake();
  }

  private wake(): void {
    this.waiting.shift()?.();
  }
}

/** One pool for every torrent of the process. */
export const processFiles = new FilePool();

/** Opens a file for reading and writing at any position, creating it (and its folders) when missing. */
async function openForWriting(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    return open(path, 'w+');
  }
}
