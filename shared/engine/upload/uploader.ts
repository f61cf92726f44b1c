// The uploader: serving the blocks peers ask us for. `Uploader` decides whether a request may be queued at all
// (bounds, choked, pieces we have), turns queued requests into storage reads and finished reads into `piece`
// messages, and counts what we sent. `UploadQueue` (upload-queue.ts) is its state for one peer. With an upload
// split (a policy's `uploadShares`), the uploader sets each weighted peer's cap to its share of our upload capacity
// (`splitUpload`), so that the split holds however the transport takes turns among connections.
import type { Bitfield } from '../../codec/bitfield';
import type { TorrentInfo } from '../../codec/metainfo';
import { pieceSize } from '../../codec/metainfo';
import type { WireMessage } from '../../codec/wire';
import { BLOCK_SIZE } from '../../codec/wire';
import type { PeerState } from '../peer/peer';
import type { BlockRequest } from '../picker/block-geometry';
import { chooseServe, connectionShare, UploadPacer } from './pacer';
import { RateMeter } from '../peer/rate';
import { READS_PER_PEER } from '../peer/upload-queue';
import type { PieceRank } from '../peer/waiting-requests';
import type { PeerKey, ServeHoldSwitch } from '../contract/engine-types';
import { HeldRequests } from './serve-hold';

export { OUR_REQQ, READS_PER_PEER, RECENT_SENT, UploadQueue } from '../peer/upload-queue';

/** Requests longer than this are refused (a reject for a fast peer): every client asks 16 KiB blocks, and a peer's
 * queue then holds at most OUR_REQQ × 16 KiB = 4 MiB of requested bytes. */
export const MAX_REQUEST_LENGTH = BLOCK_SIZE;
/** For a peer we upload to slowly, reads at once cover this much of its measured rate (at least MIN_READS), not
 * READS_PER_PEER: the blocks read go into the transport's queue, where a cancel (a player's seek) no longer reaches
 * them, and 16 blocks are seconds of sending under a small upload limit. */
export const READ_AHEAD_MS = 500;
export const MIN_READS = 2;
/** The upload capacity is looked at again on a transport report at most this often (ms); ticks look too. */
export const CAPACITY_OBSERVE_MS = 20;

/** Reads one peer may have outstanding at our measured upload rate to it (unknown or fast: READS_PER_PEER). */
export function readsFor(rateBytesPerSec: number): number {
  if (!(Number.isFinite(rateBytesPerSec) && rateBytesPerSec > 0)) return READS_PER_PEER;
  const wanted = Math.ceil((rateBytesPerSec * READ_AHEAD_MS) / 1000 / BLOCK_SIZE);
  return Math.max(MIN_READS, Math.min(READS_PER_PEER, wanted));
}

/** What the uploader needs from the session around it. */
export interface UploaderPorts {
  send(peer: PeerState, message: WireMessage): void;
  close(peer: PeerState, reason: string): void;
  /** Every connected peer (pacing chooses among all their waiting requests). */
  peers(): Iterable<PeerState>;
  /** How many of our peers have the piece. */
  copies(index: number): number;
  /** Moves whenever a copy count may have fallen (a peer's pieces forgotten or replaced). */
  copiesEpoch(): number;
  /** How many pieces the peer has. */
  peerPieces(peer: PeerState): number;
  /** A block sent that the peer cancelled: drop it from the transport if it has not left; `onRetracted` follows if
   * it was dropped. */
  retract(peer: PeerState, request: BlockRequest): void;
  /** Read a block from storage; the answer comes back as `onReadDone` or `onReadFailed`. */
  read(peer: PeerState, request: BlockRequest): void;
  /** Does the session serve now (not paused)? */
  serving(): boolean;
  /** Did we announce the piece to the peer (default: every piece we have; super-seeding announces fewer)? */
  announced?(peer: PeerState, index: number): boolean;
}

export class Uploader {
  /** Bytes of blocks sent since the session started. */
  uploadedBytes = 0;
  readonly meter = new RateMeter();
  /** What we can upload, as measured (the upload split divides this). */
  readonly capacity = new UploadCapacity();
  /** Pacing to the transport's queue, when the adapter reports it (pacer.ts). */
  readonly pacer = new UploadPacer();
  /** Times each piece was begun (its first block sent), for the pacer's order; a peer's ranking does not count its own begun pieces against the rest of them (upload-queue.ts `ranked`). */
  private readonly sentPieces: Uint32Array;
  /** How the pacer ranks a piece: times sent, then copies among our peers. */
  protected readonly rank: PieceRank;
  private wasPaced = false;
  /** The adapter reports what each connection holds (`upload-queue`'s `byPeer`): reads follow connectionShare. */
  private heldPerConnection = false;
  private capacityObservedAt = Number.NEGATIVE_INFINITY;
  /** A test's hold on the pieces served (serve-hold.ts); holds nothing without one. */
  private readonly held: HeldRequests<PeerState>;

