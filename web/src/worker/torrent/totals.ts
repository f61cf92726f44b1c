// A torrent's upload and download totals: those of earlier sessions (persisted with its record) plus the current
// session's own counts, and the verified pieces still on their way to the store. Written now and then, not on every
// tick: a readwrite transaction holds up the reads that serve peers.
import type { Session, SessionStats } from '../../../../shared/engine/contract/engine-types';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { AnnounceStats } from '../../lib/messages/protocol';
import type { BatchWriter } from '../storage/batch-writer';
import { totalsEntry, type TorrentRecord } from '../storage/records';

/**
 * Upload totals are written at most this often (and at pause, completion and shutdown); the download total also
 * goes with every verified piece, in the same transaction as the piece (see the engine ports' store).
 */
export const TOTALS_PERSIST_MS = 5000;

type Counted = Pick<TorrentRecord, 'infoHashHex' | 'uploaded' | 'downloaded' | 'length'>;

export class Totals {
  private baseUploaded: number;
  private baseDownloaded: number;
  /** The session's last stats: what a stopped or broken session shows. */
  private lastStats: SessionStats | undefined;
  /** Verified pieces queued for the store, not yet counted by the session (which counts them once stored). */
  private storingBytes = 0;
  private persistedTotals = '';
  private persistedAt = -Infinity;

  constructor(
    private readonly record: Counted,
    private readonly session: () => Session | undefined,
    private readonly clock: () => number,
  ) {
    this.baseUploaded = record.uploaded;
    this.baseDownloaded = record.downloaded;
  }

  get stats(): SessionStats | undefined {
    return this.lastStats;
  }

  /** Reads the session's stats (which may throw: the caller fails the torrent). */
  refresh(session: Session, now: number): void {
    this.lastStats = session.stats(now);
  }

  /** A session is about to replace the current one: its counts become the base the new one adds to. */
  carryOver(): void {
    this.baseUploaded = this.uploaded();
    this.baseDownloaded = this.downloaded();
  }

  /** A new session started: it has no stats yet. */
  sessionStarted(): void {
    this.lastStats = undefined;
  }

  uploaded(): number {
    return this.baseUploaded + this.sessionTotals().uploaded;
  }

  downloaded(): number {
    return this.baseDownloaded + this.sessionTotals().downloaded;
  }

  /** A verified piece of `bytes` is on its way to the store. */
  storing(bytes: number): void {
    this.storingBytes += bytes;
  }

  /** That piece's write ended (stored, or failed). */
  stored(bytes: number): void {
    this.storingBytes -= bytes;
  }

  /** Whether the totals changed since they were last written, long enough ago to write them again. */
  due(): boolean {
    if (this.clock() - this.persistedAt < TOTALS_PERSIST_MS) return false;
    return `${this.uploaded()}:${this.downloaded() + this.storingBytes}` !== this.persistedTotals;
  }

  /** Puts the totals in the record, as they are about to be written. */
  count(): void {
    this.record.uploaded = this.uploaded();
    this.record.downloaded = this.downloaded() + this.storingBytes;
    this.persistedTotals = `${this.record.uploaded}:${this.record.downloaded}`;
    this.persistedAt = this.clock();
  }

  /** Writes only the totals (a few bytes, batched with the pieces); loadRecords takes them over the record's. */
  async write(writer: Pick<BatchWriter, 'put'>): Promise<void> {
    this.count();
    const [key, value] = totalsEntry(this.record.infoHashHex, this.record.uploaded, this.record.downloaded);
    try {
      await writer.put(key, value);
    } catch {
      // the piece in the same transaction fails too, and that failure is the one the torrent shows
    }
  }

  /** What an announce tells the tracker, from stats just read (undefined: none could be). */
  announce(info: TorrentInfo | undefined, storedBytes: number): AnnounceStats {
    return { uploaded: this.uploaded(), downloaded: this.downloaded(), left: this.left(info, storedBytes) };
  }

  /** The bytes left to fetch, for the tracker. */
  left(info: TorrentInfo | undefined, storedBytes: number): number {
    const stats = this.lastStats;
    if (info) return stats ? stats.left : info.length - storedBytes;
    const left = stats?.left ?? 0;
    return left === 0 ? (this.record.length ?? 1) : left; // metadata unknown: we are a leecher all the same
  }

  /** This session's totals, read from the session itself (a stopped session keeps its counts). */
  private sessionTotals(): { downloaded: number; uploaded: number } {
    const session = this.session();
    if (session) {
      try {
        return session.totals();
      } catch {
        // a broken session: its last stats stand
      }
    }
    return { downloaded: this.lastStats?.downloaded ?? 0, uploaded: this.lastStats?.uploaded ?? 0 };
  }
}
