// One web seed's standing: the files it lost (404 or 410, a piece of it that failed its check, no range support on
// a file too large to take whole), the files it serves only whole (it answered a range with 200), when it may be
// asked again after a 429 or 503 (its Retry-After, bounded), and whether it is out altogether (this site may not
// read it: CORS, an http:// seed on an https:// page). Pure: the clock is passed in.

/** A file whose server ignores ranges is taken whole up to this size; above it, the file is dropped from the seed. */
export const MAX_WHOLE_FILE = 16 * 1024 * 1024;
/** A 429 or 503 without a usable Retry-After waits this long (ms). */
export const DEFAULT_RETRY_MS = 30_000;
/** The longest Retry-After honoured (ms): a server asking for more is waited this long, then asked again. */
export const MAX_RETRY_MS = 10 * 60_000;
/** Failures in a row (network errors, bodies cut short) after which a seed is given up. */
export const MAX_FAILURES_IN_A_ROW = 5;

/** How a web seed stands, for the torrent's details. */
export type WebSeedStatus = 'fetching' | 'idle' | 'waiting' | 'failed';

export class SeedState {
  /** Files it may not be asked for, with why. */
  readonly dropped = new Map<number, string>();
  /** Files it serves only whole (no range support). */
  readonly whole = new Set<number>();
  /** It is not asked before this time (ms). */
  retryAt = 0;
  /** Why it is out altogether, when it is. */
  failure: string | undefined;
  /** Bytes it sent that went into pieces. */
  downloaded = 0;
  /** When it was first asked for bytes (ms): its rate sizes the next request (spread.ts). */
  firstAskedAt: number | undefined;
  private failuresInARow = 0;

  constructor(
    readonly url: string,
    readonly key: string,
  ) {}

  /** May it be asked for bytes of these files now? */
  serves(files: readonly number[], now: number): boolean {
    if (this.failure !== undefined || now < this.retryAt) return false;
    return files.every((file) => !this.dropped.has(file));
  }

  drop(file: number, reason: string): void {
    if (!this.dropped.has(file)) this.dropped.set(file, reason);
  }

  /** 429 or 503: wait for `retryAfterMs` (bounded), or DEFAULT_RETRY_MS without one. */
  backOff(retryAfterMs: number | undefined, now: number): void {
    const wait =
      retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
        ? Math.min(retryAfterMs, MAX_RETRY_MS)
        : DEFAULT_RETRY_MS;
    this.retryAt = Math.max(this.retryAt, now + wait);
  }

  /** A network failure or a cut body: waited, and after MAX_FAILURES_IN_A_ROW the seed is out. */
  failedOnce(reason: string, now: number): void {
    this.failuresInARow++;
    if (this.failuresInARow >= MAX_FAILURES_IN_A_ROW) this.failure = reason;
    else this.backOff(DEFAULT_RETRY_MS * this.failuresInARow, now);
  }

  /** A request came back whole. */
  succeeded(bytes: number): void {
    this.failuresInARow = 0;
    this.downloaded += bytes;
  }

  /** A 200 to a range request: the file is taken whole if it is small enough, else dropped. */
  noRanges(file: number, length: number): void {
    if (length <= MAX_WHOLE_FILE) this.whole.add(file);
    else this.drop(file, 'the server does not send parts of files');
  }

  status(fetching: boolean, now: number): WebSeedStatus {
    if (this.failure !== undefined) return 'failed';
    if (now < this.retryAt) return 'waiting';
    return fetching ? 'fetching' : 'idle';
  }
}