  constructor(
    private readonly info: TorrentInfo,
    /** Pieces we have (the downloader's bitfield, shared). */
    private readonly have: Bitfield,
    protected readonly ports: UploaderPorts,
    hold?: ServeHoldSwitch,
  ) {
    this.held = new HeldRequests(hold);
    const sentPieces = (this.sentPieces = new Uint32Array(info.pieceCount));
    this.rank = {
      sent: (index) => sentPieces[index],
      copies: (index) => ports.copies(index),
      get epoch() {
        return ports.copiesEpoch();
      },
    };
  }

  onRequest(peer: PeerState, request: BlockRequest, now: number): void {
    const { info } = this;
    const { index, begin, length } = request;
    if (index >= info.pieceCount)
      return this.ports.close(peer, `request for piece ${index} beyond the torrent`);
    if (length === 0) return this.ports.close(peer, 'request of 0 bytes');
    if (begin + length > pieceSize(info, index))
      return this.ports.close(peer, 'request beyond the end of the piece');
    if (peer.upload.holds(index, begin)) return;
    if (this.have.get(index) && !this.held.admits(index)) return this.held.park(peer, request);
    if (
      length > MAX_REQUEST_LENGTH || // longer than any client asks: refused, never queued
      peer.amChoking || // choked peers' requests are discarded (rejected, for a fast peer)
      !this.ports.serving() ||
      !this.have.get(index) || // we never said we had it; a race with nothing to serve
      this.ports.announced?.(peer, index) === false || // super-seeding: not offered to this peer (super-seed.ts)
      peer.upload.full()
    )
      return reject(peer, { index, begin, length }, this.ports);
    peer.choke.asked(now);
    peer.upload.enqueue({ index, begin, length }, now);
    this.pump(peer, now);
  }

  /** A cancel: the request is dropped if it was not sent yet, and a fast peer is told so (BEP 6: every request gets
   * one answer, its block or a reject, so the peer knows no block of it is still on its way). A block sent lately
   * may still wait in the transport, where the paced window holds up to a quarter second of our upload: the adapter
   * is asked to drop it (a player's cancel for the piece it blocks on would otherwise wait behind it). */
  onCancel(peer: PeerState, request: BlockRequest, now: number): void {
    if (this.held.cancel(peer, request.index, request.begin)) return reject(peer, request, this.ports);
    const taken = peer.upload.cancel(request.index, request.begin);
    if (!taken) {
      if (peer.upload.takeSent(request.index, request.begin)) this.ports.retract(peer, request);
      return;
    }
    reject(peer, taken.request, this.ports);
    if (taken.reading) this.pump(peer, now);
  }

  /** The adapter dropped a block sent before it left (a `retract`): it is not uploaded, and a fast peer is told it
   * will not come. */
  onRetracted(peer: PeerState | undefined, request: BlockRequest): void {
    const { index, begin, length } = request;
    if (!peer || !(index >= 0 && index < this.info.pieceCount) || !(length > 0)) return;
    peer.upload.unsent(index, begin, length);
    this.uploadedBytes = Math.max(0, this.uploadedBytes - length);
    if (begin === 0 && this.sentPieces[index] > 0) this.sentPieces[index]--;
    reject(peer, request, this.ports);
  }

  onReadDone(peer: PeerState, index: number, begin: number, data: Uint8Array, now: number): void {
    const request = peer.upload.finishRead(index, begin);
    if (!request) return; // cancelled, or the peer was choked meanwhile
    if (data.length === request.length && !peer.amChoking) {
      this.ports.send(peer, { type: 'piece', index, begin, block: data });
      peer.upload.sent(data.length, now, index, begin);
      this.uploadedBytes += data.length;
      this.meter.add(data.length, now);
      this.pacer.sent(data.length, now);
      peer.upload.transportHeld += data.length;
      if (begin === 0) this.sentPieces[index]++;
      peer.upload.pieceBlockSent(index, begin, begin + data.length >= pieceSize(this.info, index));
    }
    this.pump(peer, now);
  }

  onReadFailed(peer: PeerState, index: number, begin: number, now: number): void {
    const request = peer.upload.finishRead(index, begin);
    if (request) reject(peer, request, this.ports);
    this.pump(peer, now);
  }

