// The download side of one peer, written by the downloader alone (downloader.ts): our interest in it, the snub clock
// (when a block we asked for last came, whether we are waiting on it), and what it sent us.
import { CHOKE_RATE_WINDOW_MS, RateMeter } from './rate';
import { RoundTrip } from './round-trip';
import { StallMemory, stallBeyond } from './stall';

/** The window of the rate the request pipeline ramps on: about a second, so that a pipeline growing with the rate
 * it brings doubles each round trip (as TCP's slow start does) instead of following a 5-second average. */
export const RAMP_RATE_WINDOW_MS = 1_000;
/** How long after a peer's first block the pipeline may ramp on the last second's rate (libtorrent's slow start of
 * the request queue ends too). After it, the 5-second average: a pipeline that follows each second's bursts keeps
 * more in flight than the path holds, and behind a deep queue a lost packet's retransmission then waits behind all
 * of it, stalling an ordered channel for the queue's whole delay. */
export const RAMP_MS = 5_000;

export class PeerDownload {
  private _amInterested = false;
  private _lastBlockAt: number;
  private firstBlockAt: number | undefined;
  private _waiting = false;
  /** Since when our requests have been out with no block: the last block, or the first request after none was out;
   * undefined after a choke, whose wait is no stall. */
  private stallFrom: number | undefined;
  private _snubbed = false;
  private _downloaded = 0;
  private _piecesReceived = 0;
  readonly down = new RateMeter();
  /** Over 20 s, for the choker. */
  readonly downSlow = new RateMeter(CHOKE_RATE_WINDOW_MS);
  /** Over a second, for the request pipeline's ramp. */
  readonly downRecent = new RateMeter(RAMP_RATE_WINDOW_MS);
  /** Request-to-block times (request timeouts, the pipeline's round trip). */
  readonly roundTrip = new RoundTrip();
  /** Gaps between its blocks that the path and the rate do not explain (the pipeline's cover, its held rate). */
  readonly stalls = new StallMemory();

  /** The snub clock starts at connection. */
  constructor(now: number) {
    this._lastBlockAt = now;
  }

  get amInterested(): boolean {
    return this._amInterested;
  }

  /** When a block we asked for last arrived (snubbing), starting at connection. */
  get lastBlockAt(): number {
    return this._lastBlockAt;
  }

  /** We have been waiting on it since lastBlockAt (requests sent, no block since). */
  get waiting(): boolean {
    return this._waiting;
  }

  get snubbed(): boolean {
    return this._snubbed;
  }

  /** Bytes of blocks we asked for that it sent. */
  get downloaded(): number {
    return this._downloaded;
  }

  /** Its share of the verified pieces: each piece split between its senders by the bytes each sent, so the shares
   * of all peers add up to the pieces verified (fractional). */
  get piecesReceived(): number {
    return this._piecesReceived;
  }

  setInterested(interested: boolean): void {
    this._amInterested = interested;
  }

  /** Requests went out: the snub clock starts, unless it runs already (since its last block or unchoke). */
  requested(now: number): void {
    if (this._waiting) return;
    this._waiting = true;
    this._lastBlockAt = now;
    this.stallFrom = now;
  }

  /** It choked us: we are not waiting on it any more. */
  choked(): void {
    this._waiting = false;
    this.stallFrom = undefined;
  }

  /** A block we asked for arrived (its request went out at `askedAt`, when we know): it is not snubbing us. */
  blockArrived(bytes: number, now: number, askedAt?: number): void {
    this.noteStall(bytes, now);
    if (askedAt !== undefined) this.roundTrip.sample(now - askedAt);
    this.firstBlockAt ??= now;
    this.downRecent.add(bytes, now);
    this._lastBlockAt = now;
    this.stallFrom = now;
    this._waiting = false;
    this._snubbed = false;
    this._downloaded += bytes;
    this.down.add(bytes, now);
    this.downSlow.add(bytes, now);
  }

  /** Sticky until it sends a block. */
  snub(): void {
    this._snubbed = true;
  }

  /** A piece it sent blocks of verified: `share` (0 to 1) is the part of the piece's bytes it sent. */
  pieceVerified(share: number): void {
    if (!(share >= 0 && share <= 1)) throw new RangeError(`invalid piece share ${share}`);
    this._piecesReceived += share;
  }

  /** The rate the request pipeline follows: the 5-second rate, or, for RAMP_MS after the peer's first block, the
   * last second's while that is higher (the ramp). */
  pipelineRate(now: number): number {
    return Math.max(this.measuredRate(now), this.stalls.heldRate(now));
  }

  /** The time the pipeline adds to its cover for the stalls this peer's blocks had of late (StallMemory.cover). */
  stallCover(now: number): number {
    return this.stalls.cover(now);
  }

  private measuredRate(now: number): number {
    const rate = this.down.rate(now);
    const ramping = this.firstBlockAt !== undefined && now - this.firstBlockAt < RAMP_MS;
    return ramping ? Math.max(rate, this.downRecent.rate(now)) : rate;
  }

  /** Since `stallFrom` our requests were out: a gap that the path and the rate do not explain is a stall. After a
   * long one the rate before it is held for the rate meter's window, which the stall diluted. */
  private noteStall(bytes: number, now: number): void {
    const since = this.stallFrom;
    if (this.firstBlockAt === undefined || since === undefined) return;
    const rateBefore = this.pipelineRate(since);
    const stall = stallBeyond(now - since, this.roundTrip.least, rateBefore, bytes);
    if (stall > 0) this.stalls.record(stall, now, rateBefore, this.down.windowMs);
  }
}
