// Why no peer can be reached, in words. The page watches every connection attempt of a torrent (what our own offer or
// answer could offer as routes, what the ICE servers reported, whether the remote side answered, whether the
// connection opened) and, while no connection is open, says what it knows: that the relay did not answer, or that
// peers were found and none could be reached. Pure: the connection manager keeps the attempts, this reads them.
import { plural } from '../../lib/ui/format';

export type AttemptOutcome =
  /** Still gathering routes, waiting for an answer, or checking routes. */
  | 'pending'
  | 'connected'
  /** Our side had no route to offer: no candidate at all, or (relay only) no relay candidate: the relay gave none. */
  | 'no-route'
  /** A remote peer answered (or made the offer), but the connection did not open: ICE failed or stalled. */
  | 'failed'
  /** Closed before any remote peer took part: an offer nobody answered, or one we declined. */
  | 'unanswered';

export interface Attempt {
  /** Made with `iceTransportPolicy: 'relay'`. */
  relayOnly: boolean;
  /** The remote peer id (hex), once the tracker matched us with one. */
  remote?: string;
  outcome: AttemptOutcome;
  /** TURN servers that reported an error while this connection gathered its routes (`icecandidateerror`). */
  relayErrors: string[];
}

export interface ReachInput {
  /** Connections open now. */
  connected: number;
  /** The other peers the trackers count in the swarm (complete + incomplete, less us), when a tracker said. */
  swarmOthers?: number;
  /** Connections are made through the relay only (the user's choice, with a relay offered). */
  relayOnly: boolean;
  /** The TURN servers handed out by the tracker. */
  relayUrls: readonly string[];
  /** Recent attempts, oldest first. */
  attempts: readonly Attempt[];
}

/** The routes our own offer or answer carries: its candidates, and how many of them are relay candidates. */
export function ownRoutes(sdp: string | undefined): { candidates: number; relay: number } {
  let candidates = 0;
  let relay = 0;
  for (const line of (sdp ?? '').split(/\r?\n/)) {
    if (!line.startsWith('a=candidate:')) continue;
    candidates++;
    if (/ typ relay( |$)/.test(line)) relay++;
  }
  return { candidates, relay };
}

/** Whether a description of our side (with every candidate gathered: no trickle) leaves the peer no way to us. */
export function noRoute(sdp: string | undefined, relayOnly: boolean): boolean {
  const routes = ownRoutes(sdp);
  return relayOnly ? routes.relay === 0 : routes.candidates === 0;
}

function relayServers(urls: readonly string[]): string {
  if (urls.length === 0) return 'The relay server did not answer';
  if (urls.length === 1) return `The relay server ${urls[0]} did not answer`;
  return `The relay servers ${urls.join(', ')} did not answer`;
}

/** What to tell the user about a torrent's connections, or undefined when there is nothing wrong to say. */
export function reachProblem(input: ReachInput): string | undefined {
  if (input.connected > 0) return undefined;
  const attempts = input.attempts.filter((attempt) => attempt.outcome !== 'connected');
  if (input.relayOnly) {
    const relayed = attempts.filter((attempt) => attempt.relayOnly);
    if (relayed.some((attempt) => attempt.outcome === 'no-route')) {
      const named = [...new Set(relayed.flatMap((attempt) => attempt.relayErrors))];
      return relayServers(named.length > 0 ? named : input.relayUrls);
    }
  } else if (attempts.some((attempt) => !attempt.relayOnly && attempt.outcome === 'no-route')) {
    return 'No connection can be offered to peers: this browser found no network address to use';
  }
  const failed = attempts.filter((attempt) => attempt.outcome === 'failed');
  if (failed.length === 0) return undefined;
  const remotes = new Set(failed.map((attempt) => attempt.remote).filter((remote) => remote !== undefined));
  const found = Math.max(input.swarmOthers ?? 0, remotes.size, 1);
  return found === 1
    ? '1 peer found, it could not be reached'
    : `${plural(found, 'peer')} found, none could be reached`;
}

/** The other peers a tracker status counts (its swarm's seeders and leechers, less us), when it said. */
export function swarmOthers(
  statuses: ReadonlyArray<{ complete?: number; incomplete?: number }>,
): number | undefined {
  let most: number | undefined;
  for (const status of statuses) {
    if (status.complete === undefined || status.incomplete === undefined) continue;
    const others = Math.max(0, status.complete + status.incomplete - 1);
    most = Math.max(most ?? 0, others);
  }
  return most;
}