  /** Reads what the peer's queue lets through now; nothing while its transport is backlogged. */
  pump(peer: PeerState, now: number): void {
    if (this.pacer.paced(now)) return this.pumpPaced(now);
    if (peer.backlogged) return;
    for (const request of peer.upload.take(now, readsFor(peer.up.rate(now)))) this.ports.read(peer, request);
  }

  /** The transport holds `bytes` of ours that have not left (the `upload-queue` event): pacing is on. The capacity
   * follows the upload between ticks too (at most every CAPACITY_OBSERVE_MS): while it is unmeasured the window is one
   * block, one block per report is all that goes, and waiting for the next tick to measure that held a fresh seed's
   * upload (and a player's first frame) back for up to half a second. */
  onUploadQueue(bytes: number, now: number, byPeer?: ReadonlyArray<readonly [PeerState, number]>): void {
    this.pacer.report(bytes, now);
    if (byPeer) {
      this.heldPerConnection = true;
      for (const peer of this.ports.peers()) peer.upload.transportHeld = 0;
      for (const [peer, held] of byPeer)
        if (held > 0 && Number.isFinite(held)) peer.upload.transportHeld = held;
    }
    if (!(now - this.capacityObservedAt < CAPACITY_OBSERVE_MS)) this.observeCapacity(now);
    if (this.pacer.paced(now)) this.pumpPaced(now);
  }

  private observeCapacity(now: number): void {
    this.capacity.observe(this.meter.rate(now), now);
    this.capacityObservedAt = now;
  }

  /** Paced: while the transport has room, reads the best waiting request of any unchoked peer (pacer.ts). */
  private pumpPaced(now: number): void {
    this.wasPaced = true;
    const all = [...this.ports.peers()];
    let reading = 0;
    for (const peer of all) reading += peer.upload.readingBytes;
    const capacity = this.capacity.estimate;
    // Without a share per connection the window alone decides: nothing to choose while it is full.
    if (!this.heldPerConnection && this.pacer.room(capacity, reading) <= 0) return;
    const peers = all.filter((p) => !p.backlogged && p.upload.waiting > 0);
    const window = this.pacer.window(capacity);
    const share = this.heldPerConnection ? connectionShare(window, peers.length) : undefined;
    // Every connection with requests may hold its share, a block at least, whatever the window; and what a connection
    // holds past its share (a peer that vanished, whose bytes never leave, until its connection is closed) does not
    // hold the others back.
    const floor = share === undefined ? 0 : share * peers.length;
    const excused = share === undefined ? 0 : heldPastShare(all, peers, window);
    const full = (peer: PeerState) =>
      share !== undefined && peer.upload.transportHeld + peer.upload.readingBytes >= share;
    for (let i = peers.length - 1; i >= 0; i--) if (full(peers[i])) peers.splice(i, 1);
    while (this.pacer.room(capacity, reading, floor, excused) > 0) {
      const best = this.choose(peers, now);
      if (!best) return;
      const request = best.peer.upload.takeWaiting(best.request, now);
      if (request) {
        reading += request.length;
        this.ports.read(best.peer, request);
      }
      // No read slot or budget for this peer now, or its connection holds its share: it waits for the next pump.
      if (!request || full(best.peer)) peers.splice(peers.indexOf(best.peer), 1);
    }
  }

  /** The waiting request to read next, and whose: the pacer's first among `peers` (pacer.ts, `chooseServe`). */
  protected choose(
    peers: readonly PeerState[],
    now: number,
  ): { peer: PeerState; request: BlockRequest } | undefined {
    const best = chooseServe(peers, this.rank, (peer) => this.ports.peerPieces(peer), now);
    return best && { peer: best.peer, request: best.waiting.request };
  }

  /** Capped peers' queues wait for their budget: the clock lets them through. The upload split is set first. */
  /** Our uplink has nothing to send: paced, nothing in the transport, and no unchoked peer has a request waiting or
   * being read. Unpaced, the transport's queue is unknown: never idle. */
  idle(peers: Iterable<PeerState>, now: number): boolean {
    if (!this.pacer.paced(now) || this.pacer.queuedBytes > 0) return false;
    for (const peer of peers) if (peer.upload.size > 0) return false;
    return true;
  }

