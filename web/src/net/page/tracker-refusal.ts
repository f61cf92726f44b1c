// A tracker's `failure reason`, read in one place: whether it says our peer id is taken in the swarm (a stranger who
// learned it from our offers announced it first), and what a person reads on the torrent's card for any refusal.

/** The words our tracker (signal-tracker) and others use when another connection holds the peer id in the swarm. */
export const PEER_ID_IN_USE = 'peer_id is in use';

/**
 * New peer ids a torrent takes on one tracker, after `peer_id is in use` refusals, for as long as it announces there
 * (docs/security.md, "Peer ids per torrent"). A stranger can only take an id it has seen, and a new id is claimed
 * under both hashes before any offer shows it, so an honest swarm never needs more than one; the bound keeps a
 * tracker (or a cluster that lags) from making the tab take new ids for ever.
 */
export const MAX_PEER_ID_RENEWALS = 3;

/** Whether the tracker refused the announce because another connection holds its peer id in the swarm. */
export function isPeerIdInUse(reason: string): boolean {
  return reason.includes(PEER_ID_IN_USE);
}

/** What the torrent's card says after a refusal that took a new peer id, or gave up taking more. */
export function peerIdRefusalWords(gaveUp: boolean): string {
  return gaveUp
    ? `someone else keeps announcing this torrent under this tab's identity; gave up after ${MAX_PEER_ID_RENEWALS} new ones, so some peers may not find this tab there`
    : "someone else announced this torrent under this tab's identity; announcing again under a new one";
}
