// Upload slots held without a request. A peer that says it is interested and then never asks for a block (it sent
// have-none and `interested`, then keep-alives) looks to every policy like a peer waiting for a slot: it takes its
// turn in the seeding rotation, the optimistic slot and the spread slots, and it counts as waiting when a policy asks
// whether anyone else wants a slot (forwarding.ts takes a slot back from a peer over its allowance for it). A score of
// such peers leave an honest peer a slot for two or three pieces a turn. So a peer we unchoked that sends no request
// within SLOT_REQUEST_DEADLINE_MS is choked, and from then on counts as not interested, for every slot, until it says
// `interested` again after that choke and UNUSED_SLOT_RETRY_MS has passed since it (one retry per that time, each
// costing it a message and earning it at most the deadline's slot), or UNUSED_SLOT_BAR_MS has passed: a peer that
// stalled without malice (its disk full, its requests all out to other peers) and never repeats its interest, as
// most clients do not, is not shut out for good. Both are pure functions of the peer's times.
import type { ChokerPeer } from './choker';

/** An unchoked peer that has sent no request this long after our unchoke is choked: a peer that wants data asks
 * within a round trip, seconds behind the queues of home uplinks. */
export const SLOT_REQUEST_DEADLINE_MS = 10_000;
/** A peer choked for an unused slot is considered again no sooner than this after that choke, and only once it says
 * `interested` again. */
export const UNUSED_SLOT_RETRY_MS = 60_000;
/** ... or once this long has passed since that choke, whatever it says. */
export const UNUSED_SLOT_BAR_MS = 300_000;

export type SlotUse = Pick<
  ChokerPeer,
  'unchoked' | 'lastUnchokedAt' | 'lastChokedAt' | 'lastRequestAt' | 'interestedAt'
>;

/** It sent a request we took at `since` or later. */
function askedSince(peer: SlotUse, since: number): boolean {
  return peer.lastRequestAt !== undefined && peer.lastRequestAt >= since;
}

/** The peer holds a slot in which it has asked for nothing for `deadlineMs` since our unchoke: choke it. */
export function slotUnused(peer: SlotUse, now: number, deadlineMs = SLOT_REQUEST_DEADLINE_MS): boolean {
  const since = peer.lastUnchokedAt;
  if (!peer.unchoked || since === undefined) return false;
  return now - since >= deadlineMs && !askedSince(peer, since);
}

/** The peer's last slot lasted `deadlineMs` at least and brought no request, and it has not earned another since
 * that choke (its interest said again past UNUSED_SLOT_RETRY_MS, or UNUSED_SLOT_BAR_MS passed). */
export function barredFromSlots(peer: SlotUse, now: number, deadlineMs = SLOT_REQUEST_DEADLINE_MS): boolean {
  const { lastUnchokedAt: unchoked, lastChokedAt: choked } = peer;
  if (peer.unchoked || unchoked === undefined || choked === undefined || choked < unchoked) return false;
  if (choked - unchoked < deadlineMs || askedSince(peer, unchoked)) return false;
  if (now - choked >= UNUSED_SLOT_BAR_MS) return false;
  const renewed = peer.interestedAt !== undefined && peer.interestedAt > choked;
  return !(renewed && now - choked >= UNUSED_SLOT_RETRY_MS);
}
