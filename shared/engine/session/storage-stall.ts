// A store the host's storage refused (a full disk, a quota, a folder gone) is a pause, not the end: the session asks
// for nothing until a wait is over, then tries again, waiting twice as long after each refusal in a row (up to a
// ceiling) until a piece is stored. The clock is the session's (its `tick`).

/** The first wait after storage refused a piece, ms. */
export const STORAGE_RETRY_MS = 2_000;
/** The longest wait between tries, ms. */
export const STORAGE_RETRY_MAX_MS = 60_000;

/** How the words the torrent shows while it waits begin (the storage's reason follows). */
export const STORAGE_WAIT_PREFIX = 'Waiting for storage: ';

/** The words the torrent shows while it waits: `Waiting for storage: <the storage's reason>`. */
export function storageWaitWords(reason: string): string {
  return STORAGE_WAIT_PREFIX + reason;
}

export class StorageStall {
  private delay = STORAGE_RETRY_MS;
  private retryAt: number | undefined;

  /** Waiting for storage now. */
  get stalled(): boolean {
    return this.retryAt !== undefined;
  }

  /** Storage refused a piece at `now`: the next try waits, longer than the last one if nothing was stored since. */
  refused(now: number): void {
    this.retryAt = now + this.delay;
    this.delay = Math.min(this.delay * 2, STORAGE_RETRY_MAX_MS);
  }

  /** Whether the wait is over at `now`. */
  due(now: number): boolean {
    return this.retryAt !== undefined && now >= this.retryAt;
  }

  /** Not waiting any more (the wait is over, or the user paused). */
  clear(): void {
    this.retryAt = undefined;
  }

  /** A piece was stored: a later refusal waits the first wait again. */
  worked(): void {
    this.delay = STORAGE_RETRY_MS;
  }
}
