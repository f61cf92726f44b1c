// Upload pacing: keep about one piece-time of block data queued in the transport, not a read slot's worth per peer,
// and choose which waiting request goes out next when the transport has room. A queue in the transport is first in,
// first out per connection and round-robin across them: a block handed to it waits behind everything queued before
// it, whoever asked. Held back in the engine instead, a request can be served in the order that spreads pieces
// fastest: the peer that has fewest pieces (a peer with none becomes one more uploader: copies double each piece
// time, see spread.ts; and a peer that fell behind catches up instead of finishing last), then the piece we
// have sent least (a seed sends each piece once before repeating, as super-seeding does; a piece begun to a peer does
// not count that send against the rest of it to that peer, upload-queue.ts `ranked`), then the piece fewest of our
// peers have, then the peer we have sent least, then the oldest request. No ranking of every waiting request per
// block: each peer keeps its requests in order (waiting-requests.ts), and `chooseServe` compares one request per
// peer, the first of that peer's by the same order.
//
// The adapter opts in by reporting the bytes it holds for this session that have not left yet (the `upload-queue`
// event): at start (0), and whenever its queue shrinks. Without reports the engine reads unpaced (each peer's
// queue paced only by `peer-backlog`); after PACE_SILENCE_MS without one while a report is owed it falls back to
// that, so an adapter that stops reporting cannot stall the upload. A report is owed once a block went out after the
// last report, or when that report said the transport holds a block or more; an idle uploader whose transport was
// left with less than a block owes nothing and stays paced (the window is at least a block, so it cannot stall: the
// next block sent starts the clock). Before, a peer that had nothing to upload for PACE_SILENCE_MS after joining (a
// peer waiting for its first piece) fell back to unpaced reads the moment it got one, and filled its transport with
// seconds of blocks (docs/lab.md §1).
import { BLOCK_SIZE } from '../../codec/wire';
import type { UploadQueue } from '../peer/upload-queue';
import type { PieceRank, Waiting } from '../peer/waiting-requests';
import { LookCadence } from './look-cadence';
import { drainRate } from './look-drain';

/** What the transport may hold, in time at our measured upload rate (at least one block), where reports come
 * sooner than that (look-cadence.ts: else the wait for one, more than covered). */
export const PACE_WINDOW_MS = 250;
/** No `upload-queue` report for this long while one is owed: pacing is off until the next one. */
export const PACE_SILENCE_MS = 5_000;

/** Bytes the transport may hold at `capacity` bytes/s: `windowMs` (PACE_WINDOW_MS) of it, at least one block. */
export function paceWindow(capacity: number, windowMs = PACE_WINDOW_MS): number {
  const rate = Number.isFinite(capacity) && capacity > 0 ? capacity : 0;
  return Math.max(BLOCK_SIZE, (rate * windowMs) / 1000);
}

/** A report of `bytes` held leaves the adapter owing another one: it holds a block or more of ours. Less than a
 * block always leaves room in the window (paceWindow is at least a block), so the pacer sends, and owes from then. */
export function owesReport(bytes: number): boolean {
  return bytes >= BLOCK_SIZE;
}

export class UploadPacer {
  /** Bytes in the transport: the last report plus the blocks sent since. */
  private queued = 0;
  private reported = false;
  /** Since when a report is owed (undefined: none is, see `owesReport`). */
  private owedSince: number | undefined;
  /** How long reports take to come once owed. */
  readonly cadence = new LookCadence();
  /** The rate the last report saw the transport drain at (look-drain.ts), bytes/s; 0 where none was owed. */
  private drained = 0;

  /** The adapter's report of the bytes it still holds for us. A nonsensical report is ignored. */
  report(bytes: number, now: number): void {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) return;
    this.drained = 0;
    if (this.owedSince !== undefined) {
      const waited = now - this.owedSince;
      this.cadence.waited(waited);
      // Over the typical wait where this one was shorter: a look run early says little of the path's rate.
      const over = Math.max(waited, this.cadence.typicalMs);
      this.drained = drainRate(this.queued - bytes, over, !owesReport(bytes));
    }
    this.queued = bytes;
    this.reported = true;
    this.owedSince = owesReport(bytes) ? now : undefined;
  }

  /** Pacing is on: the adapter has reported, and no report owed has been missing for PACE_SILENCE_MS. */
  paced(now: number): boolean {
    return this.reported && (this.owedSince === undefined || now - this.owedSince < PACE_SILENCE_MS);
  }

  /** A block went to the transport: the adapter owes a report from now on (if it did not already). */
  sent(bytes: number, now: number): void {
    this.queued += bytes;
    this.owedSince ??= now;
  }

  get queuedBytes(): number {
    return this.queued;
  }

  /** Bytes that may be read now, with `reading` bytes already being read, at `capacity` bytes/s (0 or less:
   * none); the window at least `floorBytes`; `excusedBytes` of the transport's do not count (held by connections
   * past their share). */
  room(capacity: number, reading: number, floorBytes = 0, excusedBytes = 0): number {
    return Math.max(this.window(capacity), floorBytes) - Math.max(0, this.queued - excusedBytes) - reading;
  }

  /** Bytes the transport may hold at `capacity` bytes/s: PACE_WINDOW_MS of it, or more where reports come seldom;
   * there, at the rate the last report saw drain where that is more (look-drain.ts). Where reports come often, each
   * refills a window many times what left since the last one, and the measured capacity follows within a few. */
  window(capacity: number): number {
    const windowMs = this.cadence.windowMs(PACE_WINDOW_MS);
    const rate = windowMs > PACE_WINDOW_MS ? Math.max(capacity, this.drained) : capacity;
    return paceWindow(rate, windowMs);
  }
}

