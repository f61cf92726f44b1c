// How many requests to send a peer now: the pipeline's room, once it is worth a message. Each request message travels
// the reverse direction of the peer's ordered, reliable channel as SCTP data, which the sender must acknowledge: a
// request sent for every block that arrives makes the sending side acknowledge a stream of small packets beside its
// blocks, so it sends more packets for the same bytes, and on a lossy path each packet is one more chance of a loss that
// halves its window. Topping the pipeline up in batches of a quarter of its depth sends a fraction of those messages
// and keeps at least three quarters of the depth asked for.

/** A batch is this share of the pipeline's depth (the depth covers a second or more at the peer's rate). */
export const BATCH_SHARE = 4;
/** The largest batch: enough to make the request messages few on any path, small against the deepest pipeline. */
export const MAX_BATCH = 8;

/** The least room worth a request message in a pipeline of depth `allowed`: a quarter of it, from 1 to MAX_BATCH. */
export function batchSize(allowed: number): number {
  if (!(allowed >= 1)) return 1;
  return Math.min(MAX_BATCH, Math.max(1, Math.floor(allowed / BATCH_SHARE)));
}

/**
 * Requests to send now with `outstanding` of `allowed` out: all the room once it reaches a batch, or at once when
 * nothing is out (a new source, an unchoke: nothing is coming that would fill the batch) or `urgent` (a player waits
 * for the pieces); else none, and the blocks still coming make the room.
 */
export function requestsToSend(allowed: number, outstanding: number, urgent = false): number {
  const room = Math.floor(allowed - outstanding);
  if (!(room > 0)) return 0;
  if (outstanding <= 0 || urgent) return room;
  return room >= batchSize(allowed) ? room : 0;
}
