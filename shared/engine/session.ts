// One torrent's swarm session as a sans-I/O state machine: events in, actions out, the clock passed in.
//
// Driving it (see types.ts for every event and action):
// - Construct it, then feed events. The FIRST handle() call, whatever the event, returns `announce started` (and
//   `want-peers`) before anything else; adapters usually send a `tick` right after construction to get them.
// - Feed `tick` regularly (every 100-1000 ms): choke rounds, keep-alives, timeouts and `want-peers` run there.
// - `peer-connected` for every transport (outgoing or accepted); the session sends its handshake at once.
//   `peer-data` with the bytes as they come, `peer-closed` when the transport dies.
// - After the session emits `close` for a peer it has forgotten it: a later `peer-closed` or `peer-data` for that key
//   is ignored. The adapter must not reuse a key.
// - `hash {id}` is answered by `hashed {id}`; `store {index}` by `stored`/`store-failed`; `read` by
//   `read-done`/`read-failed`. Answers may come later, in any order, interleaved with other events.
// - A buffer handed out in `hash` and then `store` is the same piece buffer; the adapter may transfer it once the
//   `store` action has been carried out (the session keeps no reference after `store`). Every `send` carries a
//   fresh buffer the adapter owns (it may transfer it). `peer-data` chunks are read in place and may be kept as views
//   until the event returns, so the adapter must not reuse them while handle() runs.
// - Hash ids are unique per session (a counter); piece and metadata checks share the sequence.
import { Bitfield } from '../bitfield';
import { concatBytes } from '../bytes';
import {
  decodeExtendedHandshake,
  decodeMetadataMessage,
  encodeExtendedHandshake,
  encodeMetadataMessage,
  METADATA_PIECE_SIZE,
} from '../extension';
import { toHex } from '../hex';
import type { TorrentInfo } from '../metainfo';
import { pieceSize } from '../metainfo';
import type { WireMessage } from '../wire';
import {
  BLOCK_SIZE,
  encodeHandshake,
  encodeMessage,
  reservedBytes,
  supportsExtended,
  supportsFast,
} from '../wire';
import type { ChokePolicy, ChokeTrigger, ChokerInput, ChokerPeer } from './choker';
import { titForTat } from './choker';
import { MetadataFetch } from './metadata';
import { parseVerifiedInfo } from '../metainfo';
import { ASKED_SLACK, MAX_PENDING_HAVES, PeerState } from './peer';
import { OUR_REQQ, UploadQueue } from './uploader';
import { PiecePicker, type BlockRequest, type PickerOptions } from './picker';
import type { Wishlist } from './wishlist';
import { isSnubbed, pipelineDepth } from './pipeline';
import { RateMeter } from './rate';
import type {
  EngineAction,
  EngineConfig,
  EngineEvent,
  PeerKey,
  PeerStats,
  Session,
  SessionOptions,
  SessionState,
  SessionStats,
} from './types';
import { BanList, bytesEqual, digestMatches } from './verify';

export const DEFAULT_CONFIG: EngineConfig = {
  targetPeers: 20,
  maxPeers: 50,
  uploadSlots: 4,
  chokeIntervalMs: 10_000,
  optimisticIntervalMs: 30_000,
  handshakeTimeoutMs: 20_000,
  idleTimeoutMs: 150_000,
  keepAliveMs: 60_000,
  requestTimeoutMs: 30_000,
  snubTimeoutMs: 60_000,
  minPipeline: 5,
  maxPipeline: 250,
  randomFirstPieces: 4,
  endgameDuplicates: 2,
  clientName: 'swarmdrop 0.1',
};

/** Requests longer than this close the connection (BEP 3 practice: 16 KiB is normal, 128 KiB the most anyone asks). */
export const MAX_REQUEST_LENGTH = 128 * 1024;
/** The extended message id we want ut_metadata under. */
export const UT_METADATA_ID = 3;
/** Metadata requests that get no answer in this time go to another peer. */
const METADATA_TIMEOUT_MS = 20_000;
/** A peer measured slow gets at most this much work queued (but at least 2 requests) instead of minPipeline, so the
 * last blocks do not sit behind a slow peer's queue while faster peers could bring them. */
const SLOW_PEER_QUEUE_MS = 5_000;
/** At most one `want-peers` per this interval. */
const WANT_PEERS_INTERVAL_MS = 5_000;
/** BEP 6 (fast extension) in our handshake: have-all/have-none, and explicit rejects instead of silent drops. */
const ADVERTISE_FAST = true;

type HashJob = { kind: 'piece'; index: number } | { kind: 'metadata' };

interface PieceBuffer {
  data: Uint8Array;
  /** Peer ids (hex) that sent blocks of it. */
  contributors: Set<string>;
}

const newPicker = (options: PickerOptions): Wishlist => new PiecePicker(options);

export class TorrentSession implements Session {
  readonly config: EngineConfig;
  private readonly policy: ChokePolicy;
  private readonly infoHash: Uint8Array;
  private readonly peerId: Uint8Array;
  private readonly random: () => number;
  private _info: TorrentInfo | undefined;
  private _have: Bitfield | undefined;
  private haveCount = 0;
  private picker: Wishlist | undefined;
  private readonly metadataFetch = new MetadataFetch();

