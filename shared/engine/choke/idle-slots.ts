// Seeding slots beyond the policy's while our uplink idles (after libtorrent's rate-based choker, which unchokes more
// peers while the upload stays under its limit). Each peer a seed serves asks for what its request pipeline covers,
// sized to the rate it gets from us and its round trip; behind queued paths a new peer's pipeline starts small and
// its requests take seconds to come, so four slots and the optimistic one can leave a fast seed's uplink idle most
// of the time (the `wan-swarm` shape: the seed at 15 to 30 % of its rate for the first 40 s). While the uplink has
// nothing to send and a peer waits, one more slot opens at each look; a round in which it never idled closes one.
// A seed whose uplink is full (every slow seed of a crowd) never opens one, so nothing changes where upload is scarce.

/** At most this many slots beyond the policy's: twice its four. */
export const MAX_IDLE_SLOTS = 4;

export interface IdleSlots {
  /** Slots open beyond the policy's. */
  extra: number;
  /** The uplink idled at a look since the last round. */
  idledThisRound: boolean;
}

export const NO_IDLE_SLOTS: Readonly<IdleSlots> = Object.freeze({ extra: 0, idledThisRound: false });

/** A look at the uplink between rounds: `idle` (nothing queued to send, no request waiting), `waiting` (an
 * interested peer is choked). One more slot opens when both hold. */
export function lookAtUplink(
  slots: IdleSlots,
  idle: boolean,
  waiting: boolean,
  max = MAX_IDLE_SLOTS,
): IdleSlots {
  const open = idle && waiting && slots.extra < max;
  return { extra: slots.extra + (open ? 1 : 0), idledThisRound: slots.idledThisRound || idle };
}

/** A round: a slot closes if the uplink never idled since the last one. */
export function atRound(slots: IdleSlots): IdleSlots {
  return { extra: slots.idledThisRound ? slots.extra : Math.max(0, slots.extra - 1), idledThisRound: false };
}
