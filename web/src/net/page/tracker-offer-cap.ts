// What a torrent asks of its trackers once it meets peers through the swarm (peer exchange, docs/protocols.md): the
// tracker is for first contact. A torrent with neighbours that speak sd_pex sends at most a couple of offers an
// announce (each about 1 KB of SDP the tracker relays), and the peers the engine already meets through its neighbours
// are not asked of the tracker at all.

/** Offers an announce carries while the torrent has neighbours that pass introductions on. */
export const OFFERS_WITH_NEIGHBOURS = 2;

/** How many of `wanted` offers an announce makes, with `neighbours` connected peers that speak sd_pex. */
export function trackerOffers(wanted: number, neighbours: number): number {
  return neighbours > 0 ? Math.min(wanted, OFFERS_WITH_NEIGHBOURS) : wanted;
}

/** The peers the tracker should bring: the engine's `count` less the `swarm` it meets through its neighbours. */
export function trackerWant(count: number, swarm = 0): number {
  return Math.max(0, count - Math.max(0, swarm));
}
