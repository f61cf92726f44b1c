// The origin-private file system behind SyncFileDirectory: one directory of piece files, each opened through a
// synchronous access handle (only a dedicated worker has those). Kept thin: the logic lives in piece-file.ts.
import { PIECE_FILE_DIRECTORY } from '../../lib/storage/storage';
import type { SyncFile, SyncFileDirectory } from './sync-file';

/** Whether this context can hold synchronous access handles (a dedicated worker of a browser that has them). */
export function syncHandlesAvailable(): boolean {
  const handle = (globalThis as { FileSystemFileHandle?: { prototype: object } }).FileSystemFileHandle;
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: unknown } } }).navigator?.storage;
  return (
    typeof handle?.prototype === 'object' &&
    typeof (handle.prototype as { createSyncAccessHandle?: unknown }).createSyncAccessHandle === 'function' &&
    typeof storage?.getDirectory === 'function'
  );
}

/** The piece directory of the origin-private file system (created on first use). */
export async function pieceDirectory(root?: FileSystemDirectoryHandle): Promise<FileSystemDirectoryHandle> {
  const origin = root ?? (await navigator.storage.getDirectory());
  return origin.getDirectoryHandle(PIECE_FILE_DIRECTORY, { create: true });
}

/** What this file uses of FileSystemSyncAccessHandle (the project compiles against the DOM library, which lacks it). */
interface SyncAccessHandle {
  read(into: Uint8Array, options: { at: number }): number;
  write(data: Uint8Array, options: { at: number }): number;
  flush(): void;
  truncate(size: number): void;
  getSize(): number;
  close(): void;
}
type SyncCapableHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };

/** Tries to open a file held by an engine that is going away (a tab closing as another takes over) this often. */
const LOCKED_RETRIES = 20;
const LOCKED_RETRY_MS = 250;

/** The file's synchronous handle; while another worker still holds it (NoModificationAllowedError), tries again
 * for a few seconds. */
async function openWhenFree(file: SyncCapableHandle): Promise<SyncAccessHandle> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await file.createSyncAccessHandle();
    } catch (error) {
      const locked = (error as { name?: unknown }).name === 'NoModificationAllowedError';
      if (!locked || attempt >= LOCKED_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCKED_RETRY_MS));
    }
  }
}

export class OpfsDirectory implements SyncFileDirectory {
  constructor(private readonly directory: FileSystemDirectoryHandle) {}

  static async open(): Promise<OpfsDirectory> {
    return new OpfsDirectory(await pieceDirectory());
  }

  async open(name: string): Promise<SyncFile> {
    const file = (await this.directory.getFileHandle(name, { create: true })) as SyncCapableHandle;
    const handle = await openWhenFree(file);
    return {
      read: (into, at) => handle.read(into, { at }),
      write: (data, at) => handle.write(data, { at }),
      flush: () => handle.flush(),
      truncate: (size) => handle.truncate(size),
      getSize: () => handle.getSize(),
      close: () => handle.close(),
    };
  }

  async remove(name: string): Promise<void> {
    try {
      await this.directory.removeEntry(name);
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'NotFoundError') throw error;
    }
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    for await (const name of (this.directory as unknown as { keys(): AsyncIterable<string> }).keys())
      names.push(name);
    return names;
  }
}
