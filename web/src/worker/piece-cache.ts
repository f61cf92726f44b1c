// Reads of stored pieces for serving peers. Peers ask for the 16 KiB blocks of one piece in a row, so the
// last few pieces read stay in memory, and concurrent reads of one piece share a single store read.
import type { KeyValueStore } from '../lib/storage';
import type { BatchWriter } from './batch-writer';

export class PieceCache {
  private readonly cache = new Map<string, ArrayBuffer>();
  private readonly loading = new Map<string, Promise<ArrayBuffer | undefined>>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly writer: BatchWriter,
    /** Pieces kept (default 8). */
    private readonly capacity = 8,
  ) {}

  /** The stored piece, or undefined when it is not stored. Rejects when the store fails. */
  read(key: string): Promise<ArrayBuffer | undefined> {
    const cached = this.cache.get(key);
    if (cached) {
      // Most recently used goes last.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return Promise.resolve(cached);
    }
    const pending = this.writer.peek(key);
    if (pending instanceof ArrayBuffer) return Promise.resolve(pending);
    let loading = this.loading.get(key);
    if (!loading) {
      loading = this.store.getMany([key]).then(
        ([value]) => {
          this.loading.delete(key);
          if (!(value instanceof ArrayBuffer)) return undefined;
          this.remember(key, value);
          return value;
        },
        (error: unknown) => {
          this.loading.delete(key);
          throw error;
        },
      );
      this.loading.set(key, loading);
    }
    return loading;
  }

  /** Forgets cached pieces whose key starts with `prefix`. */
  forget(prefix: string): void {
    for (const key of [...this.cache.keys()]) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  private remember(key: string, value: ArrayBuffer): void {
    this.cache.set(key, value);
    while (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}