  tick(peers: Iterable<PeerState>, now: number): void {
    const all = [...peers];
    this.answerReleased(all, now);
    this.observeCapacity(now);
    splitUpload(all, this.capacity.estimate, now);
    if (this.pacer.paced(now)) return this.pumpPaced(now);
    // Pacing just went silent: every queue is read unpaced, held back by `peer-backlog` alone.
    const unpaced = this.wasPaced;
    this.wasPaced = false;
    for (const peer of all) {
      if ((unpaced || peer.upload.uploadCap !== undefined) && peer.upload.waiting > 0) this.pump(peer, now);
    }
  }

  /** The requests a test's hold parked, once it is released: answered now, each as if it had just come (a peer gone
   * meanwhile is left out). */
  private answerReleased(peers: readonly PeerState[], now: number): void {
    for (const { peer, request } of this.held.takeReleased())
      if (peers.includes(peer)) this.onRequest(peer, request, now);
  }
}

/** The `upload-queue` report's connections as the session's peers (a key no longer connected is left out). */
export function heldBy(
  peers: ReadonlyMap<PeerKey, PeerState>,
  byPeer: ReadonlyArray<readonly [PeerKey, number]>,
): Array<readonly [PeerState, number]> {
  const held: Array<readonly [PeerState, number]> = [];
  for (const [key, bytes] of byPeer) {
    const peer = peers.get(key);
    if (peer) held.push([peer, bytes]);
  }
  return held;
}

/** Its transport is backlogged: no new block reads for it until it drains, and then its queue is read again. */
export function peerBacklog(
  peer: PeerState | undefined,
  backlogged: boolean,
  uploader: Uploader | undefined,
  now: number,
): void {
  if (!peer) return;
  peer.upload.setBacklogged(backlogged);
  if (!backlogged) uploader?.pump(peer, now);
}

/** A choke drops the peer's queue: its requests are discarded (it re-requests after an unchoke). A fast peer is told
 * which, after the choke (BEP 6: a choke no longer rejects requests implicitly). */
export function dropRequests(peer: PeerState, ports: Pick<UploaderPorts, 'send'>): void {
  for (const request of peer.upload.drop()) reject(peer, request, ports);
}

/** A fast peer gets an explicit reject for a request we will not serve (BEP 6); others' are dropped silently. */
function reject(peer: PeerState, request: BlockRequest, ports: Pick<UploaderPorts, 'send'>): void {
  const { index, begin, length } = request;
  if (peer.fast) ports.send(peer, { type: 'reject-request', index, begin, length });
}

/** Our upload capacity as measured: the highest recent total upload rate, forgotten slowly (half of it after
 * `halfLifeMs`), so that a quiet minute does not shrink the split's budget at once. */
export class UploadCapacity {
  private peak = 0;
  private at: number | undefined;

  constructor(private readonly halfLifeMs = 60_000) {}

  get estimate(): number {
    return this.peak;
  }

  observe(rate: number, now: number): void {
    const decayed =
      this.at === undefined ? 0 : this.peak * 0.5 ** (Math.max(0, now - this.at) / this.halfLifeMs);
    this.peak = Math.max(rate, decayed);
    this.at = now;
  }
}

/** The split's budget is this much above the measured capacity, so that the measure can grow when the link can. */
export const SPLIT_HEADROOM = 1.1;

/**
 * The upload split: every unchoked peer with a weight (`share`) and requests waiting gets `capacity` × its weight
 * over the weights of those peers as its cap (× SPLIT_HEADROOM); a weighted peer with nothing to ask keeps its cap
 * and takes nothing from the others. Nothing is capped before the capacity is known.
 */
export function splitUpload(peers: Iterable<PeerState>, capacity: number, now: number): void {
  let total = 0;
  const active: PeerState[] = [];
  for (const peer of peers) {
    const share = peer.upload.share;
    if (share === undefined || peer.amChoking || !(share > 0)) continue;
    if (peer.upload.size === 0) continue;
    active.push(peer);
    total += share;
  }
  if (active.length === 0 || !(capacity > 0)) return;
  for (const peer of active) {
    const cap = Math.max(1, (capacity * SPLIT_HEADROOM * (peer.upload.share as number)) / total);
    peer.upload.retune(cap, now);
  }
}

/** Bytes the connections hold past their share each of `window`, shared by those `asking` and the others that hold
 * some. */
function heldPastShare(all: readonly PeerState[], asking: readonly PeerState[], window: number): number {
  const askingSet = new Set(asking);
  const holding = all.filter((peer) => peer.upload.transportHeld > 0 && !askingSet.has(peer));
  const share = connectionShare(window, asking.length + holding.length);
  let past = 0;
  for (const peer of all) past += Math.max(0, peer.upload.transportHeld - share);
  return past;
}
