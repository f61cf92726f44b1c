// The worker's key-value storage: a small interface with an in-memory implementation (tests, fallback)
// and an IndexedDB one (storage-idb.ts). Values are ArrayBuffers for piece data and plain objects for records.

export type StoredValue = ArrayBuffer | Record<string, unknown> | string[];

export interface KeyValueStore {
  /** Values in the order of `keys`; undefined where absent. */
  getMany(keys: string[]): Promise<Array<StoredValue | undefined>>;
  /** Writes every entry in one transaction: all or nothing. */
  setMany(entries: Array<[string, StoredValue]>): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  /** Every key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

/** Key of one stored piece. `storageId` is the torrent's info hash (hex), or the id a share was stored under. */
export function pieceKey(storageId: string, index: number): string {
  return `${PIECE_KEY_PREFIX}${storageId}:${index}`;
}
export const PIECE_KEY_PREFIX = 'piece:';
/** Keys of the pieces stored under `storageId`; without the final colon, of every storage id that starts with it. */
export function piecePrefix(storageId: string, whole = true): string {
  return `${PIECE_KEY_PREFIX}${storageId}${whole ? ':' : ''}`;
}
/** Parses the piece index out of a key made by pieceKey, or -1. */
export function pieceIndexOfKey(key: string): number {
  const index = Number(key.slice(key.lastIndexOf(':') + 1));
  return Number.isInteger(index) && index >= 0 ? index : -1;
}
export const TORRENT_PREFIX = 'torrent:';
export function torrentKey(infoHashHex: string): string {
  return TORRENT_PREFIX + infoHashHex;
}
/** A torrent's upload and download totals, small enough to go with every stored piece (the record holds the info). */
export const TOTALS_PREFIX = 'totals:';
export function totalsKey(infoHashHex: string): string {
  return TOTALS_PREFIX + infoHashHex;
}
export function haveKey(infoHashHex: string): string {
  return `have:${infoHashHex}`;
}
/** The verified-piece map of a torrent whose pieces are in an origin-private file (see lib/storage/verified-map.ts). */
export const VERIFIED_PREFIX = 'verified:';
export function verifiedKey(storageId: string): string {
  return VERIFIED_PREFIX + storageId;
}
/** The origin-private directory that holds one piece file per storage id (named by the storage id). */
export const PIECE_FILE_DIRECTORY = 'pieces';
/** Set to `{ pieces: 'indexeddb' }`, the engine keeps piece bytes in IndexedDB even where files are available. */
export const PIECE_STORE_SETTING = 'setting:piece-store';

/** A clear, short reason for a failed storage operation (what the UI shows after "Error: "). */
export function storageErrorReason(error: unknown): string {
  const name = error instanceof Error || isNamed(error) ? (error as { name: string }).name : '';
  const message =
    error instanceof Error || isNamed(error)
      ? String((error as { message?: unknown }).message ?? '')
      : String(error);
  if (name === 'QuotaExceededError' || /quota/i.test(message)) return 'storage quota exceeded';
  if (name === 'StorageUnavailableError') return message;
  return `storage failed: ${message || name || 'unknown error'}`;
}

function isNamed(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
  );
}

/** An error named like the DOMException IndexedDB throws when the quota is reached. */
export class QuotaExceededError extends Error {
  override name = 'QuotaExceededError';
  constructor(message = 'The quota has been exceeded.') {
    super(message);
  }
}

/** IndexedDB cannot be opened (private mode, disabled storage). */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

function sizeOf(value: StoredValue): number {
  if (value instanceof ArrayBuffer) return value.byteLength;
  return JSON.stringify(value).length;
}

/**
 * In-memory store with the semantics of the IndexedDB one: values are copied in and out (structured clone),
 * setMany is atomic. `quotaBytes` makes writes past that total fail with QuotaExceededError, as a browser would.
 */
export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, StoredValue>();
  /** Every setMany call's entry count, in order (for tests of batching). */
  readonly transactions: number[] = [];
  quotaBytes = Infinity;
  /** When set, every operation fails with this error (storage unavailable). */
  failure: Error | undefined;

  async getMany(keys: string[]): Promise<Array<StoredValue | undefined>> {
    this.check();
    return keys.map((key) => {
      const value = this.data.get(key);
      return value === undefined ? undefined : structuredClone(value);
    });
  }

  async setMany(entries: Array<[string, StoredValue]>): Promise<void> {
    this.check();
    if (this.quotaBytes !== Infinity) {
      let total = this.usedBytes();
      for (const [key, value] of entries) {
        const old = this.data.get(key);
        total += sizeOf(value) - (old === undefined ? 0 : sizeOf(old));
      }
      if (total > this.quotaBytes) throw new QuotaExceededError();
    }
    this.transactions.push(entries.length);
    for (const [key, value] of entries) this.data.set(key, structuredClone(value));
  }

  async delMany(keys: string[]): Promise<void> {
    this.check();
    for (const key of keys) this.data.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    this.check();
    return [...this.data.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  usedBytes(): number {
    let total = 0;
    for (const value of this.data.values()) total += sizeOf(value);
    return total;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
