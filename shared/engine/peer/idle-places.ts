// Peer places held without exchange: when every place of a torrent is taken and a new peer comes, the connected peer
// that has exchanged no piece data for the longest time, past a grace period, gives its place to the newcomer.
// Without this a handful of peers that connect, handshake and then send only keep-alives (the idle timeout never
// fires for them) hold a torrent's places for ever: a kept share with 20 places, or a tab with 50, unreachable by
// every honest peer. Exchange is a block either way or a peer's piece count growing (its bitfield, a have of a piece
// new to it): what a peer that downloads, serves or is being served shows; keep-alives, interest and chatter are not.
// The choice is a pure function of the peers' last exchange (as libtorrent's choker is of its peers' stats).
import type { PeerKey } from '../contract/engine-types';

/** How long a peer may hold a place without exchange before a newcomer may take it: a new peer's bitfield and first
 * blocks come within seconds, and one choked among many waits for an optimistic unchoke (every 30 s) first. */
export const IDLE_PLACE_GRACE_MS = 30_000;

export interface PlaceSample {
  peer: PeerKey;
  /** When it last exchanged piece data (its connection, if never). */
  lastExchange: number;
}

/** The peer whose place a newcomer takes as of `now`: of those with no exchange for `graceMs` at least, the one
 * idle longest; undefined when every peer exchanged within the grace period. */
export function idlestPlace(
  peers: Iterable<PlaceSample>,
  now: number,
  graceMs = IDLE_PLACE_GRACE_MS,
): PeerKey | undefined {
  let idlest: PlaceSample | undefined;
  for (const sample of peers)
    if (now - sample.lastExchange >= graceMs && (!idlest || sample.lastExchange < idlest.lastExchange))
      idlest = sample;
  return idlest?.peer;
}

/** The counts that grow when a peer exchanges piece data. */
export interface ExchangeMarks {
  /** Block bytes it sent us. */
  downloaded: number;
  /** Block bytes we sent it. */
  uploaded: number;
  /** Pieces it has, as far as we know. */
  pieces: number;
}

interface Seen extends ExchangeMarks {
  at: number;
}

/** When each peer last exchanged, from its marks looked at now and then (each tick): a mark that grew since the last
 * look is exchange now. */
export class PlaceActivity {
  private readonly seen = new Map<PeerKey, Seen>();

  /** Looks at `peer`'s marks as of `now` (it connected at `connectedAt`); returns when it last exchanged. */
  observe(peer: PeerKey, marks: ExchangeMarks, connectedAt: number, now: number): number {
    const before = this.seen.get(peer);
    const grew = before
      ? marks.downloaded > before.downloaded ||
        marks.uploaded > before.uploaded ||
        marks.pieces > before.pieces
      : marks.downloaded > 0 || marks.uploaded > 0 || marks.pieces > 0;
    const at = grew ? now : (before?.at ?? connectedAt);
    this.seen.set(peer, { ...marks, at });
    return at;
  }

  forget(peer: PeerKey): void {
    this.seen.delete(peer);
  }
}
