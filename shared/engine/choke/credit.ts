// A credit limit on what a leecher gives away for nothing (against BitThief, Locher et al. 2006: a free rider that
// opens many connections lives on everyone's optimistic unchokes and spare slots, and on nothing else).
//
// A peer that has taken more than its credit (a piece) from us beyond what it gave us, and gives us nothing now, is in debt:
// a leecher chokes it as soon as it goes over (after the block that did it) if another peer waits for the slot, or, on
// a slow uplink, to leave its share to the peers it serves (slot-nobody-wants.ts), and no longer offers it the optimistic
// slot nor a spare slot, in rounds or between them, as if it wanted nothing. Its debt stays bounded by the credit
// (plus the blocks already read for it) however many rounds pass. A contributor clears its debt by uploading
// to us, and a new peer starts with the credit, so optimistic unchokes still bootstrap newcomers. If nobody else
// wants our upload, the debtor that owes least is unchoked: an idle uplink helps nobody. Seeding is left to
// the inner policy (every peer is in a seed's debt).
import type { ChokePolicy, ChokerPeer } from './choker';
import { NO_CHOKE_CHANGES, asUninterested, slotTakenBack } from './choker';
import { keepsSlotNobodyWants } from './slot-nobody-wants';

/** What a peer may take from us beyond what it gave before it counts as in debt: one piece (a newcomer can then trade
 * a whole piece). A free rider collects the credit from every connection, so it must be small next to the file over
 * the connections a peer keeps. */
export const DEFAULT_CREDIT_PIECES = 1;
/** The piece length assumed when the policy is not told it. */
const UNKNOWN_PIECE_LENGTH = 16 * 1024;

/** A peer more than this many pieces behind us is spared the reciprocation share (see `inDebt`). */
export const RECIPROCATION_LEAD_PIECES = 8;

/** The peer took more than `creditBytes` from us beyond what it gave, and gives us nothing now (`strict`: whatever it
 * gives now; `reciprocation`: less than that share of what we give it now, over the same 20 s, unless it is more than
 * RECIPROCATION_LEAD_PIECES behind us). A peer that far behind is spared the share: on a slower uplink than ours,
 * what it can give is a fraction of what we give, and a swarm of uneven uplinks spreads from the fast to the slow
 * (the P2P bound has every uplink busy until the last byte); held to the share, the fast peers serve only each other
 * and the slowest finish last. A strategic peer that answers with a trickle is spared only while it trails us by
 * that lead: it cannot get ahead of the contributors that feed it. */
export function inDebt(peer: ChokerPeer, creditBytes: number, strict = false, reciprocation = 0): boolean {
  if ((peer.uploaded ?? 0) - (peer.downloaded ?? 0) <= creditBytes) return false;
  if (strict || peer.downloadRate === 0) return true;
  const spared = (peer.piecesBehind ?? 0) > RECIPROCATION_LEAD_PIECES;
  return reciprocation > 0 && !spared && peer.downloadRate < reciprocation * peer.uploadRate;
}

export interface CreditOptions {
  /** What a peer may take beyond what it gave, in pieces (default DEFAULT_CREDIT_PIECES). */
  creditPieces?: number;
  /** A peer that gives something but less than it takes is in debt too once over the credit (default false). */
  strict?: boolean;
  /** The credit of a peer that has nothing we want, which cannot pay us back yet (default: the credit). */
  unwantedCreditPieces?: number;
  /** A peer over its credit, not well behind us, that gives us less than this share of what we give it now is in
   * debt too (default 0: anything it gives clears it). Against a BitTyrant-like peer that answers a full slot with a
   * trickle. */
  reciprocation?: number;
}

/** `inner` with the credit limit on what a leecher gives away (see above). */
export function withCredit(inner: ChokePolicy, options: CreditOptions = {}): ChokePolicy {
  const credit = options.creditPieces ?? DEFAULT_CREDIT_PIECES;
  const strict = options.strict ?? false;
  const unwanted = options.unwantedCreditPieces ?? credit;
  const reciprocation = options.reciprocation ?? 0;
  if (!(reciprocation >= 0)) throw new RangeError(`invalid reciprocation ${reciprocation}`);
  if (!(credit >= 0)) throw new RangeError(`invalid credit ${credit}`);
  if (!(unwanted >= 0)) throw new RangeError(`invalid credit ${unwanted}`);
  const owes = (p: ChokerPeer, pieceLength = UNKNOWN_PIECE_LENGTH) =>
    inDebt(p, (p.amInterested === false ? unwanted : credit) * pieceLength, strict, reciprocation);
  const split = (peers: readonly ChokerPeer[], pieceLength: number | undefined) => {
    const debtors: ChokerPeer[] = [];
    const view = peers.map((p) => {
      if (!p.interested || !owes(p, pieceLength)) return p;
      debtors.push(p);
      return asUninterested(p);
    });
    return { view, debtors };
  };
  const round: ChokePolicy['round'] = (input) => {
    if (input.seeding) return inner.round(input);
    const { view, debtors } = split(input.peers, input.pieceLength);
    if (debtors.length === 0) return inner.round(input);
    const result = inner.round({ ...input, peers: view });
    // Regular slots nobody else wants go to the debtors that owe least, rather than an idle uplink.
    const regular = result.unchoke.size - (result.optimistic === undefined ? 0 : 1);
    let free = input.slots - regular;
    if (free <= 0) return result;
    const owed = (p: ChokerPeer) => (p.uploaded ?? 0) - (p.downloaded ?? 0);
    const unchoke = new Set(result.unchoke);
    for (const p of [...debtors].sort((a, b) => owed(a) - owed(b))) {
      if (free-- <= 0) break;
      unchoke.add(p.peer);
    }
    return { ...result, unchoke };
  };
  const betweenRounds: ChokePolicy['betweenRounds'] = (input) => {
    if (input.seeding) return inner.betweenRounds(input);
    const { view } = split(input.peers, input.pieceLength);
    const { trigger } = input;
    if (trigger.kind !== 'overdrawn') return inner.betweenRounds({ ...input, peers: view });
    // An overdrawn peer is choked, and its slot goes to a peer waiting for one, if any. When no one waits it keeps
    // the slot if it takes nobody's share (slot-nobody-wants.ts): an idle uplink helps nobody.
    const { changes, served } = slotTakenBack(inner, input, view, trigger.peer);
    const overdrawn = input.peers.find((p) => p.peer === trigger.peer);
    if (changes.unchoke.length === 0 && keepsSlotNobodyWants(overdrawn, !served)) return NO_CHOKE_CHANGES;
    return { choke: [trigger.peer], unchoke: changes.unchoke };
  };
  return Object.freeze<ChokePolicy>({
    round,
    betweenRounds,
    uploadCap: inner.uploadCap,
    // Checked as it happens, not at the next round: a round lasts long enough to take several credits.
    overdrawn: (peer, pieceLength, seeding) =>
      (seeding !== true && owes(peer, pieceLength)) || inner.overdrawn?.(peer, pieceLength, seeding) === true,
  });
}
