// Batched writes: pieces (and small records) queue up and go to the store several per transaction, which is
// about twice as fast in IndexedDB as one write per piece. Transactions run one after another, in order, so a
// later write or delete never overtakes an earlier one.
import type { KeyValueStore, StoredValue } from '../../lib/storage/storage';

export interface BatchWriterOptions {
  /** Flush when this many entries wait (default 16). */
  maxEntries?: number;
  /** Flush when this many bytes of ArrayBuffers wait (default 16 MiB). */
  maxBytes?: number;
  /** Flush this long after the first entry was queued (default 50 ms). */
  delayMs?: number;
  /** A transaction that only the delay starts waits until this long after the previous one began (default 0). The
   * piece file store sets it: each of its transactions flushes the file (an fsync) and writes the verified map, so
   * during a fast download fewer, larger ones cost far less, while the first piece after a pause still lands after
   * delayMs. */
  minIntervalMs?: number;
  schedule?: (callback: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
  /** Milliseconds (for minIntervalMs; tests pass a clock). */
  now?: () => number;
}

interface Pending {
  key: string;
  value: StoredValue;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class BatchWriter {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  /** Latest queued or in-flight value per key (reads see writes before they land). */
  private readonly unsettled = new Map<string, StoredValue>();
  private chain: Promise<void> = Promise.resolve();
  private timer: unknown = undefined;
  /** When the timer fires (by `now`). */
  private timerDue = Infinity;
  private readonly hooks: Array<() => void> = [];
  /** Inside together(): no transaction starts until its writes are all queued. */
  private holding = false;
  /** A hurry came with nothing to start, or inside together(): the next write starts its transaction at once. */
  private hurried = false;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly delayMs: number;
  private readonly minIntervalMs: number;
  /** When the last transaction was started (by `now`). */
  private lastStart = -Infinity;
  private readonly now: () => number;
  private readonly schedule: (callback: () => void, ms: number) => unknown;
  private readonly cancel: (handle: unknown) => void;

  constructor(
    private readonly store: KeyValueStore,
    options: BatchWriterOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 16;
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.delayMs = options.delayMs ?? 50;
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.now = options.now ?? (() => performance.now());
    this.schedule = options.schedule ?? ((callback, ms) => setTimeout(callback, ms));
    this.cancel = options.cancel ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /**
   * Queues a write; resolves once it is in the store, rejects with the store's error. A key already waiting in the
   * queue takes the new value in its place (a record rewritten with every piece costs one entry per transaction,
   * and lands in the same transaction as the pieces queued with it).
   */
  put(key: string, value: StoredValue): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiting =
        value instanceof ArrayBuffer ? undefined : this.queue.find((entry) => entry.key === key);
      if (waiting && !(waiting.value instanceof ArrayBuffer)) {
        const { resolve: resolveEarlier, reject: rejectEarlier } = waiting;
        waiting.value = value;
        waiting.resolve = () => {
          resolveEarlier();
          resolve();
        };
        waiting.reject = (error) => {
          rejectEarlier(error);
          reject(error);
        };
        this.unsettled.set(key, value);
        return;
      }
      this.queue.push({ key, value, resolve, reject });
      this.unsettled.set(key, value);
      if (value instanceof ArrayBuffer) this.queuedBytes += value.byteLength;
      this.startWhenDue();
    });
  }

  /**
   * Runs `queue`, whose puts all land in one transaction (a piece and the record that counts it: a crash keeps both
   * or neither). That transaction may hold a few more than maxEntries entries.
   */
  together<T>(queue: () => T): T {
    if (this.holding) return queue();
    this.holding = true;
    try {
      return queue();
    } finally {
      this.holding = false;
      this.startWhenDue();
    }
  }

  private startWhenDue(): void {
    if (this.holding || this.queue.length === 0) return;
    if (this.hurried || this.queue.length >= this.maxEntries || this.queuedBytes >= this.maxBytes)
      this.startBatch();
    else if (this.timer === undefined) {
      const now = this.now();
      this.startIn(Math.max(this.delayMs, this.lastStart + this.minIntervalMs - now), now);
    }
  }

  /** Starts the transaction of what is queued now, without waiting for the delay or the spacing: a piece a stream
   * waits for (the service worker sees a piece once the map that counts it is written), a torrent's first piece.
   * Inside together(), once its writes are queued; with nothing queued, with the next write (a piece file's first
   * write queues the map entry that counts it only once the file is open). */
  hurry(): void {
    if (this.holding || this.queue.length === 0) this.hurried = true;
    else this.startBatch();
  }

