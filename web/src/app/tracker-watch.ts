// One truth for the app's own tracker, shown in the page's header and on every card: the header's check of
// `/health` and the cards' tracker connections correct each other within seconds. A connection that opens makes the
// header reachable; one that fails has the header checked now; a check that finds the tracker back has the
// connections waiting out their backoff try at once, so that the cards do not say unreachable after the header
// says reachable.
import type { TrackerStatus } from '../lib/links/trackers';

/** How often the header checks the tracker while it answers, and while it does not (it comes back sooner). */
export const CHECK_REACHABLE_MS = 30_000;
export const CHECK_UNREACHABLE_MS = 5_000;

/** What a card's tracker statuses mean for the header: `reachable` (a connection to it is open), `check` (a
 * connection to it failed while the header says reachable), or nothing. */
export function headerFromStatuses(
  statuses: readonly TrackerStatus[],
  ownTracker: string,
  reachable: boolean | undefined,
): 'reachable' | 'check' | undefined {
  const own = statuses.filter((status) => status.url === ownTracker);
  if (own.some((status) => status.state === 'connected')) return reachable === true ? undefined : 'reachable';
  if (reachable !== false && own.some((status) => status.state === 'unreachable')) return 'check';
  return undefined;
}

/** After a check: whether the connections should try again now (the tracker is back where it was down). */
export function retryAfterCheck(before: boolean | undefined, now: boolean): boolean {
  return before === false && now;
}

/** The wait until the next check. */
export function nextCheckMs(reachable: boolean): number {
  return reachable ? CHECK_REACHABLE_MS : CHECK_UNREACHABLE_MS;
}