  private state: SessionState;
  private errorReason: string | undefined;
  private announcedStart = false;
  private readonly peers = new Map<PeerKey, PeerState>();
  /** Handshaken peers by peer id (hex), to refuse duplicate connections. */
  private readonly byPeerId = new Map<string, PeerKey>();
  private readonly bans = new BanList();

  private readonly buffers = new Map<number, PieceBuffer>();
  private readonly hashJobs = new Map<number, HashJob>();
  private nextHashId = 1;
  /** Connection order given to the next peer. */
  private peerOrder = 0;
  private readonly storing = new Set<number>();

  private lastChokeRound: number | undefined;
  private lastOptimisticRotation: number | undefined;
  private optimistic: PeerKey | undefined;
  private lastWantPeers: number | undefined;
  private lastRefill: number | undefined;

  private readonly downMeter = new RateMeter();
  private readonly upMeter = new RateMeter();
  private downloadedBytes = 0;
  private uploadedBytes = 0;

  /** Per handle() call: the actions so far, the clock, and whether released requests need handing out. */
  private out: EngineAction[] = [];
  private now: number;
  private refill = false;

  constructor(options: SessionOptions) {
    if (!(options.infoHash instanceof Uint8Array) || options.infoHash.length !== 20) {
      throw new RangeError('infoHash must be 20 bytes');
    }
    if (!(options.peerId instanceof Uint8Array) || options.peerId.length !== 20) {
      throw new RangeError('peerId must be 20 bytes');
    }
    this.config = { ...DEFAULT_CONFIG, ...options.config };
    this.policy = this.config.chokePolicy ?? titForTat;
    const cap = this.policy.uploadCap;
    if (cap !== undefined && !(cap > 0)) throw new RangeError(`invalid upload cap ${cap}`);
    this.infoHash = options.infoHash;
    this.peerId = options.peerId;
    this.random = options.random;
    this.now = options.now;
    this.state = 'fetching-metadata';
    if (options.info) {
      if (!bytesEqual(options.info.infoHash, options.infoHash))
        throw new RangeError('info does not match infoHash');
      this.setup(options.info, options.have);
    }
  }

  get info(): TorrentInfo | undefined {
    return this._info;
  }

