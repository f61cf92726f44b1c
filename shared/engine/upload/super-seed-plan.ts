// Which peers a super-seeding seed offers pieces to, and how many each (upload/super-seed.ts keeps the offers).
// Only a peer the seed unchokes can ask for an offered piece: an offer to a choked peer waits, holds a piece
// nobody else is offered while it waits, and, once the peer is told of it, may be asked for after the piece has
// spread, a second upload of it. So the peers the seed unchokes get offers, as many as cover a round trip of their
// slot (below), and as many choked peers as there are free slots (at least one) get one offer each: an offer
// makes a peer interested, and the choker unchokes only interested peers, so these are the peers it will unchoke
// next. A peer with no piece yet gets one offer too: it has nothing to upload to the others until it gets a piece,
// and the seed's start-up spread slots (choke/spread.ts) go to such peers once they are interested. Every other
// peer gets none until it holds a slot.
//
// A round trip of an offer: the `have` that offers a piece reaches the peer, its request comes back; then, once
// its last block left, the peer verifies it and its `have` comes back before the next offer can go. The slot
// carries a piece in `pieceTimeMs` (the piece's size at the slot's share of the seed's upload); with
// 1 + round trip / piece time offers, the next offer is there before the slot runs dry, and the uplink never waits
// on a `have`.

/** Offers a peer holds at most: bounds the state per peer, and the pieces held back from the rest. */
export const MAX_OFFERS = 4;
/** Offers an unchoked peer holds at least: one downloading, one while its `have` comes back. */
export const MIN_OFFERS = 2;
/** Choked peers next in line even with every slot taken: an interested peer waiting is what lets the seed open a
 * slot beyond the policy's while its uplink idles (choke/idle-slots.ts), and what a slot freed goes to. */
export const NEXT_IN_LINE = 1;
/** Offers a choked peer next in line holds: enough to make it interested. */
export const CANDIDATE_OFFERS = 1;

/** Offers a slot needs to cover `roundTripMs` when it carries a piece in `pieceTimeMs`. */
export function offerDepth(roundTripMs: number, pieceTimeMs: number): number {
  if (!(pieceTimeMs > 0) || !Number.isFinite(pieceTimeMs) || !(roundTripMs >= 0)) return MIN_OFFERS;
  return Math.min(MAX_OFFERS, Math.max(MIN_OFFERS, 1 + Math.ceil(roundTripMs / pieceTimeMs)));
}

/** A connected downloader as the plan sees it. */
export interface PlanPeer<K> {
  key: K;
  /** The seed unchokes it. */
  unchoked: boolean;
  /** Offers it holds now (a choked peer holding some stays next in line). */
  holding: number;
  /** Its slot's round trip (ms), as measured (super-seed.ts `roundTripMs`). */
  roundTripMs: number;
  /** It holds no piece yet. */
  empty?: boolean;
}

/** What one peer is to hold. */
export interface PlanTarget<K> {
  key: K;
  offers: number;
  unchoked: boolean;
}

/** Offers per peer: unchoked peers enough to cover their round trip at their share of `uploadRate` (bytes/s, 0:
 * unknown) for pieces of `pieceLength`; the first choked peers up to the free slots of `slots` (at least
 * NEXT_IN_LINE) one each (those holding an offer first, then in the order given); the rest none. */
export function planOffers<K>(
  peers: readonly PlanPeer<K>[],
  slots: number,
  uploadRate: number,
  pieceLength: number,
): PlanTarget<K>[] {
  const unchoked = peers.filter((peer) => peer.unchoked);
  const share = uploadRate > 0 ? uploadRate / Math.max(1, unchoked.length) : 0;
  const pieceTimeMs = share > 0 ? (pieceLength * 1000) / share : Infinity;
  const out: PlanTarget<K>[] = unchoked.map((peer) => ({
    key: peer.key,
    offers: offerDepth(peer.roundTripMs, pieceTimeMs),
    unchoked: true,
  }));
  let free = Math.max(NEXT_IN_LINE, slots - unchoked.length);
  const choked = peers.filter((peer) => !peer.unchoked);
  const waiting = [
    ...choked.filter((peer) => peer.holding > 0),
    ...choked.filter((peer) => peer.holding === 0),
  ];
  for (const peer of waiting) {
    const offers = free > 0 || peer.empty === true ? CANDIDATE_OFFERS : 0;
    if (free > 0) free--;
    out.push({ key: peer.key, offers, unchoked: false });
  }
  return out;
}
