// Start-up spreading (after BEP 16's super-seeding, for every uploader while it is paced): a piece sent to a peer
// that has none makes one more uploader, a piece sent to a peer that has some only one more copy. So while our
// neighbours include interested peers with no piece at all, a few of them get a spread slot on top of the choke
// policy's slots: each may take one piece from us (the pacer serves it first, pacer.ts), then gives the slot back.
// Copies then double about every piece time instead of piling up in the peers the choker already serves, and once
// every neighbour has a piece no slot is given. A peer that hides its pieces (never says `have`) gets at most one
// piece per connection this way, as the credit limit already allows (credit.ts).

/** Spread slots on top of the choke policy's. */
export const SPREAD_SLOTS = 4;

export interface SpreadPeer {
  peer: string;
  /** It is interested in us. */
  interested: boolean;
  /** Pieces it has announced. */
  pieces: number;
  /** Bytes of blocks we have sent it. */
  received: number;
  /** It holds a spread slot now. */
  spread: boolean;
  /** It is unchoked by the choke policy (a regular or optimistic slot): it needs no spread slot. */
  unchoked: boolean;
}

/** It may hold a spread slot: interested, no piece announced, and less than one piece taken from us. */
export function mayTakeSpreadSlot(peer: SpreadPeer, pieceBytes: number): boolean {
  return peer.interested && peer.pieces === 0 && peer.received < pieceBytes;
}

/**
 * Who holds the spread slots now: the holders that still qualify keep theirs, and free slots go to qualifying peers
 * the choke policy does not unchoke, picked at random: every uploader around a peer with nothing sees the same
 * peers, and picked in the same order (say, longest connected first) they would all serve the same few.
 */
export function chooseSpread(
  peers: readonly SpreadPeer[],
  pieceBytes: number,
  random: () => number,
  slots = SPREAD_SLOTS,
): Set<string> {
  if (!Number.isInteger(slots) || slots < 0) throw new RangeError(`invalid spread slots ${slots}`);
  if (!(pieceBytes > 0)) throw new RangeError(`invalid piece size ${pieceBytes}`);
  const chosen = new Set<string>();
  for (const p of peers) {
    if (chosen.size < slots && p.spread && mayTakeSpreadSlot(p, pieceBytes)) chosen.add(p.peer);
  }
  const waiting = peers.filter((p) => !p.spread && !p.unchoked && mayTakeSpreadSlot(p, pieceBytes));
  while (chosen.size < slots && waiting.length > 0) {
    const at = Math.min(waiting.length - 1, Math.floor(random() * waiting.length));
    chosen.add(waiting[at].peer);
    waiting.splice(at, 1);
  }
  return chosen;
}