  get have(): Bitfield | undefined {
    return this._have;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Events

  handle(event: EngineEvent, now: number): EngineAction[] {
    this.now = now;
    this.out = [];
    this.refill = false;
    if (this.state === 'stopped') {
      if (event.type === 'peer-connected')
        this.out.push({ type: 'close', peer: event.peer, reason: 'stopped' });
      return this.out;
    }
    if (!this.announcedStart) {
      // The first call announces `started`, whatever the event is.
      this.announcedStart = true;
      this.out.push({ type: 'announce', event: 'started' });
      this.wantPeers();
    }
    switch (event.type) {
      case 'peer-connected':
        this.onConnected(event.peer);
        break;
      case 'peer-data': {
        const peer = this.peers.get(event.peer);
        if (peer) this.guard(peer, () => this.onData(peer, event.data));
        break;
      }
      case 'peer-closed': {
        const peer = this.peers.get(event.peer);
        if (peer) this.removePeer(peer);
        break;
      }
      case 'hashed':
        this.onHashed(event.id, event.digest);
        break;
      case 'stored':
        this.onStored(event.index);
        break;
      case 'store-failed':
        this.onStoreFailed(event.index, event.reason);
        break;
      case 'read-done': {
        const peer = this.peers.get(event.peer);
        if (peer) this.guard(peer, () => this.onReadDone(peer, event.index, event.begin, event.data));
        break;
      }
      case 'read-failed': {
        const peer = this.peers.get(event.peer);
        if (peer) {
          const request = peer.upload.finishRead(event.index, event.begin);
          if (request) this.reject(peer, request);
          this.pumpReads(peer);
        }
        break;
      }
      case 'tick':
        this.onTick();
        break;
      case 'pause':
        this.onPause();
        break;
      case 'resume':
        this.onResume();
        break;
      case 'stop':
        this.onStop();
        break;
    }
    if (this.refill) this.fillAll();
    const actions = this.out;
    this.out = [];
    return actions;
  }

  /** Runs peer-input handling; anything it throws closes that peer (never the session). */
  private guard(peer: PeerState, run: () => void): void {
    try {
      run();
    } catch (error) {
      if (this.peers.get(peer.key) === peer) {
        this.closePeer(peer, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    }
  }

  private onConnected(key: PeerKey): void {
    if (this.peers.has(key)) {
      // A reused key is an adapter bug; keep the existing connection.
      return;
    }
    if (this.peers.size >= this.config.maxPeers) {
      this.out.push({ type: 'close', peer: key, reason: 'too many peers' });
      return;
    }
    if (this.state === 'paused') {
      // Paused sessions still connect, they just do not transfer.
    }
    const peer = new PeerState(
      key,
      this.peerOrder++,
      this.now,
      new UploadQueue(this.policy.uploadCap, this.now),
    );
    this.peers.set(key, peer);
    this.sendRaw(
      peer,
      encodeHandshake({
        infoHash: this.infoHash,
        peerId: this.peerId,
        reserved: reservedBytes({ extended: true, fast: ADVERTISE_FAST }),
      }),
    );
  }

  private onData(peer: PeerState, data: Uint8Array): void {
    peer.lastReceived = this.now;
    const items = peer.decoder.push(data);
    for (const item of items) {
      if (this.peers.get(peer.key) !== peer) return; // closed while handling an earlier item
      if (item.kind === 'handshake') this.onHandshake(peer, item.handshake);
      else this.onMessage(peer, item.message);
    }
  }

  private onHandshake(
    peer: PeerState,
    handshake: { infoHash: Uint8Array; peerId: Uint8Array; reserved: Uint8Array },
  ) {
    if (!bytesEqual(handshake.infoHash, this.infoHash)) return this.closePeer(peer, 'wrong info hash');
    if (bytesEqual(handshake.peerId, this.peerId)) return this.closePeer(peer, 'connected to ourselves');
    const hex = toHex(handshake.peerId);
    if (this.bans.isBanned(hex)) return this.closePeer(peer, 'banned peer');
    if (this.byPeerId.has(hex)) return this.closePeer(peer, 'duplicate connection');
    peer.handshaken = true;
    peer.peerId = handshake.peerId;
    peer.peerIdHex = hex;
    peer.extended = supportsExtended(handshake.reserved);
    peer.fast = ADVERTISE_FAST && supportsFast(handshake.reserved);
    this.byPeerId.set(hex, peer.key);

    if (peer.extended) {
      const payload = encodeExtendedHandshake({
        m: { ut_metadata: UT_METADATA_ID },
        metadataSize: this._info?.infoBytes.length,
        client: this.config.clientName,
        reqq: OUR_REQQ,
      });
      this.send(peer, { type: 'extended', id: 0, payload });
    }
    if (this._have && this.haveCount > 0) {
      if (peer.fast && this.haveCount === this._have.length) this.send(peer, { type: 'have-all' });
      else this.send(peer, { type: 'bitfield', bytes: this._have.bytes });
    } else if (peer.fast) {
      this.send(peer, { type: 'have-none' });
    }
  }

  private onMessage(peer: PeerState, message: WireMessage): void {
    switch (message.type) {
      case 'keep-alive':
      case 'port':
        return;
      case 'choke':
        if (peer.peerChoking) return;
        peer.peerChoking = true;
        peer.waiting = false;
        // BEP 6: a fast peer's choke does not reject our requests; it rejects the ones it drops, and blocks it had
        // already sent still arrive (releasing them would ask someone else for the same blocks). Requests it neither
        // serves nor rejects time out as usual. Without fast, a choke drops them all.
        if (peer.fast) return;
        if (this.picker && this.picker.releasePeer(peer.key).length > 0) this.refill = true;
        return;
      case 'unchoke':
        if (!peer.peerChoking) return;
        peer.peerChoking = false;
        this.fill(peer);
        return;
      case 'interested':
        peer.peerInterested = true;
        this.chokeBetweenRounds({ kind: 'interested', peer: peer.key });
        return;
      case 'not-interested':
        peer.peerInterested = false;
        this.chokeBetweenRounds({ kind: 'not-interested', peer: peer.key });
        return;
      case 'have':
        return this.onHave(peer, message.index);
      case 'bitfield':
        return this.onBitfield(peer, message.bytes);
      case 'have-all':
      case 'have-none':
      case 'reject-request':
      case 'suggest-piece':
      case 'allowed-fast':
        // BEP 6: these messages from a peer that did not negotiate the fast extension close the connection.
        if (!peer.fast) return this.closePeer(peer, `${message.type} without the fast extension`);
        if (message.type === 'have-all') return this.onHaveAll(peer);
        if (message.type === 'reject-request') return this.onReject(peer, message);
        // have-none: it has nothing (the default); suggest-piece and allowed-fast are hints we do not use.
        return;
      case 'request':
        return this.onRequest(peer, message);
      case 'cancel':
        return this.onCancel(peer, message);
      case 'piece':
        return this.onPiece(peer, message.index, message.begin, message.block);
      case 'extended':
        return this.onExtended(peer, message.id, message.payload);
    }
  }

  // --- what the peer has

  private onHave(peer: PeerState, index: number): void {
    if (!this._info) {
      if (peer.pending.haves.size >= MAX_PENDING_HAVES) return this.closePeer(peer, 'too many have messages');
      peer.pending.haves.add(index);
      return;
    }
    if (index >= this._info.pieceCount) return this.closePeer(peer, `have ${index} beyond the torrent`);
    if (!this.picker?.peerHave(peer.key, index)) return;
    if (!peer.amInterested && this._have && !this._have.get(index)) this.updateInterest(peer);
    this.fill(peer);
  }

  private onBitfield(peer: PeerState, bytes: Uint8Array): void {
    if (!this._info) {
      if (bytes.length > MAX_PENDING_HAVES / 8) return this.closePeer(peer, 'bitfield too large');
      peer.pending.bitfield = bytes.slice();
      return;
    }
    const field = Bitfield.fromBytes(bytes, this._info.pieceCount); // throws RangeError: closes the peer
    this.picker?.peerBitfield(peer.key, field);
    this.updateInterest(peer);
    this.fill(peer);
  }

  private onHaveAll(peer: PeerState): void {
    if (!this._info) {
      peer.pending.all = true;
      return;
    }
    this.picker?.peerHaveAll(peer.key);
    this.updateInterest(peer);
    this.fill(peer);
  }

  /** Applies what a peer said it had before the info was known. */
  private applyPending(peer: PeerState, info: TorrentInfo): void {
    const { pending } = peer;
    peer.pending = { all: false, haves: new Set() };
    if (pending.all) return this.onHaveAll(peer);
    const has = pending.bitfield
      ? Bitfield.fromBytes(pending.bitfield, info.pieceCount)
      : new Bitfield(info.pieceCount);
    for (const index of pending.haves) {
      if (index >= info.pieceCount) return this.closePeer(peer, `have ${index} beyond the torrent`);
      has.set(index);
    }
    this.picker?.peerBitfield(peer.key, has);
    this.updateInterest(peer);
  }

  /** The peer will not serve one of our requests: it can go to someone else. A reject while the peer unchokes us
   * means it will not serve that block, so it is not asked again for a while; a reject that comes with a choke only
   * drops its queue, and after the next unchoke it may be asked again (it may be our only source). */
  private onReject(peer: PeerState, request: BlockRequest): void {
    const picker = this.picker;
    if (!picker) return;
    const avoidUntil = peer.peerChoking ? undefined : this.now + this.config.requestTimeoutMs;
    if (picker.release(peer.key, request, avoidUntil)) this.refill = true;
  }

  // --- serving

  /** A fast peer gets an explicit reject for a request we will not serve (BEP 6); others' are dropped silently. */
  private reject(peer: PeerState, request: BlockRequest): void {
    const { index, begin, length } = request;
    if (peer.fast) this.send(peer, { type: 'reject-request', index, begin, length });
  }

  private onRequest(peer: PeerState, request: BlockRequest): void {
    const info = this._info;
    if (!info || !this._have) return this.closePeer(peer, 'request before we have the metadata');
    const { index, begin, length } = request;
    if (index >= info.pieceCount)
      return this.closePeer(peer, `request for piece ${index} beyond the torrent`);
    if (length === 0 || length > MAX_REQUEST_LENGTH)
      return this.closePeer(peer, `request of ${length} bytes`);
    if (begin + length > pieceSize(info, index))
      return this.closePeer(peer, 'request beyond the end of the piece');
    if (peer.upload.holds(index, begin)) return;
    if (
      peer.amChoking || // choked peers' requests are discarded (rejected, for a fast peer)
      this.state === 'paused' ||
      !this._have.get(index) || // we never said we had it; a race with nothing to serve
      peer.upload.full()
    )
      return this.reject(peer, { index, begin, length });
    peer.upload.enqueue({ index, begin, length });
    this.pumpReads(peer);
  }

  private onCancel(peer: PeerState, request: BlockRequest): void {
    if (peer.upload.cancel(request.index, request.begin)) this.pumpReads(peer);
  }

  private pumpReads(peer: PeerState): void {
    for (const request of peer.upload.take(this.now))
      this.out.push({ type: 'read', peer: peer.key, ...request });
  }

  private onReadDone(peer: PeerState, index: number, begin: number, data: Uint8Array): void {
    const request = peer.upload.finishRead(index, begin);
    if (!request) return; // cancelled, or the peer was choked meanwhile
    if (data.length === request.length && !peer.amChoking) {
      this.send(peer, { type: 'piece', index, begin, block: data });
      peer.uploaded += data.length;
      peer.up.add(data.length, this.now);
      peer.upSlow.add(data.length, this.now);
      this.uploadedBytes += data.length;
      this.upMeter.add(data.length, this.now);
    }
    this.pumpReads(peer);
  }

  // --- downloading

  private onPiece(peer: PeerState, index: number, begin: number, block: Uint8Array): void {
    const picker = this.picker;
    if (!picker?.takeAsked(peer.key, index, begin, block.length))
      return this.closePeer(peer, 'a block nobody asked for');
    const info = this._info;
    if (!info || !picker) return;
    if (index >= info.pieceCount || begin + block.length > pieceSize(info, index)) {
      return this.closePeer(peer, 'block beyond the piece');
    }
    peer.lastBlockAt = this.now;
    peer.waiting = false;
    peer.snubbed = false;
    peer.downloaded += block.length;
    peer.down.add(block.length, this.now);
    peer.downSlow.add(block.length, this.now);
    this.downMeter.add(block.length, this.now);
    const result = picker.blockReceived(peer.key, index, begin, block.length);
    for (const cancel of result.cancels) {
      const other = this.peers.get(cancel.peer);
      if (other) {
        this.send(other, { type: 'cancel', index: cancel.index, begin: cancel.begin, length: cancel.length });
      }
    }
    if (result.expected && !result.duplicate && !this.storing.has(index) && !this._have?.get(index)) {
      let buffer = this.buffers.get(index);
      if (!buffer) {
        buffer = { data: new Uint8Array(pieceSize(info, index)), contributors: new Set() };
        this.buffers.set(index, buffer);
      }
      buffer.data.set(block, begin);
      buffer.contributors.add(peer.peerIdHex);
      if (result.pieceComplete) {
        const id = this.nextHashId++;
        this.hashJobs.set(id, { kind: 'piece', index });
        this.out.push({ type: 'hash', id, data: buffer.data });
      }
    }
    this.fill(peer);
  }

  private onHashed(id: number, digest: Uint8Array): void {
    const job = this.hashJobs.get(id);
    if (!job) return;
    this.hashJobs.delete(id);
    if (job.kind === 'metadata') return this.onMetadataHashed(digest);
    const info = this._info;
    const buffer = this.buffers.get(job.index);
    if (!info || !buffer || !this.picker) return;
    this.buffers.delete(job.index);
    if (digestMatches(info.pieces, job.index, digest)) {
      this.storing.add(job.index);
      for (const hex of buffer.contributors) {
        const key = this.byPeerId.get(hex);
        const peer = key === undefined ? undefined : this.peers.get(key);
        if (peer) peer.piecesReceived++;
      }
      this.out.push({ type: 'store', index: job.index, data: buffer.data });
      return;
    }
    // A bad piece: throw it away, fetch it again, and hold its contributors to account.
    this.picker.pieceFailed(job.index);
    for (const hex of this.bans.badPiece(buffer.contributors)) {
      const key = this.byPeerId.get(hex);
      const peer = key === undefined ? undefined : this.peers.get(key);
      if (peer) this.closePeer(peer, 'banned: sent corrupt data');
    }
    this.refill = true;
  }

  private onStored(index: number): void {
    if (!this.storing.delete(index) || !this._info || !this._have || !this.picker) return;
    if (!this._have.get(index)) {
      this.haveCount++;
      this.downloadedBytes += pieceSize(this._info, index);
    }
    const uninteresting = this.picker.pieceVerified(index); // sets the bit in `_have` (the picker shares it)
    this._have.set(index);
    for (const peer of this.peers.values()) {
      if (!peer.handshaken) continue;
      this.send(peer, { type: 'have', index });
    }
    if (this.haveCount === this._info.pieceCount) {
      this.becomeSeeder();
    } else {
      // Only peers whose last needed piece this was may lose our interest; told in connection order.
      const peers: PeerState[] = [];
      for (const key of uninteresting) {
        const peer = this.peers.get(key);
        if (peer?.amInterested) peers.push(peer);
      }
      peers.sort((a, b) => a.order - b.order);
      for (const peer of peers) this.updateInterest(peer);
    }
  }

  private onStoreFailed(index: number, reason: string): void {
    if (!this.storing.delete(index)) return;
    // The piece is not counted; what is already stored stays. We stop downloading: storage is not usable.
    this.picker?.pieceFailed(index);
    this.fail(`storage failed: ${reason}`);
  }

  private fail(reason: string): void {
    if (this.state === 'error') return;
    this.state = 'error';
    this.errorReason = reason;
    this.out.push({ type: 'error', reason });
    for (const peer of this.peers.values()) {
      if (peer.handshaken) this.updateInterest(peer);
      this.picker?.releasePeer(peer.key);
    }
  }

  private becomeSeeder(): void {
    this.state = 'seeding';
    for (const buffer of this.buffers.keys()) this.buffers.delete(buffer);
    this.out.push({ type: 'announce', event: 'completed' });
    this.out.push({ type: 'complete' });
    for (const peer of this.peers.values()) if (peer.handshaken) this.updateInterest(peer);
  }

  // --- metadata (BEP 9)

  private onExtended(peer: PeerState, id: number, payload: Uint8Array): void {
    if (!peer.extended) return this.closePeer(peer, 'extended message without the extension protocol');
    if (id === 0) return this.onExtendedHandshake(peer, payload);
    if (id !== UT_METADATA_ID) return; // an extension we did not offer: ignore
    const message = decodeMetadataMessage(payload); // throws: closes the peer
    switch (message.msgType) {
      case 'request':
        return this.serveMetadata(peer, message.piece);
      case 'data': {
        if (this._info) return; // late answer, we already have it
        const result = this.metadataFetch.data(peer.key, message.piece, message.totalSize, message.data);
        if (result.kind === 'violation') return this.closePeer(peer, result.reason);
        if (result.kind === 'complete') {
          const hashId = this.nextHashId++;
          this.hashJobs.set(hashId, { kind: 'metadata' });
          this.out.push({ type: 'hash', id: hashId, data: result.bytes });
          return;
        }
        return this.requestMetadata(peer);
      }
      case 'reject':
        if (this._info) return;
        this.metadataFetch.reject(peer.key, message.piece, this.now, METADATA_TIMEOUT_MS);
        return this.requestMetadataFromAll();
    }
  }

  private onExtendedHandshake(peer: PeerState, payload: Uint8Array): void {
    const handshake = decodeExtendedHandshake(payload);
    if (handshake.client !== undefined) peer.client = handshake.client;
    if (handshake.reqq !== undefined) peer.reqq = handshake.reqq;
    const utMetadata = handshake.m.ut_metadata;
    peer.utMetadata = utMetadata && utMetadata > 0 ? utMetadata : undefined;
    peer.metadataSize = handshake.metadataSize;
    if (this._info || peer.utMetadata === undefined || handshake.metadataSize === undefined) return;
    if (this.metadataFetch.hasPeer(peer.key)) return;
    const refusal = this.metadataFetch.addPeer(peer.key, handshake.metadataSize);
    if (refusal) return this.closePeer(peer, refusal);
    this.requestMetadata(peer);
  }

  private requestMetadata(peer: PeerState): void {
    if (this._info || peer.utMetadata === undefined) return;
    for (const piece of this.metadataFetch.nextRequests(peer.key, this.now)) {
      const payload = encodeMetadataMessage({ msgType: 'request', piece });
      this.send(peer, { type: 'extended', id: peer.utMetadata, payload });
    }
  }

  private requestMetadataFromAll(): void {
    for (const key of this.metadataFetch.candidates()) {
      const peer = this.peers.get(key);
      if (peer) this.requestMetadata(peer);
    }
  }

  private serveMetadata(peer: PeerState, piece: number): void {
    if (peer.utMetadata === undefined) return; // it never told us where to send the answer
    const bytes = this._info?.infoBytes;
    const start = piece * METADATA_PIECE_SIZE;
    const payload =
      bytes && start < bytes.length
        ? encodeMetadataMessage({
            msgType: 'data',
            piece,
            totalSize: bytes.length,
            data: bytes.subarray(start, Math.min(bytes.length, start + METADATA_PIECE_SIZE)),
          })
        : encodeMetadataMessage({ msgType: 'reject', piece });
    this.send(peer, { type: 'extended', id: peer.utMetadata, payload });
  }

  private onMetadataHashed(digest: Uint8Array): void {
    if (this._info) return;
    const bytes = this.metadataFetch.verifying ? this.metadataFetch.assembled : undefined;
    let info: TorrentInfo | undefined;
    if (bytes && bytesEqual(digest, this.infoHash)) {
      try {
        info = parseVerifiedInfo(bytes, this.infoHash);
      } catch (error) {
        // It hashes to the info hash but is not a valid info dictionary: nobody can give us a better one.
        this.fail(`invalid metadata: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    if (!info) {
      const contributors = this.metadataFetch.failed();
      if (contributors.length === 1) {
        const peer = this.peers.get(contributors[0]);
        if (peer) this.closePeer(peer, 'sent metadata that does not match the info hash');
      }
      this.requestMetadataFromAll();
      return;
    }
    this.metadataFetch.finish();
    this.setup(info, undefined);
    this.out.push({ type: 'metadata', info });
    for (const peer of [...this.peers.values()]) {
      if (!peer.handshaken || this.peers.get(peer.key) !== peer) continue;
      this.guard(peer, () => this.applyPending(peer, info));
    }
    this.refill = true;
  }

  private setup(info: TorrentInfo, have: Bitfield | undefined): void {
    if (have && have.length !== info.pieceCount) throw new RangeError('have does not match the piece count');
    this._info = info;
    this._have = have ? have.clone() : new Bitfield(info.pieceCount);
    this.haveCount = this._have.count();
    this.picker = (this.config.wishlist ?? newPicker)({
      pieceCount: info.pieceCount,
      pieceLength: info.pieceLength,
      totalLength: info.length,
      have: this._have,
      random: this.random,
      askedLimit: this.config.maxPipeline * ASKED_SLACK,
      randomFirstPieces: this.config.randomFirstPieces,
      endgameDuplicates: this.config.endgameDuplicates,
      endgameWhenIdle: true,
      blockSize: BLOCK_SIZE,
      pieceSelection: this.config.pieceSelection,
    });
    if (this.state !== 'paused' && this.state !== 'error') {
      this.state = this.haveCount === info.pieceCount ? 'seeding' : 'downloading';
    }
  }

  // --- interest, requests, choking

  private wantsFrom(peer: PeerState): boolean {
    return (
      this.state === 'downloading' && this.picker !== undefined && this.picker.isPeerInteresting(peer.key)
    );
  }

  private updateInterest(peer: PeerState): void {
    const want = this.wantsFrom(peer);
    if (want === peer.amInterested) return;
    peer.amInterested = want;
    this.send(peer, { type: want ? 'interested' : 'not-interested' });
  }

  private fill(peer: PeerState): void {
    const picker = this.picker;
    if (!picker || this.state !== 'downloading' || peer.peerChoking || !peer.amInterested) return;
    const depth = pipelineDepth(peer.down.rate(this.now), peer.reqq, {
      minDepth: this.config.minPipeline,
      maxDepth: this.config.maxPipeline,
      blockSize: BLOCK_SIZE,
      maxQueueMs: SLOW_PEER_QUEUE_MS,
    });
    const outstanding = picker.outstanding(peer.key);
    if (outstanding >= depth) return;
    const requests = picker.nextRequests(peer.key, depth - outstanding, this.now);
    if (requests.length === 0) return;
    if (!peer.waiting) {
      // The snub clock starts with the first request since it was last unchoked or sent us a block; requests that
      // time out and are asked again do not restart it.
      peer.waiting = true;
      peer.lastBlockAt = this.now;
    }
    const chunks = requests.map((request) => encodeMessage({ type: 'request', ...request }));
    this.sendRaw(peer, concatBytes(chunks));
  }

  private fillAll(): void {
    this.refill = false;
    for (const peer of this.peers.values()) if (peer.handshaken) this.fill(peer);
  }

  /** Between choke rounds the policy may choke and unchoke at once (see `chooseBetweenRounds`). A session that does
   * not transfer (paused, stopped, failed, no metadata yet) has no slots, but a peer that loses interest may still be
   * choked. */
  private chokeBetweenRounds(trigger: ChokeTrigger): void {
    const active = !(
      this.state === 'paused' ||
      this.state === 'stopped' ||
      this.state === 'error' ||
      !this._info
    );
    if (!active && trigger.kind !== 'not-interested') return;
    const handshaken = [...this.peers.values()].filter((peer) => peer.handshaken);
    const changes = this.policy.betweenRounds({
      peers: handshaken.map((peer) => this.chokerPeer(peer)),
      seeding: this.state === 'seeding',
      slots: active ? this.config.uploadSlots : 0,
      spareSlots: this.config.spareSlots,
      trigger,
    });
    for (const key of changes.choke) {
      const peer = this.peers.get(key);
      if (!peer) continue;
      this.setChoke(peer, true);
      if (this.optimistic === key) this.optimistic = undefined;
    }
    for (const key of changes.unchoke) {
      const peer = this.peers.get(key);
      if (peer) this.setChoke(peer, false);
    }
  }

  private chokerPeer(peer: PeerState): ChokerPeer {
    return new ChokerView(peer, this.now);
  }

  private setChoke(peer: PeerState, choke: boolean): void {
    if (peer.amChoking === choke) return;
    peer.amChoking = choke;
    if (choke) {
      // A choke drops the peer's queue: its requests are discarded (it re-requests after an unchoke). A fast peer
      // is told which, after the choke (BEP 6: a choke no longer rejects requests implicitly).
      this.send(peer, { type: 'choke' });
      for (const request of peer.upload.drop()) this.reject(peer, request);
      return;
    }
    peer.lastUnchokedAt = this.now;
    this.send(peer, { type: 'unchoke' });
  }

  private chokeRound(rotate: boolean): void {
    const handshaken = [...this.peers.values()].filter((peer) => peer.handshaken);
    if (this.state === 'paused' || !this._info) {
      for (const peer of handshaken) this.setChoke(peer, true);
      return;
    }
    const input: ChokerInput = {
      peers: handshaken.map((peer) => this.chokerPeer(peer)),
      seeding: this.state === 'seeding',
      slots: this.config.uploadSlots,
      optimistic: this.optimistic,
      rotateOptimistic: rotate,
      now: this.now,
      random: this.random,
      spareSlots: this.config.spareSlots,
    };
    const result = this.policy.round(input);
    this.optimistic = result.optimistic;
    for (const peer of handshaken) {
      const cap = result.uploadCaps?.get(peer.key) ?? this.policy.uploadCap;
      if (cap !== undefined && !(cap > 0)) throw new RangeError(`invalid upload cap ${cap}`);
      peer.upload.setCap(cap, this.now);
      this.setChoke(peer, !result.unchoke.has(peer.key));
    }
  }

  // --- the clock

  private onTick(): void {
    const now = this.now;
    const config = this.config;
    for (const peer of [...this.peers.values()]) {
      if (!peer.handshaken && now - peer.connectedAt >= config.handshakeTimeoutMs) {
        this.closePeer(peer, 'handshake timeout');
      } else if (now - peer.lastReceived >= config.idleTimeoutMs) {
        this.closePeer(peer, 'idle timeout');
      } else if (peer.handshaken && now - peer.lastSent >= config.keepAliveMs) {
        this.send(peer, { type: 'keep-alive' });
      }
    }
    if (this.picker) {
      // Snubbed (sticky until it sends a block) before expiry releases its requests.
      for (const peer of this.peers.values()) {
        const outstanding = this.picker.outstanding(peer.key);
        if (!peer.snubbed) peer.snubbed = isSnubbed(peer.lastBlockAt, outstanding, now, config.snubTimeoutMs);
      }
      if (this.picker.expire(now, config.requestTimeoutMs).length > 0) this.refill = true;
    } else {
      // Expired requests go to other peers; resting peers are asked again once their rest is over.
      this.metadataFetch.expire(now, METADATA_TIMEOUT_MS);
      this.requestMetadataFromAll();
    }
    if (this.lastChokeRound === undefined || now - this.lastChokeRound >= config.chokeIntervalMs) {
      const rotate =
        this.lastOptimisticRotation === undefined ||
        now - this.lastOptimisticRotation >= config.optimisticIntervalMs;
      if (rotate) this.lastOptimisticRotation = now;
      this.lastChokeRound = now;
      this.chokeRound(rotate);
    }
    for (const peer of this.peers.values()) {
      if (peer.upload.uploadCap !== undefined && peer.upload.waiting > 0) this.pumpReads(peer);
    }
    this.wantPeers();
    // Requests are topped up as blocks arrive; once a second the tick also tops up pipelines whose depth grew.
    if (this.lastRefill === undefined || now - this.lastRefill >= 1000) {
      this.lastRefill = now;
      this.refill = true;
    }
  }

  private wantPeers(): void {
    if (this.state === 'stopped' || this.state === 'paused') return;
    const missing = this.config.targetPeers - this.peers.size;
    if (missing <= 0) return;
    if (this.lastWantPeers !== undefined && this.now - this.lastWantPeers < WANT_PEERS_INTERVAL_MS) return;
    this.lastWantPeers = this.now;
    this.out.push({ type: 'want-peers', count: missing });
  }

  private onPause(): void {
    if (this.state === 'paused' || this.state === 'error') return;
    this.state = 'paused';
    for (const peer of this.peers.values()) {
      if (!peer.handshaken) continue;
      this.setChoke(peer, true);
      this.updateInterest(peer);
      this.picker?.releasePeer(peer.key);
    }
  }

  private onResume(): void {
    if (this.state !== 'paused') return;
    this.state = !this._info
      ? 'fetching-metadata'
      : this.haveCount === this._info.pieceCount
        ? 'seeding'
        : 'downloading';
    for (const peer of this.peers.values()) if (peer.handshaken) this.updateInterest(peer);
    this.lastChokeRound = undefined; // a choke round at the next tick
    this.refill = true;
  }

  private onStop(): void {
    this.out.push({ type: 'announce', event: 'stopped' });
    for (const peer of [...this.peers.values()]) this.closePeer(peer, 'stopped');
    this.state = 'stopped';
    this.buffers.clear();
    this.hashJobs.clear();
  }

  // --- connections

  private sendRaw(peer: PeerState, data: Uint8Array): void {
    peer.lastSent = this.now;
    this.out.push({ type: 'send', peer: peer.key, data });
  }

  private send(peer: PeerState, message: WireMessage): void {
    this.sendRaw(peer, encodeMessage(message));
  }

  private closePeer(peer: PeerState, reason: string): void {
    this.out.push({ type: 'close', peer: peer.key, reason });
    this.removePeer(peer);
  }

  private removePeer(peer: PeerState): void {
    if (this.peers.get(peer.key) !== peer) return;
    this.peers.delete(peer.key);
    if (peer.handshaken && this.byPeerId.get(peer.peerIdHex) === peer.key)
      this.byPeerId.delete(peer.peerIdHex);
    if (this.picker && this.picker.peerGone(peer.key).length > 0) this.refill = true;
    this.metadataFetch.peerGone(peer.key);
    if (!this._info) this.requestMetadataFromAll();
    if (this.optimistic === peer.key) this.optimistic = undefined;
    if (peer.handshaken && !peer.amChoking) this.chokeBetweenRounds({ kind: 'slot-freed' });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statistics

  stats(now: number): SessionStats {
    const info = this._info;
    const pieceCount = info?.pieceCount ?? 0;
    const availability = new Int16Array(pieceCount);
    if (info && this.picker && this._have) {
      for (let i = 0; i < pieceCount; i++) {
        availability[i] = this._have.get(i) ? -1 : Math.min(32767, this.picker.availability(i));
      }
    }
    const peerStats: PeerStats[] = [];
    let seeds = 0;
    for (const peer of this.peers.values()) {
      if (!peer.handshaken) continue;
      const pieces = this.picker ? this.picker.peerPieces(peer.key) : 0;
      if (pieceCount > 0 && pieces === pieceCount) seeds++;
      peerStats.push({
        peer: peer.key,
        peerId: peer.peerIdHex,
        client: peer.client,
        progress: pieceCount > 0 ? pieces / pieceCount : 0,
        downloadRate: peer.down.rate(now),
        uploadRate: peer.up.rate(now),
        downloaded: peer.downloaded,
        uploaded: peer.uploaded,
        amChoking: peer.amChoking,
        amInterested: peer.amInterested,
        peerChoking: peer.peerChoking,
        peerInterested: peer.peerInterested,
        snubbed: peer.snubbed,
        piecesReceived: peer.piecesReceived,
        requestsInFlight: this.picker ? this.picker.outstanding(peer.key) : 0,
      });
    }
    const length = info?.length ?? 0;
    const left = info ? length - this.bytesHave(info) : 0;
    const downloadRate = this.downMeter.rate(now);
    return {
      state: this.state,
      infoHashHex: toHex(this.infoHash),
      name: info?.name,
      pieceCount,
      have: this.haveCount,
      left,
      length,
      downloaded: this.downloadedBytes,
      uploaded: this.uploadedBytes,
      downloadRate,
      uploadRate: this.upMeter.rate(now),
      ratio: this.downloadedBytes > 0 ? this.uploadedBytes / this.downloadedBytes : 0,
      peers: peerStats.length,
      seeds,
      timeLeft:
        info && left > 0 && downloadRate > 0 ? left / downloadRate : info && left === 0 ? 0 : undefined,
      availability,
      peerStats,
      error: this.errorReason,
    };
  }

  private bytesHave(info: TorrentInfo): number {
    if (!this._have) return 0;
    const last = info.pieceCount - 1;
    if (last < 0) return 0;
    const lastHad = this._have.get(last);
    return (this.haveCount - (lastHad ? 1 : 0)) * info.pieceLength + (lastHad ? pieceSize(info, last) : 0);
  }
}

/** A peer as the choker sees it. Its 20-second rates are measured only when the policy reads them, once each: between
 * rounds most peers' rates are never read. */
class ChokerView implements ChokerPeer {
  readonly peer: string;
  readonly interested: boolean;
  readonly snubbed: boolean;
  readonly connectedAt: number;
  readonly unchoked: boolean;
  readonly lastUnchokedAt: number | undefined;
  readonly amInterested: boolean;
  private down: number | undefined;
  private up: number | undefined;

  constructor(
    private readonly state: PeerState,
    private readonly now: number,
  ) {
    this.peer = state.key;
    this.interested = state.peerInterested;
    this.snubbed = state.snubbed;
    this.connectedAt = state.connectedAt;
    this.unchoked = !state.amChoking;
    this.lastUnchokedAt = state.lastUnchokedAt;
    this.amInterested = state.amInterested;
  }

  get downloadRate(): number {
    return (this.down ??= this.state.downSlow.rate(this.now));
  }

  get uploadRate(): number {
    return (this.up ??= this.state.upSlow.rate(this.now));
  }
}
