// What a torrent asks of its trackers when it meets peers through the swarm (peer exchange, docs/protocols.md): the
// tracker is for first contact. Each offer is about 1 KB of SDP the tracker relays, so a torrent whose engine speaks
// sd_pex sends at most a couple an announce (the peers it meets introduce the rest), unless it is connected to peers
// whose handshakes said they do not speak it (a WebTorrent swarm): those name nobody, so it asks for every offer
// wanted. The peers the engine meets through its neighbours are not asked of the tracker at all (the engine's
// `want-peers` says how many those are: with neighbours and no strangers, all of them).

/** Offers an announce carries while the swarm is expected to make the other introductions. */
export const OFFERS_WITH_NEIGHBOURS = 2;

/** What the page knows of a torrent when it makes an announce's offers. */
export interface OfferContext {
  /** The engine speaks sd_pex (a bench may turn it off, lib/messages/peer-exchange-switch.ts). */
  peerExchange: boolean;
  /** Connected peers whose handshakes said they do not speak sd_pex. */
  strangers: number;
}

/** How many of `wanted` offers an announce makes. */
export function trackerOffers(wanted: number, { peerExchange, strangers }: OfferContext): number {
  return peerExchange && strangers === 0 ? Math.min(wanted, OFFERS_WITH_NEIGHBOURS) : wanted;
}

/** The peers the tracker should bring: the engine's `count` less the `swarm` it meets through its neighbours. */
export function trackerWant(count: number, swarm = 0): number {
  return Math.max(0, count - Math.max(0, swarm));
}
