// What the service worker knows of a torrent between requests, so that a player's requests (an MP4's three at its
// start, every seek's) do not each read the torrent's record from IndexedDB first: 13 to 47 ms a read in the bench's
// logs while the engine writes, once 200 ms, each before the first byte. The engine worker tells the service worker
// on the fresh-pieces channel (fresh-pieces.ts) when `Play` is pressed (the record, before the player's first
// request) and when a torrent is removed (its entry goes: a torrent shared again has new storage). Entries expire
// after KNOWN_TTL_MS and at most KNOWN_TORRENTS are kept, the oldest going first; a service worker that restarts
// starts empty and reads IndexedDB.
import { isInfoHashHex } from '../../../../shared/codec/hex';

/** How long an entry is trusted (ms). */
export const KNOWN_TTL_MS = 60_000;
/** Entries kept. */
export const KNOWN_TORRENTS = 16;

/** A torrent's record as the engine broadcasts it at `Play`: a download's or a share's pieces in its own storage
 * (not a private share's, nor one read in place from the user's files). */
export interface TorrentKnownMessage {
  type: 'torrent-known';
  infoHashHex: string;
  storageId: string;
  infoBytes: ArrayBuffer;
}

/** A torrent removed: what was known of it goes. */
export interface TorrentGoneMessage {
  type: 'torrent-gone';
  infoHashHex: string;
}

/** The message if it is a well-formed `torrent-known` (the channel is same-origin, but a message is checked). */
export function torrentKnownMessage(message: unknown): TorrentKnownMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, infoHashHex, storageId, infoBytes } = message as Partial<TorrentKnownMessage>;
  if (type !== 'torrent-known' || !isInfoHashHex(infoHashHex)) return undefined;
  if (typeof storageId !== 'string' || storageId.length === 0 || storageId.length > 128) return undefined;
  if (!(infoBytes instanceof ArrayBuffer)) return undefined;
  return { type, infoHashHex, storageId, infoBytes };
}

/** The message if it is a well-formed `torrent-gone`. */
export function torrentGoneMessage(message: unknown): TorrentGoneMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, infoHashHex } = message as Partial<TorrentGoneMessage>;
  return type === 'torrent-gone' && isInfoHashHex(infoHashHex) ? { type, infoHashHex } : undefined;
}

/** Torrents by info hash, each for KNOWN_TTL_MS, at most `limit` (the oldest set goes first). */
export class KnownTorrents<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();

  constructor(
    private readonly limit = KNOWN_TORRENTS,
    private readonly ttlMs = KNOWN_TTL_MS,
  ) {}

  get(infoHashHex: string, now: number): T | undefined {
    const entry = this.entries.get(infoHashHex);
    if (!entry) return undefined;
    if (now - entry.at >= this.ttlMs || now < entry.at) {
      this.entries.delete(infoHashHex);
      return undefined;
    }
    return entry.value;
  }

  set(infoHashHex: string, value: T, now: number): void {
    this.entries.delete(infoHashHex);
    this.entries.set(infoHashHex, { value, at: now });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(oldest);
    }
  }

  forget(infoHashHex: string): void {
    this.entries.delete(infoHashHex);
  }

  get size(): number {
    return this.entries.size;
  }
}
