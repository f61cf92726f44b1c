// Reads of stored pieces for serving peers. Peers ask for the 16 KiB blocks of one piece in a row, so the
// last few pieces read stay in memory; concurrent reads of one piece share a single store read, and the reads
// asked for in the same turn of the event loop go to the store together, in one transaction.
import type { KeyValueStore } from '../../lib/storage/storage';
import type { BatchWriter } from './batch-writer';

/** Most pieces fetched in one transaction. */
const MAX_BATCH = 32;

interface Waiting {
  resolve: (value: ArrayBuffer | undefined) => void;
  reject: (error: unknown) => void;
}

export class PieceCache {
  private readonly cache = new Map<string, ArrayBuffer>();
  private cachedBytes = 0;
  private readonly loading = new Map<string, Promise<ArrayBuffer | undefined>>();
  private readonly queued = new Map<string, Waiting>();
  private scheduled = false;

  constructor(
    private readonly store: KeyValueStore,
    private readonly writer: BatchWriter,
    /** Bytes of pieces kept (default 32 MiB; the two most recent pieces whatever their size). */
    private readonly capacityBytes = 32 * 1024 * 1024,
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
      loading = new Promise<ArrayBuffer | undefined>((resolve, reject) =>
        this.queued.set(key, { resolve, reject }),
      );
      this.loading.set(key, loading);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.fetchQueued());
      }
    }
    return loading;
  }

  /** Forgets cached pieces whose key starts with `prefix`. */
  forget(prefix: string): void {
    for (const [key, value] of [...this.cache]) {
      if (!key.startsWith(prefix)) continue;
      this.cache.delete(key);
      this.cachedBytes -= value.byteLength;
    }
  }

  private fetchQueued(): void {
    this.scheduled = false;
    const entries = [...this.queued];
    this.queued.clear();
    for (let start = 0; start < entries.length; start += MAX_BATCH) {
      const batch = entries.slice(start, start + MAX_BATCH);
      this.store.getMany(batch.map(([key]) => key)).then(
        (values) => {
          batch.forEach(([key, waiting], k) => {
            this.loading.delete(key);
            const value = values[k];
            if (value instanceof ArrayBuffer) {
              this.remember(key, value);
              waiting.resolve(value);
            } else {
              waiting.resolve(undefined);
            }
          });
        },
        (error: unknown) => {
          for (const [key, waiting] of batch) {
            this.loading.delete(key);
            waiting.reject(error);
          }
        },
      );
    }
  }

  private remember(key: string, value: ArrayBuffer): void {
    const old = this.cache.get(key);
    if (old) {
      this.cache.delete(key);
      this.cachedBytes -= old.byteLength;
    }
    this.cache.set(key, value);
    this.cachedBytes += value.byteLength;
    while (this.cachedBytes > this.capacityBytes && this.cache.size > 2) {
      const [oldest, buffer] = this.cache.entries().next().value as [string, ArrayBuffer];
      this.cache.delete(oldest);
      this.cachedBytes -= buffer.byteLength;
    }
  }
}
