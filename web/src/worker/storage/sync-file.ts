// The little the piece file store needs of a file: reads and writes at offsets, flush, truncate, size, close (the
// shape of the browser's FileSystemSyncAccessHandle), and a directory that opens and removes files by name. The
// origin-private implementation is in opfs-directory.ts; the in-memory one here runs the same store in Node tests.

export interface SyncFile {
  /** Reads into `into` from byte `at`; returns how many bytes were read (fewer at the end of the file). */
  read(into: Uint8Array, at: number): number;
  /** Writes `data` at byte `at` (the file grows as needed); returns how many bytes were written. */
  write(data: Uint8Array, at: number): number;
  /** Makes every write so far durable. */
  flush(): void;
  truncate(size: number): void;
  getSize(): number;
  close(): void;
}

export interface SyncFileDirectory {
  /** Opens (creating it if needed) the named file for exclusive synchronous access. */
  open(name: string): Promise<SyncFile>;
  /** Removes the named file (closed first); nothing happens when there is none. */
  remove(name: string): Promise<void>;
  /** The names of the files in the directory. */
  list(): Promise<string[]>;
}

/** A file access that fails because the file is open elsewhere, as the browser's exclusive handles do. */
export class FileLockedError extends Error {
  override name = 'NoModificationAllowedError';
}

/** An in-memory file. `quotaBytes` makes writes that would grow it past that size fail, as a full disk would. */
export class MemorySyncFile implements SyncFile {
  bytes = new Uint8Array(0);
  size = 0;
  open = true;
  /** Bytes flushed: what a crash would keep. */
  durable = new Uint8Array(0);
  quotaBytes = Infinity;
  /** Times flushed (an fsync each, on a real disk). */
  flushes = 0;

  read(into: Uint8Array, at: number): number {
    this.check();
    const count = Math.max(0, Math.min(into.length, this.size - at));
    into.set(this.bytes.subarray(at, at + count));
    return count;
  }

  write(data: Uint8Array, at: number): number {
    this.check();
    const end = at + data.length;
    if (end > this.quotaBytes) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(data, at);
    this.size = Math.max(this.size, end);
    return data.length;
  }

  flush(): void {
    this.check();
    this.flushes++;
    this.durable = this.bytes.slice(0, this.size);
  }

  truncate(size: number): void {
    this.check();
    if (size > this.bytes.length) {
      const grown = new Uint8Array(size);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    } else {
      this.bytes.fill(0, size);
    }
    this.size = size;
  }

  getSize(): number {
    this.check();
    return this.size;
  }

  close(): void {
    this.open = false;
  }

  private check(): void {
    if (!this.open) throw new DOMException('The access handle was closed.', 'InvalidStateError');
  }
}

/** Files in a Map, with the browser's exclusive access: a file open once cannot be opened or removed again. */
export class MemoryFileDirectory implements SyncFileDirectory {
  readonly files = new Map<string, MemorySyncFile>();
  /** Applied to each file opened from now on. */
  quotaBytes = Infinity;

  async open(name: string): Promise<SyncFile> {
    const existing = this.files.get(name);
    if (existing?.open) throw new FileLockedError(`${name} is open elsewhere`);
    const file = new MemorySyncFile();
    file.quotaBytes = this.quotaBytes;
    if (existing) {
      file.bytes = existing.bytes;
      file.size = existing.size;
      file.durable = existing.durable;
    }
    this.files.set(name, file);
    return file;
  }

  async remove(name: string): Promise<void> {
    if (this.files.get(name)?.open) throw new FileLockedError(`${name} is open`);
    this.files.delete(name);
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()];
  }

  /** Closes every file, as the end of the worker that held them does (tests of a reload). */
  closeAll(): void {
    for (const file of this.files.values()) file.close();
  }
}
