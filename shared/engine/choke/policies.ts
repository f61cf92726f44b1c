// The choke policies a session can run, by name, and the default (chosen from the lab's incentives experiment:
// `npm run lab -- incentives`, docs/lab.md §4). Choking is local policy: every one of them speaks the same wire.
import type { ChokePolicy } from './choker';
import { titForTat } from './choker';
import { withCredit } from './credit';
import { withForwarding } from './forwarding';
import { propShare } from './propshare';

/** A peer that has nothing we want cannot pay us back (it passes our pieces on instead, which we do not see): the
 * credit limit leaves it alone. Cutting it too (`tft+strict-credit`) bites free riders harder but starves a swarm's
 * followers of their leaders' upload (docs/lab.md §4). */
const WANTED_ONLY = { unwantedCreditPieces: Infinity } as const;

export const CHOKE_POLICIES = Object.freeze({
  /** Cohen's tit-for-tat with seed turns and spare slots (choker.ts). */
  'tit-for-tat': titForTat,
  /** Tit-for-tat, and a peer that has what we want but gives us nothing may take one piece beyond what it gave
   * (credit.ts). */
  'tft+credit': withCredit(titForTat, WANTED_ONLY),
  /** The same credit for every peer, those that have nothing we want included. */
  'tft+strict-credit': withCredit(titForTat),
  /** A balance per connection: a peer that gives us less than it takes is choked once a piece over (four pieces
   * while it has nothing we want). */
  'tft+balance': withCredit(titForTat, { strict: true, unwantedCreditPieces: 4 }),
  /** PropShare: upload split in proportion to what each peer gives (propshare.ts). */
  propshare: propShare(),
  /** PropShare and the credit limit. */
  'propshare+credit': withCredit(propShare(), WANTED_ONLY),
  /** tft+credit, and a seed serves a peer while the pieces it sent it, less two for every piece that reappeared in
   * another peer's `have`, stay within two (forwarding.ts). */
  'tft+credit+forward': withForwarding(withCredit(titForTat, WANTED_ONLY), { piecesPerForward: 2 }),
  /** tft+credit+forward, and a peer over its credit, not behind us, that gives us less than three quarters of what
   * we give it now counts as giving nothing (credit.ts `reciprocation`). */
  'tft+recip+forward': withForwarding(withCredit(titForTat, { ...WANTED_ONLY, reciprocation: 0.75 }), {
    piecesPerForward: 2,
  }),
  /** The same, but only traced pieces (sent while nobody else had them) count against the peer. */
  'tft+credit+traced': withForwarding(withCredit(titForTat, WANTED_ONLY)),
} satisfies Record<string, ChokePolicy>);

export type ChokePolicyName = keyof typeof CHOKE_POLICIES;

/** Chosen under upload pacing (docs/lab.md §4): tft+recip+forward meets the goals at 80 and at 500
 * leechers, where tft+credit+forward left strategic peers ahead at 500 (0.95×): a BitTyrant-like peer answered a
 * contributor's full slot with a trickle, which the plain credit took for giving. */
export const DEFAULT_CHOKE_POLICY_NAME: ChokePolicyName = 'tft+recip+forward';

export const DEFAULT_CHOKE_POLICY: ChokePolicy = CHOKE_POLICIES[DEFAULT_CHOKE_POLICY_NAME];
