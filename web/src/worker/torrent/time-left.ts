// When the card may say how long a download has left. The session's estimate is what is left over its download
// rate, and that rate, in a session's first seconds, is its first blocks over a fraction of the meter's window
// (shared/engine/peer/rate.ts): after a relaunch the first reading is a block or two while the connections still
// ramp up, and says minutes for what takes seconds. So the estimate is shown once this session's bytes have come
// for a whole window of the meter: from the rate measured now, never from the session's first trickle. Pure: stats
// and the time in, the estimate out.
import type { SessionStats } from '../../../../shared/engine/contract/engine-types';

/** The session's download meter's window (RateMeter's default): the rate is over this much flow once it is past. */
export const TIME_LEFT_SETTLE_MS = 5_000;

export type TimeLeftStats = Pick<SessionStats, 'downloaded' | 'timeLeft'>;

/** Follows one torrent's sessions over time (the torrent's view asks it at each publish). */
export class TimeLeftWatch {
  /** When the current session's first bytes were seen. */
  private since: number | undefined;

  /** The time left to show now: undefined until this session's bytes have come for TIME_LEFT_SETTLE_MS, except
   * that nothing left is always said. */
  shown(stats: TimeLeftStats | undefined, now: number): number | undefined {
    if (stats?.timeLeft === 0) return 0;
    // A new session counts from zero: its rate is measured afresh.
    if (!stats || stats.downloaded === 0) {
      this.since = undefined;
      return undefined;
    }
    this.since ??= now;
    return now - this.since >= TIME_LEFT_SETTLE_MS ? stats.timeLeft : undefined;
  }
}
