// What a card says when every tracker of its torrent is down: whether it still meets peers through the ones it is
// connected to (peer exchange passes introductions on), or nobody new can be met until a tracker comes back.
import type { TrackerStatus } from '../links/trackers';

/** Every tracker of the torrent is unreachable or refuses it (none: nothing to say). */
export function everyTrackerDown(trackers: readonly TrackerStatus[]): boolean {
  return trackers.length > 0 && trackers.every((t) => t.state === 'unreachable' || t.state === 'failure');
}

/** The words for a torrent whose trackers are all down, with `neighbours` connected peers that speak sd_pex. */
export function trackersDownWords(trackerCount: number, neighbours: number): string {
  const all = trackerCount === 1 ? 'Its tracker is down' : `All ${trackerCount} of its trackers are down`;
  if (neighbours > 0) {
    const who = neighbours === 1 ? 'the 1 connected peer' : `the ${neighbours} connected peers`;
    return `${all}: it goes on meeting people through ${who} that pass introductions on, and announces again when a tracker is back.`;
  }
  return `${all}, and no connected peer passes introductions on: nobody new can be met until a tracker is back.`;
}
