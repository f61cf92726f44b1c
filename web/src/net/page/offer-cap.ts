// Whether the page answers a torrent's offer: while its connections (and answers being made) are fewer than the
// torrent's places, and at that cap still one more while the engine reports a place held by a peer idle past its grace
// (`idlePlace` in the torrent's view): the engine gives a newcomer that place (idle-places.ts), so a tab whose places
// are all held by channels that only send keep-alives stays reachable. One answer at a time beyond the cap: the view
// is a second or so old, and a newcomer the engine has no place for is closed, so a stale report costs one connection.

/** Answers in progress beyond the cap while the engine reports an idle place. */
export const ANSWERS_BEYOND_CAP = 1;

/** `answering`: the torrent's connections and answers in progress; `cap`: its places; `idlePlace`: the engine would
 * give a newcomer a place held idle. */
export function answersOffer(answering: number, cap: number, idlePlace: boolean): boolean {
  return answering < cap || (idlePlace && answering < cap + ANSWERS_BEYOND_CAP);
}
