// Whether a download waits for someone who has the rest: no peer is connected, or those connected have none of the
// missing pieces the chosen files need (the seeder left). Said in words once it has held for a while, and gone as
// soon as someone connected has a missing piece again. Pure: stats and the time in, words out.
import type { SessionStats } from '../../../../shared/engine/contract/engine-types';

/**
 * How long nobody connected must have a missing piece before the torrent says so: a download's first peers take a
 * few seconds to connect and send what they have, and a peer that leaves may be replaced at the next announce
 * answer. Well under the 20 s after which a person waiting wonders what is going on.
 */
export const STALL_GRACE_MS = 8_000;

export type StallStats = Pick<
  SessionStats,
  'state' | 'wantedPieces' | 'wantedVerified' | 'wantedReachable' | 'peers' | 'webSeeds'
>;

/** A download with pieces missing that no connected peer has, and no web seed it may still use. */
export function nobodyHasTheRest(stats: StallStats): boolean {
  return (
    stats.state === 'downloading' &&
    stats.wantedPieces > stats.wantedVerified &&
    stats.wantedReachable === 0 &&
    !(stats.webSeeds ?? []).some((seed) => seed.status !== 'failed')
  );
}

/** The words: how much is missing, and whether anyone is connected at all. */
export function stallWords(stats: StallStats): string {
  const missing = stats.wantedPieces - stats.wantedVerified;
  // Rounded, but never to 0 % or 100 % while some is missing and some is here.
  const percent =
    missing === stats.wantedPieces
      ? 100
      : Math.min(99, Math.max(1, Math.round((100 * missing) / stats.wantedPieces)));
  const rest = 'Waiting for someone who has the rest';
  return stats.peers === 0
    ? `${rest}: nobody is connected, and ${percent} % is still missing`
    : `${rest}: nobody connected has the missing ${percent} %`;
}

/** Follows one torrent's stats over time (the torrent's view asks it at each publish). */
export class StallWatch {
  /** When nobody connected had the rest, since the last time someone did. */
  private since: number | undefined;

  /** The words to show now, or undefined while someone connected has a missing piece or the grace runs. */
  words(stats: StallStats | undefined, now: number): string | undefined {
    if (!stats || !nobodyHasTheRest(stats)) {
      this.since = undefined;
      return undefined;
    }
    this.since ??= now;
    return now - this.since >= STALL_GRACE_MS ? stallWords(stats) : undefined;
  }
}
