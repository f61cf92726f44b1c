// Whether a leecher's peer that went over its credit (credit.ts) keeps a slot that nobody waiting would take. It is
// choked at once when a peer within its credit waits for the slot. When none waits, choking it helps only the peers
// we still serve, by leaving them its share of our uplink; so it keeps the slot when every peer we serve is in debt
// too. On a fast uplink it keeps the slot as well: the peers we serve cannot take its share at once, since each one's
// request pipeline grows with the rate it gets, a round trip at a time, and behind the half-second queues of home
// uplinks a round trip is seconds. Choked there, the debtor's share idles. On the `wan-swarm` shape every slower peer
// owes the fastest tab (its uplink is theirs several times over), and that tab idled 47 % of the time with peers that
// wanted its pieces choked (docs/lab.md). A fast uplink is one whose slot carries a piece or more in the forwarding
// window (`forwardAllowance`, forwarding.ts): on a slow one (the incentives experiment's 16 KiB/s leechers, where a
// slot takes seconds per piece) the rule stays the strict one, and free riders are held as before.
import type { ChokerPeer } from './choker';

/** The overdrawn peer keeps a slot nobody waits for: every peer we serve is in debt (`everyServedInDebt`), or our
 * slots are fast (its `forwardAllowance`, the pieces a slot of our upload carries in the forwarding window, is one or
 * more). */
export function keepsSlotNobodyWants(
  overdrawn: Pick<ChokerPeer, 'forwardAllowance'> | undefined,
  everyServedInDebt: boolean,
): boolean {
  return everyServedInDebt || (overdrawn?.forwardAllowance ?? 0) >= 1;
}