/** What one connection may hold (in its transport and in reads for it) while `connections` have requests waiting,
 * where the adapter reports each connection's part: an even share of the window, at least a block. Each connection
 * is its own SCTP association with its own congestion window, and its transport holds what that window has not let
 * out yet. Served by rank alone, the window goes to one peer at a time (the one with fewest pieces first), its
 * association cannot carry the uplink's rate, and every other association idles behind it: a seed on a 1.6 Mbit/s
 * uplink serving four peers 20 to 200 ms away sent at half its rate, one connection holding the whole window most of
 * the time (docs/performance.md, the wan swarm). A share each keeps every association supplied; the rank still
 * decides which request goes next among the connections under their share. */
export function connectionShare(window: number, connections: number): number {
  return Math.max(BLOCK_SIZE, window / Math.max(1, connections));
}

/** A waiting request the pacer could serve, with what ranks it. */
export interface ServeCandidate {
  /** Times we have sent this piece (any block of it) to anyone. */
  sent: number;
  /** How many of our peers have the piece. */
  copies: number;
  /** Pieces the requesting peer has. */
  peerPieces: number;
  /** Bytes we have sent the requesting peer. */
  peerUploaded: number;
  /** How long the request has waited, ms. */
  waitedMs: number;
  /** After this long it goes before every fresher request (default SERVE_PATIENCE_MS; a re-ask's is
   * REASK_PATIENCE_MS). */
  patienceMs?: number;
}

/** A request that has waited this long goes before every fresher one (oldest first), so that the order above cannot
 * starve one (a peer near the end asks for the pieces everybody has). Below the requester's 30 s request timeout;
 * shorter (3 to 5 s) made the lab's swarms slower at N = 50 to 500: it gives back the order's gain. */
export const SERVE_PATIENCE_MS = 15_000;
/** The patience with a re-ask (a block of a piece we sent the same peer already, upload-queue.ts `isReask`): ranked
 * by the send that peer lost, it waits behind every piece not sent yet. It waits this long first, so that a block
 * asked again while its first copy is still on its way (a player's cancel that came too late) is not sent twice:
 * that copy arrives, and the peer cancels the second ask, within the paced window (PACE_WINDOW_MS) and the trip. */
export const REASK_PATIENCE_MS = 1_000;

/** The patience with a waiting request: a re-ask's, or every other's. */
export const patienceOf = (waiting: { reask: boolean }): number =>
  waiting.reask ? REASK_PATIENCE_MS : SERVE_PATIENCE_MS;

const late = (candidate: ServeCandidate): boolean =>
  candidate.waitedMs >= (candidate.patienceMs ?? SERVE_PATIENCE_MS);

/** Ranks two candidates: negative when `a` goes first. Ties keep the order they were offered in (oldest first). */
export function serveOrder(a: ServeCandidate, b: ServeCandidate): number {
  const aLate = late(a);
  const bLate = late(b);
  if (aLate || bLate) return aLate && bLate ? b.waitedMs - a.waitedMs : aLate ? -1 : 1;
  return (
    a.peerPieces - b.peerPieces || a.sent - b.sent || a.copies - b.copies || a.peerUploaded - b.peerUploaded
  );
}

/** The index of the candidate to serve first (-1 for none): the least by `serveOrder`, the first of equals. */
export function pickServe(candidates: readonly ServeCandidate[]): number {
  let best = -1;
  for (let i = 0; i < candidates.length; i++) {
    if (best < 0 || serveOrder(candidates[i], candidates[best]) < 0) best = i;
  }
  return best;
}

/** A peer the pacer may serve: its upload queue and the bytes we sent it. */
export interface ServePeer {
  readonly upload: UploadQueue;
  readonly uploaded: number;
}

/** The waiting request to serve first of all the peers' (undefined for none): the one `pickServe` would pick among
 * every waiting request of `peers`, offered peer by peer in their order and oldest first, but found from one
 * candidate per peer. Within a peer the requester's pieces and what we sent it are the same for every request, so its
 * first by `serveOrder` is its oldest request when that one has waited SERVE_PATIENCE_MS (the oldest has waited
 * longest), else its oldest re-ask when that one has waited REASK_PATIENCE_MS, else its first by piece rank (sends, copies, arrival), which its queue keeps. */
export function chooseServe<P extends ServePeer>(
  peers: readonly P[],
  rank: PieceRank,
  peerPieces: (peer: P) => number,
  now: number,
): { peer: P; waiting: Waiting } | undefined {
  let best: { peer: P; waiting: Waiting } | undefined;
  let bestRank: ServeCandidate | undefined;
  for (const peer of peers) {
    const oldest = peer.upload.oldestWaiting();
    if (!oldest) continue;
    const own = peer.upload.ranked(rank);
    const reask = peer.upload.oldestReask();
    const waiting =
      now - oldest.since >= SERVE_PATIENCE_MS
        ? oldest
        : reask && now - reask.since >= REASK_PATIENCE_MS
          ? reask
          : peer.upload.bestWaiting(own);
    if (!waiting) continue;
    const index = waiting.request.index;
    const candidate: ServeCandidate = {
      sent: own.sent(index),
      copies: own.copies(index),
      peerPieces: peerPieces(peer),
      peerUploaded: peer.uploaded,
      waitedMs: now - waiting.since,
      patienceMs: patienceOf(waiting),
    };
    if (bestRank === undefined || serveOrder(candidate, bestRank) < 0) {
      best = { peer, waiting };
      bestRank = candidate;
    }
  }
  return best;
}
