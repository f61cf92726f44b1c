// A downloading session none of whose peers has a piece it lacks is starved: the neighbours it has cannot finish it
// (an island left when the one peer that joined it to the rest went). Once that has lasted STARVED_MS the session
// wants one peer more than it has, whatever its target (never past maxPeers): peer exchange meets one of the peers
// heard of that hold more pieces than we do, and when none can be reached that way the trackers are asked. A new peer
// with what we lack ends it; one without is followed by another want-peers WANT_PEERS_INTERVAL_MS later.

/** How long no peer has what we lack before the session asks for more peers than its target. */
export const STARVED_MS = 10_000;

export class Starvation {
  private since: number | undefined;
  private now = false;

  /** Whether we are starved, as of the last update. */
  get starved(): boolean {
    return this.now;
  }

  /** `downloading`: the session downloads and knows the torrent; `peers`: its connections, each interesting to us
   * while it has a piece we lack. Returns whether we are starved. */
  update(downloading: boolean, peers: Iterable<{ readonly amInterested: boolean }>, now: number): boolean {
    if (!downloading || anyInteresting(peers)) {
      this.since = undefined;
      this.now = false;
      return false;
    }
    this.since ??= now;
    this.now = now - this.since >= STARVED_MS;
    return this.now;
  }
}

function anyInteresting(peers: Iterable<{ readonly amInterested: boolean }>): boolean {
  for (const peer of peers) if (peer.amInterested) return true;
  return false;
}

/** How many connections to hold: the target, or while starved one more than we have, up to maxPeers. */
export function peerTarget(
  config: { readonly targetPeers: number; readonly maxPeers: number },
  connected: number,
  starved: boolean,
): number {
  if (!starved) return config.targetPeers;
  return Math.max(config.targetPeers, Math.min(config.maxPeers, connected + 1));
}
