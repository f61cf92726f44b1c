// A credit limit on what a leecher gives away for nothing (against BitThief, Locher et al. 2006: a free rider that
// opens many connections lives on everyone's optimistic unchokes and spare slots, and on nothing else).
//
// A peer that has taken more than `creditBytes` from us beyond what it gave us, and gives us nothing now, is in debt:
// a leecher chokes it as soon as it goes over (after the block that did it), and no longer offers it the optimistic
// slot nor a spare slot, in rounds or between them, as if it wanted nothing. Its debt stays bounded by the credit
// (plus the blocks already read for it) however many rounds pass. A contributor clears its debt by uploading
// to us, and a new peer starts with the credit, so optimistic unchokes still bootstrap newcomers. If nobody else
// wants our upload, the debtor that owes least is unchoked: an idle uplink helps nobody. Seeding is left to
// the inner policy (every peer is in a seed's debt).
import type { ChokePolicy, ChokerPeer } from './choker';

/** What a peer may take from us beyond what it gave before it counts as in debt: one 16 KiB block. A free rider
 * collects the credit from every connection, so it must be small next to a file over the connections a peer keeps. */
export const DEFAULT_CREDIT_BYTES = 16 * 1024;

/** The peer took more than `creditBytes` from us beyond what it gave, and gives us nothing now (`strict`: whatever it
 * gives now). */
export function inDebt(peer: ChokerPeer, creditBytes: number, strict = false): boolean {
  return (peer.uploaded ?? 0) - (peer.downloaded ?? 0) > creditBytes && (strict || peer.downloadRate === 0);
}

/** A peer that has nothing we want cannot pay us back yet (it passes our pieces on instead): this many times the
 * credit while we are not interested in it. */
export const UNWANTED_CREDIT_FACTOR = 4;

export interface CreditOptions {
  /** What a peer may take beyond what it gave (default DEFAULT_CREDIT_BYTES). */
  creditBytes?: number;
  /** A peer that gives something but less than it takes is in debt too once over the credit (default false). */
  strict?: boolean;
  /** The credit of a peer that has nothing we want (default: the credit). */
  unwantedCreditBytes?: number;
}

/** The peer as the inner policy should see it: not interested (it takes no slot, optimistic or spare). */
function uninterested(peer: ChokerPeer): ChokerPeer {
  return {
    peer: peer.peer,
    interested: false,
    downloadRate: peer.downloadRate,
    uploadRate: peer.uploadRate,
    snubbed: peer.snubbed,
    connectedAt: peer.connectedAt,
    unchoked: peer.unchoked,
    lastUnchokedAt: peer.lastUnchokedAt,
    amInterested: peer.amInterested,
    uploaded: peer.uploaded,
    downloaded: peer.downloaded,
  };
}

/** `inner` with the credit limit on what a leecher gives away (see above). */
export function withCredit(inner: ChokePolicy, options: CreditOptions = {}): ChokePolicy {
  const creditBytes = options.creditBytes ?? DEFAULT_CREDIT_BYTES;
  const strict = options.strict ?? false;
  const unwanted = options.unwantedCreditBytes ?? creditBytes;
  if (!(creditBytes >= 0)) throw new RangeError(`invalid credit ${creditBytes}`);
  if (!(unwanted >= 0)) throw new RangeError(`invalid credit ${unwanted}`);
  const owes = (p: ChokerPeer) => inDebt(p, p.amInterested === false ? unwanted : creditBytes, strict);
  const split = (peers: readonly ChokerPeer[]) => {
    const debtors: ChokerPeer[] = [];
    const view = peers.map((p) => {
      if (!p.interested || !owes(p)) return p;
      debtors.push(p);
      return uninterested(p);
    });
    return { view, debtors };
  };
  const round: ChokePolicy['round'] = (input) => {
    if (input.seeding) return inner.round(input);
    const { view, debtors } = split(input.peers);
    if (debtors.length === 0) return inner.round(input);
    const result = inner.round({ ...input, peers: view });
    // Nobody else wants our upload: the debtor that owes least gets a regular slot rather than an idle uplink.
    if (result.unchoke.size > 0) return result;
    const owed = (p: ChokerPeer) => (p.uploaded ?? 0) - (p.downloaded ?? 0);
    const least = debtors.reduce((a, b) => (owed(b) < owed(a) ? b : a));
    const unchoke = new Set([least.peer]);
    return { ...result, unchoke };
  };
  return Object.freeze<ChokePolicy>({
    round,
    betweenRounds: (input) =>
      input.seeding
        ? inner.betweenRounds(input)
        : inner.betweenRounds({ ...input, peers: split(input.peers).view }),
    uploadCap: inner.uploadCap,
    // Enforced as it happens, not at the next round: a round lasts long enough to take several credits.
    overdrawn: (peer) => owes(peer) || inner.overdrawn?.(peer) === true,
  });
}
