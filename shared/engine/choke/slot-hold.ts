// How long a slot is held before a policy's account may take it back (forwarding.ts, credit.ts). Every slot change
// costs the new peer's unchoke-to-request time: our unchoke waits in our uplink's queue, crosses the path, its
// request waits in its uplink's queue and crosses back. On loopback that is a millisecond; behind the half-second
// queues a loss-based sender keeps full on a home uplink, and at round trips of 200 ms, it is seconds, during which
// the slot carries nothing. A rule that takes a slot back after two pieces then leaves a fast uplink idle most of the
// time. So a peer that went over its account keeps the slot until it has held it a few times what its own slot took
// to bring its first request (measured, not a constant): the uplink then idles at most a fraction of each turn.
// While that cost is unknown (no request yet in this slot) nothing is held: the peer took nothing in it.
import type { ChokerPeer } from './choker';

/** A slot is held at least this many times its measured unchoke-to-request time: the slot idles at most about
 * 1 / (1 + SLOT_HOLD_FACTOR) of a turn while it changes hands. */
export const SLOT_HOLD_FACTOR = 3;
/** The hold never exceeds this: a peer frozen or far away takes no more than a choke round of the slot. */
export const MAX_SLOT_HOLD_MS = 10_000;

/** How long `peer`'s current slot is held whatever its account says, ms (0: not held). */
export function slotHoldMs(peer: Pick<ChokerPeer, 'slotCostMs'>): number {
  const cost = peer.slotCostMs;
  if (cost === undefined || !(cost > 0)) return 0;
  return Math.min(MAX_SLOT_HOLD_MS, SLOT_HOLD_FACTOR * cost);
}

/** The peer holds a slot it has had for less than its hold (`slotHoldMs`). */
export function holdsSlot(peer: Pick<ChokerPeer, 'unchoked' | 'unchokedForMs' | 'slotCostMs'>): boolean {
  if (!peer.unchoked || peer.unchokedForMs === undefined) return false;
  return peer.unchokedForMs < slotHoldMs(peer);
}
