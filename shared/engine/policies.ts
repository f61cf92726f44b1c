// The choke policies a session can run, by name, and the default (chosen from the lab's incentives experiment:
// `npm run lab -- incentives`, docs/lab.md §4). Choking is local policy: every one of them speaks the same wire.
import type { ChokePolicy } from './choker';
import { titForTat } from './choker';
import { DEFAULT_CREDIT_BYTES, withCredit } from './credit';
import { propShare } from './propshare';

/** The balance per connection: a peer may take at most a block more than it gave us, or four blocks while it has
 * nothing we want (it cannot pay us back yet), before we choke it (credit.ts). */
const BALANCE = { strict: true, unwantedCreditBytes: 4 * DEFAULT_CREDIT_BYTES } as const;

export const CHOKE_POLICIES = Object.freeze({
  /** Cohen's tit-for-tat with seed turns and spare slots (choker.ts). */
  'tit-for-tat': titForTat,
  /** Tit-for-tat, and a peer that gives nothing may take one block beyond what it gave (credit.ts). */
  'tft+credit': withCredit(titForTat),
  /** Tit-for-tat and the balance per connection, one block for everyone. */
  'tft+strict-balance': withCredit(titForTat, { strict: true }),
  /** Tit-for-tat and the balance per connection (BALANCE). */
  'tft+balance': withCredit(titForTat, BALANCE),
  /** PropShare: upload split in proportion to what each peer gives (propshare.ts). */
  propshare: propShare(),
  /** PropShare and the balance per connection. */
  'propshare+balance': withCredit(propShare(), BALANCE),
} satisfies Record<string, ChokePolicy>);

export type ChokePolicyName = keyof typeof CHOKE_POLICIES;

export const DEFAULT_CHOKE_POLICY_NAME: ChokePolicyName = 'tft+balance';

export const DEFAULT_CHOKE_POLICY: ChokePolicy = CHOKE_POLICIES[DEFAULT_CHOKE_POLICY_NAME];
