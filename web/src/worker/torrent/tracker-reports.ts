// What the main thread's tracker clients hear of a torrent: the stats of an announce (read from the session as they
// go out), and that the torrent became active (its clients start, under its hash and alias) or inactive.
import type { Session } from '../../../../shared/engine/contract/engine-types';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import type { AnnounceStats } from '../../lib/messages/protocol';
import type { Post } from './context';
import { engineError } from './errors';
import type { TorrentIdentity } from './identity';
import type { Totals } from './totals';

export interface ReportsPorts {
  post: Post;
  clock(): number;
  /** The session while it runs. */
  live(): Session | undefined;
  /** A session that throws fails the torrent. */
  fail(reason: string): void;
  info(): TorrentInfo | undefined;
  /** Bytes of the torrent in verified pieces. */
  storedBytes(): number;
}

export class TrackerReports {
  constructor(
    private readonly identity: TorrentIdentity,
    private readonly totals: Totals,
    private readonly ports: ReportsPorts,
  ) {}

  /** Reads the running session's stats (kept by the totals); a session that throws fails the torrent. */
  refreshStats(now = this.ports.clock()): void {
    const session = this.ports.live();
    if (!session) return;
    try {
      this.totals.refresh(session, now);
    } catch (error) {
      this.ports.fail(engineError(error));
    }
  }

  /** What an announce tells the tracker, from stats read now. */
  announceStats(): AnnounceStats {
    this.refreshStats();
    return this.totals.announce(this.ports.info(), this.ports.storedBytes());
  }

  /** The torrent runs: its tracker clients start. */
  postActive(): void {
    this.ports.post(this.identity.activeMessage(this.announceStats()));
  }

  /** The torrent stopped or paused: its tracker clients stop. */
  postInactive(): void {
    const infoHashHex = this.identity.infoHashHex;
    this.ports.post({ type: 'torrent-inactive', infoHashHex, stats: this.announceStats() });
  }
}
