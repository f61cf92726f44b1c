// How peers of one swarm keep from asking a web seed for the same bytes. Peers that start together hold nothing and
// see peers holding nothing, so "the first piece no peer has" is the same piece for every one of them, and their
// budgets would all buy the front of the file. Each session instead starts its search at its own random piece and
// wraps around, so N budgets of 1/k of a file cover the file about N/k times over, as a seed's rarest first would.
// A request is also kept to what the seed sends this session in a few seconds (never less than MIN_REQUEST_BYTES,
// never more than MAX_REQUEST_BYTES): a seed shared by many peers sends each little, and a short request lets the
// pieces other peers get meanwhile come from them rather than from the seed again. Pure: randomness and time passed in.

/** The least bytes one request asks for (libtorrent asks a web seed for 1 MiB at least). */
export const MIN_REQUEST_BYTES = 1024 * 1024;
/** The most bytes one request asks for (libtorrent's bound): pieces beyond go in the next request. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** A request holds what the seed sends this session in this long (ms), within the bounds above. */
export const REQUEST_SPAN_MS = 4000;

/** The piece a session starts its search at: uniform over the torrent. */
export function startPiece(random: () => number, pieceCount: number): number {
  return Math.min(pieceCount - 1, Math.floor(random() * pieceCount));
}

/** The first index from `start` on, wrapping around, for which `wanted` holds. */
export function firstFrom(
  start: number,
  count: number,
  wanted: (index: number) => boolean,
): number | undefined {
  for (let step = 0; step < count; step++) {
    const index = (start + step) % count;
    if (wanted(index)) return index;
  }
  return undefined;
}

/** The most bytes the next request may ask for, from what the seed sent since it was first asked (`elapsedMs`). */
export function requestLimit(sentBytes: number, elapsedMs: number): number {
  if (!(elapsedMs > 0) || sentBytes <= 0) return MIN_REQUEST_BYTES;
  const span = (sentBytes / elapsedMs) * REQUEST_SPAN_MS;
  return Math.min(MAX_REQUEST_BYTES, Math.max(MIN_REQUEST_BYTES, Math.floor(span)));
}