  /** Starts the transaction of what is queued at most `ms` after the previous one began (at once if that is past),
   * not with the delay or the spacing: a piece a stream waits for that the service worker has already, counted in
   * the stored map soon, without a transaction (a flush of the piece file) for each such piece. Nothing queued:
   * nothing to do (the next write waits as usual). */
  soon(ms: number): void {
    if (this.holding || this.queue.length === 0) return;
    const now = this.now();
    const wait = Math.max(0, this.lastStart + ms - now);
    if (wait === 0) return this.startBatch();
    if (this.timer !== undefined) {
      if (this.timerDue <= now + wait) return;
      this.cancel(this.timer);
    }
    this.startIn(wait, now);
  }

  /** The transaction of what is queued starts in `wait` ms (`now` by `now()`). */
  private startIn(wait: number, now: number): void {
    this.timer = this.schedule(() => this.startBatch(), wait);
    this.timerDue = now + wait;
  }

  /** Runs `hook` just before each transaction is written (the piece files flush there, before the map that counts
   * their pieces lands); when it throws, that transaction's writes reject with its error. */
  beforeTransaction(hook: () => void): void {
    this.hooks.push(hook);
  }

  /** A value written but maybe not yet in the store. */
  peek(key: string): StoredValue | undefined {
    return this.unsettled.get(key);
  }

  /** Writes everything queued now and waits for every transaction so far. Never rejects. */
  async flush(): Promise<void> {
    this.startBatch();
    await this.chain;
  }

  /** Drops queued (not yet started) writes whose key starts with `prefix`; they resolve without writing. */
  discard(prefix: string): void {
    const kept: Pending[] = [];
    for (const entry of this.queue) {
      if (entry.key.startsWith(prefix)) {
        if (entry.value instanceof ArrayBuffer) this.queuedBytes -= entry.value.byteLength;
        if (this.unsettled.get(entry.key) === entry.value) this.unsettled.delete(entry.key);
        entry.resolve();
      } else {
        kept.push(entry);
      }
    }
    this.queue = kept;
  }

  /** Runs `operation` after every write queued so far (for deletes that must not be overtaken). */
  after<T>(operation: () => Promise<T>): Promise<T> {
    this.startBatch();
    const result = this.chain.then(operation);
    this.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** After a failed transaction (a full disk): each entry on its own, so whatever still fits is kept. */
  private async writeOneByOne(batch: Pending[], latest: Map<string, StoredValue>): Promise<void> {
    const outcome = new Map<string, unknown>();
    for (const [key, value] of latest) {
      try {
        await this.store.setMany([[key, value]]);
        outcome.set(key, undefined);
      } catch (error) {
        outcome.set(key, error ?? new Error('write failed'));
      }
    }
    for (const entry of batch) {
      const error = outcome.get(entry.key);
      if (error === undefined) entry.resolve();
      else entry.reject(error);
    }
  }

  private startBatch(): void {
    this.hurried = false;
    if (this.timer !== undefined) {
      this.cancel(this.timer);
      this.timer = undefined;
      this.timerDue = Infinity;
    }
    if (this.queue.length > 0) {
      this.lastStart = this.now();
      // One transaction for what waits (maxEntries at most, a few more from together()); a key queued twice keeps
      // only its latest value.
      const batch = this.queue.splice(0);
      for (const entry of batch)
        if (entry.value instanceof ArrayBuffer) this.queuedBytes -= entry.value.byteLength;
      const latest = new Map<string, StoredValue>();
      for (const entry of batch) latest.set(entry.key, entry.value);
      this.chain = this.chain.then(async () => {
        try {
          for (const hook of this.hooks) hook();
        } catch (error) {
          // What the transaction would vouch for is not durable: none of it is written.
          for (const entry of batch) entry.reject(error);
          for (const [key, value] of latest)
            if (this.unsettled.get(key) === value) this.unsettled.delete(key);
          return;
        }
        try {
          await this.store.setMany([...latest]);
          for (const entry of batch) entry.resolve();
        } catch (error) {
          if (latest.size === 1) for (const entry of batch) entry.reject(error);
          else await this.writeOneByOne(batch, latest);
        } finally {
          for (const [key, value] of latest)
            if (this.unsettled.get(key) === value) this.unsettled.delete(key);
        }
      });
    }
    this.queuedBytes = Math.max(0, this.queuedBytes);
  }
}
