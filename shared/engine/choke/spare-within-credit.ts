// Spare leeching slots for every peer within its credit (credit.ts). Tit-for-tat alone gives the regular slots that
// no uploader fills only to peers that have nothing we want: one that has something and gives nothing looks like a
// free rider, and waits for the optimistic slot (every 30 s). In a small swarm whose peers all have something for
// each other, two peers that choke each other each wait for the other to give first; behind queued paths every slot
// change costs seconds more, and the fastest uplinks of the `wan-swarm` shape filled two of their four slots and idled
// more than half of the time with peers that wanted their pieces choked (docs/lab.md). Under the credit, a peer that
// takes a piece more than it gave, and gives us little now, is in debt and hidden from the inner policy (its slot
// goes, its spare slots stop): so inside the credit a spare slot for any interested peer gives a free rider at most
// its credit, what the optimistic slot gives a newcomer, while peers that merely have not traded with us yet start.
import type { ChokePolicy, SpareSlots } from './choker';

/** The spare slots `inner` is asked for: 'uninteresting' (the default) widened to 'all'; 'none' stays none. */
export function spareWithinCredit(spare: SpareSlots | undefined): SpareSlots {
  return spare === 'none' ? 'none' : 'all';
}

/** `inner` with its leeching spare slots open to every interested peer it is shown; seeding is left to `inner`.
 * Meant inside `withCredit`, which shows it no debtor. */
export function withSpareWithinCredit(inner: ChokePolicy): ChokePolicy {
  return Object.freeze<ChokePolicy>({
    round: (input) =>
      input.seeding
        ? inner.round(input)
        : inner.round({ ...input, spareSlots: spareWithinCredit(input.spareSlots) }),
    betweenRounds: (input) =>
      input.seeding
        ? inner.betweenRounds(input)
        : inner.betweenRounds({ ...input, spareSlots: spareWithinCredit(input.spareSlots) }),
    uploadCap: inner.uploadCap,
    ...(inner.overdrawn ? { overdrawn: inner.overdrawn } : {}),
  });
}
