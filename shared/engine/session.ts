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
import type { Bitfield } from '../bitfield';
import {
  decodeExtendedHandshake,
  decodeMetadataMessage,
  encodeMetadataMessage,
  METADATA_PIECE_SIZE,
} from '../extension';
import { toHex } from '../hex';
import type { TorrentInfo } from '../metainfo';
import { parseVerifiedInfo } from '../metainfo';
import type { WireMessage } from '../wire';
import { encodeMessage } from '../wire';
import type { ChokePolicy, ChokeTrigger, ChokerInput, ChokerPeer } from './choker';
import { Downloader } from './downloader';
import { ForwardingLedger } from './forwarding';
import { MetadataFetch } from './metadata';
import { MAX_PENDING_HAVES, PeerState } from './peer';
import { DEFAULT_CHOKE_POLICY } from './policies';
import {
  acceptHandshake,
  connectionDue,
  needsFast,
  ourExtendedHandshake,
  ourHandshake,
  ourPieces,
  refuseHandshake,
  UT_METADATA_ID,
  type WireIdentity,
} from './peer-wire';
import type { BlockRequest } from './block-geometry';
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
import { chooseSpread } from './spread';
import { dropRequests, UploadQueue, Uploader } from './uploader';
import { BanList, bytesEqual } from './verify';
import type { VerifiedPieces } from './verified-pieces';

export { MAX_REQUEST_LENGTH } from './uploader';
export { UT_METADATA_ID } from './peer-wire';

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

/** Metadata requests that get no answer in this time go to another peer. */
const METADATA_TIMEOUT_MS = 20_000;
/** Times one peer is sent the same metadata piece; past it, its requests for that piece are rejected. */
export const MAX_METADATA_SERVES = 2;
/** Identities kept per connection (an address and a fingerprint are what adapters give). */
const MAX_IDENTITIES = 4;
/** At most one `want-peers` per this interval. */
const WANT_PEERS_INTERVAL_MS = 5_000;

type HashJob = { kind: 'piece'; index: number } | { kind: 'metadata' };

export class TorrentSession implements Session {
  readonly config: EngineConfig;
  private readonly policy: ChokePolicy;
  private readonly infoHash: Uint8Array;
  private readonly peerId: Uint8Array;
  private readonly random: () => number;
  /** The download and serving rooms, from the moment the info is known. */
  private downloader: Downloader | undefined;
  private uploader: Uploader | undefined;
  private readonly metadataFetch = new MetadataFetch();

  private state: SessionState;
  private errorReason: string | undefined;
  private announcedStart = false;
  private readonly peers = new Map<PeerKey, PeerState>();
  /** Which of our pieces each peer passed on (forwarding.ts); an account per connected peer. */
  private readonly forwarding = new ForwardingLedger();
  /** Handshaken peers by peer id (hex), to refuse duplicate connections. */
  private readonly byPeerId = new Map<string, PeerKey>();
  private readonly bans = new BanList();

  private readonly hashJobs = new Map<number, HashJob>();
  private nextHashId = 1;
  /** Connection order given to the next peer. */
  private peerOrder = 0;

  private lastChokeRound: number | undefined;
  private lastOptimisticRotation: number | undefined;
  private optimistic: PeerKey | undefined;
  /** Start-up spread slots need choosing again (spread.ts). */
  private spreadDirty = false;
  private lastWantPeers: number | undefined;
  private lastRefill: number | undefined;

  private readonly downMeter = new RateMeter();

  /** Per handle() call: the actions so far and the clock. */
  private out: EngineAction[] = [];
  private now: number;

  constructor(options: SessionOptions) {
    if (!(options.infoHash instanceof Uint8Array) || options.infoHash.length !== 20) {
      throw new RangeError('infoHash must be 20 bytes');
    }
    if (!(options.peerId instanceof Uint8Array) || options.peerId.length !== 20) {
      throw new RangeError('peerId must be 20 bytes');
    }
    this.config = { ...DEFAULT_CONFIG, ...options.config };
    this.policy = this.config.chokePolicy ?? DEFAULT_CHOKE_POLICY;
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
    return this.downloader?.info;
  }

  get have(): Bitfield | undefined {
    return this.downloader?.have;
  }

  get verified(): VerifiedPieces | undefined {
    return this.downloader?.verified;
  }

  totals(): { downloaded: number; uploaded: number } {
    return { downloaded: this.downloader?.downloadedBytes ?? 0, uploaded: this.uploader?.uploadedBytes ?? 0 };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Events

  handle(event: EngineEvent, now: number): EngineAction[] {
    this.now = now;
    this.out = [];
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
        this.onConnected(event.peer, event.identities ?? []);
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
      case 'peer-backlog': {
        const peer = this.peers.get(event.peer);
        if (!peer) break;
        if (this.uploader) this.uploader.onBacklog(peer, event.backlogged, now);
        else peer.backlogged = event.backlogged;
        break;
      }
      case 'upload-queue':
        this.spreadDirty ||= this.uploader?.pacer.paced(now) !== true;
        this.uploader?.onUploadQueue(event.bytes, now);
        break;
      case 'file-priorities':
        this.downloader?.setFilePriorities(event.priorities);
        this.followWanted();
        break;
      case 'piece-deadlines':
        this.downloader?.setDeadlines(event.deadlines, event.replace ?? false);
        break;
      case 'hashed':
        this.onHashed(event.id, event.digest);
        break;
      case 'stored':
        if (this.downloader?.stored(event.index)) {
          if (this.downloader.verified.complete) this.becomeSeeder();
          else this.followWanted();
        }
        break;
      case 'store-failed':
        // The piece is not counted; what is already stored stays. We stop downloading: storage is not usable.
        if (this.downloader?.storeFailed(event.index)) this.fail(`storage failed: ${event.reason}`);
        break;
      case 'read-done': {
        const peer = this.peers.get(event.peer);
        const uploader = this.uploader;
        if (peer && uploader)
          this.guard(peer, () => {
            const before = peer.uploaded;
            uploader.onReadDone(peer, event.index, event.begin, event.data, now);
            this.spreadDirty ||= peer.spread;
            if (peer.uploaded > before && this.downloader)
              this.forwarding.sent(peer.key, event.index, this.downloader.availability(event.index));
            this.chokeIfOverdrawn(peer);
          });
        break;
      }
      case 'read-failed': {
        const peer = this.peers.get(event.peer);
        if (peer) this.uploader?.onReadFailed(peer, event.index, event.begin, now);
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
    if (this.spreadDirty) this.updateSpread();
    this.downloader?.flush(now);
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

  // --- the wire

  private onConnected(key: PeerKey, identities: readonly string[]): void {
    if (this.peers.has(key)) {
      // A reused key is an adapter bug; keep the existing connection.
      return;
    }
    if (this.peers.size >= this.config.maxPeers) {
      this.out.push({ type: 'close', peer: key, reason: 'too many peers' });
      return;
    }
    if (this.bans.isBanned(...identities)) {
      this.out.push({ type: 'close', peer: key, reason: 'banned peer' });
      return;
    }
    // Paused sessions still connect, they just do not transfer.
    const peer = new PeerState(
      key,
      this.peerOrder++,
      this.now,
      new UploadQueue(this.policy.uploadCap, this.now),
    );
    peer.identities = identities.slice(0, MAX_IDENTITIES);
    this.peers.set(key, peer);
    this.sendRaw(peer, ourHandshake(this.identity));
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
    const hex = toHex(handshake.peerId);
    const refusal = refuseHandshake(handshake, this.identity, this.knownPeers, hex);
    if (refusal) return this.closePeer(peer, refusal);
    acceptHandshake(peer, handshake, hex);
    this.byPeerId.set(hex, peer.key);
    if (peer.extended) {
      this.send(peer, ourExtendedHandshake(this.info?.infoBytes.length, this.config.clientName));
    }
    const pieces = ourPieces(peer, this.downloader?.have, this.downloader?.verified.count ?? 0);
    if (pieces) this.send(peer, pieces);
  }

  private get identity(): WireIdentity {
    return { infoHash: this.infoHash, peerId: this.peerId };
  }

  private readonly sender = { send: (peer: PeerState, message: WireMessage) => this.send(peer, message) };

  private readonly knownPeers = {
    banned: (hex: string) => this.bans.isBanned(hex),
    connected: (hex: string) => this.byPeerId.has(hex),
  };

  /** Hands each message to its room: the downloader, the uploader, the choker or the metadata exchange. */
  private onMessage(peer: PeerState, message: WireMessage): void {
    if (needsFast(message) && !peer.fast) {
      return this.closePeer(peer, `${message.type} without the fast extension`);
    }
    const downloader = this.downloader;
    switch (message.type) {
      case 'keep-alive':
      case 'port':
      case 'have-none': // it has nothing (the default)
      case 'suggest-piece': // hints we do not use
      case 'allowed-fast':
        return;
      case 'choke':
        if (peer.peerChoking) return;
        peer.peerChoking = true;
        peer.waiting = false;
        downloader?.onChoke(peer);
        return;
      case 'unchoke':
        if (!peer.peerChoking) return;
        peer.peerChoking = false;
        downloader?.onUnchoke(peer, this.now);
        return;
      case 'interested':
        peer.peerInterested = true;
        this.spreadDirty = true;
        this.chokeBetweenRounds({ kind: 'interested', peer: peer.key });
        return;
      case 'not-interested':
        peer.peerInterested = false;
        this.spreadDirty ||= peer.spread;
        this.chokeBetweenRounds({ kind: 'not-interested', peer: peer.key });
        return;
      case 'have':
        this.spreadDirty ||= peer.spread;
        if (downloader) {
          downloader.onHave(peer, message.index, this.now);
          if (this.peers.get(peer.key) === peer) this.forwarding.have(peer.key, message.index);
          return;
        }
        if (peer.pending.haves.size >= MAX_PENDING_HAVES)
          return this.closePeer(peer, 'too many have messages');
        peer.pending.haves.add(message.index);
        return;
      case 'bitfield':
        this.spreadDirty ||= peer.spread;
        if (downloader) return downloader.onBitfield(peer, message.bytes, this.now);
        if (message.bytes.length > MAX_PENDING_HAVES / 8) return this.closePeer(peer, 'bitfield too large');
        peer.pending.bitfield = message.bytes.slice();
        return;
      case 'have-all':
        this.spreadDirty ||= peer.spread;
        if (downloader) return downloader.onHaveAll(peer, this.now);
        peer.pending.all = true;
        return;
      case 'reject-request':
        return downloader?.onReject(peer, message, this.now);
      case 'request':
        if (!this.uploader) return this.closePeer(peer, 'request before we have the metadata');
        return this.uploader.onRequest(peer, message, this.now);
      case 'cancel':
        return this.uploader?.onCancel(peer, message, this.now);
      case 'piece':
        return this.onPiece(peer, message.index, message.begin, message.block);
      case 'extended':
        return this.onExtended(peer, message.id, message.payload);
    }
  }

  private onPiece(peer: PeerState, index: number, begin: number, block: Uint8Array): void {
    if (!this.downloader?.onBlock(peer, index, begin, block, this.now))
      return this.closePeer(peer, 'a block nobody asked for');
    this.downMeter.add(block.length, this.now);
  }

  private onHashed(id: number, digest: Uint8Array): void {
    const job = this.hashJobs.get(id);
    if (!job) return;
    this.hashJobs.delete(id);
    if (job.kind === 'metadata') return this.onMetadataHashed(digest);
    this.downloader?.pieceHashed(job.index, digest);
  }

  private hash(job: HashJob, data: Uint8Array): void {
    const id = this.nextHashId++;
    this.hashJobs.set(id, job);
    this.out.push({ type: 'hash', id, data });
  }

  private fail(reason: string): void {
    if (this.state === 'error') return;
    this.state = 'error';
    this.errorReason = reason;
    this.out.push({ type: 'error', reason });
    const downloader = this.downloader;
    if (!downloader) return;
    for (const peer of this.peers.values()) {
      if (peer.handshaken) downloader.updateInterest(peer);
      downloader.releasePeer(peer);
    }
  }

  /** Every wanted piece here (some files skipped): seeding what we have; a file chosen again: downloading again. */
  private followWanted(): void {
    const downloader = this.downloader;
    if (!downloader || downloader.verified.complete) return;
    const next = this.activeState(downloader);
    if ((this.state !== 'downloading' && this.state !== 'seeding') || next === this.state) return;
    this.state = next;
    if (next === 'seeding') downloader.dropBuffers();
    else downloader.refillSoon();
    this.updateInterestAll();
  }

  /** Seeding once every wanted piece is here (every piece, unless files were skipped), else downloading. */
  private activeState(downloader: Downloader): 'seeding' | 'downloading' {
    return downloader.verified.complete || downloader.wantedComplete ? 'seeding' : 'downloading';
  }

  private becomeSeeder(): void {
    this.state = 'seeding';
    this.downloader?.dropBuffers();
    this.out.push({ type: 'announce', event: 'completed' });
    this.out.push({ type: 'complete' });
    this.updateInterestAll();
  }

  private updateInterestAll(): void {
    const downloader = this.downloader;
    if (!downloader) return;
    for (const peer of this.peers.values()) if (peer.handshaken) downloader.updateInterest(peer);
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
        if (this.info) return; // late answer, we already have it
        const result = this.metadataFetch.data(
          peer.key,
          message.piece,
          message.totalSize,
          message.data,
          this.now,
        );
        if (result.kind === 'violation') return this.closePeer(peer, result.reason);
        if (result.kind === 'complete') {
          this.hash({ kind: 'metadata' }, result.bytes);
          return;
        }
        return this.requestMetadata(peer);
      }
      case 'reject':
        if (this.info) return;
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
    if (this.info || peer.utMetadata === undefined || handshake.metadataSize === undefined) return;
    if (this.metadataFetch.hasPeer(peer.key)) return;
    const refusal = this.metadataFetch.addPeer(peer.key, handshake.metadataSize);
    if (refusal) return this.closePeer(peer, refusal);
    this.requestMetadata(peer);
  }

  private requestMetadata(peer: PeerState): void {
    if (this.info || peer.utMetadata === undefined) return;
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
    if (peer.utMetadata === undefined) return; // no extended handshake yet: it never said where answers go
    const bytes = this.info?.infoBytes;
    const start = piece * METADATA_PIECE_SIZE;
    // Each piece at most twice per peer (once, and once more after a loss): a peer asking in a loop gets rejects.
    const served = bytes && start < bytes.length ? (peer.metadataServed ??= new Map()) : undefined;
    const times = served?.get(piece) ?? 0;
    if (served && times < MAX_METADATA_SERVES) served.set(piece, times + 1);
    const payload =
      bytes && served && times < MAX_METADATA_SERVES
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
    if (this.info) return;
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
    const downloader = this.setup(info, undefined);
    this.out.push({ type: 'metadata', info });
    for (const peer of [...this.peers.values()]) {
      if (!peer.handshaken || this.peers.get(peer.key) !== peer) continue;
      this.guard(peer, () => downloader.applyPending(peer, this.now));
    }
    downloader.refillSoon();
  }

  private setup(info: TorrentInfo, have: Bitfield | VerifiedPieces | undefined): Downloader {
    const downloader = new Downloader(info, have, this.config, this.random, this.bans, {
      peer: (key) => this.peers.get(key),
      peerById: (hex) => {
        const key = this.byPeerId.get(hex);
        return key === undefined ? undefined : this.peers.get(key);
      },
      peers: () => this.peers.values(),
      send: (peer, message) => this.send(peer, message),
      sendRaw: (peer, data) => this.sendRaw(peer, data),
      close: (peer, reason) => this.closePeer(peer, reason),
      hash: (index, data) => this.hash({ kind: 'piece', index }, data),
      store: (index, data) => this.out.push({ type: 'store', index, data }),
      downloading: () => this.state === 'downloading',
    });
    this.downloader = downloader;
    this.uploader = new Uploader(info, downloader.have, {
      send: (peer, message) => this.send(peer, message),
      close: (peer, reason) => this.closePeer(peer, reason),
      peers: () => this.peers.values(),
      copies: (index) => downloader.availability(index),
      peerPieces: (peer) => downloader.peerPieces(peer.key),
      read: (peer, request: BlockRequest) => this.out.push({ type: 'read', peer: peer.key, ...request }),
      serving: () => this.state !== 'paused',
    });
    if (this.state !== 'paused' && this.state !== 'error') {
      this.state = this.activeState(downloader);
    }
    return downloader;
  }

  // --- choking

  /** Between choke rounds the policy may choke and unchoke at once (see `chooseBetweenRounds`). A session that does
   * not transfer (paused, stopped, failed, no metadata yet) has no slots, but a peer that loses interest may still be
   * choked. */
  private chokeBetweenRounds(trigger: ChokeTrigger): void {
    if (trigger.kind !== 'slot-freed' && this.peers.get(trigger.peer)?.spread) return;
    const active = !(
      this.state === 'paused' ||
      this.state === 'stopped' ||
      this.state === 'error' ||
      !this.info
    );
    if (!active && trigger.kind !== 'not-interested') return;
    const handshaken = [...this.peers.values()].filter((peer) => peer.handshaken);
    const changes = this.policy.betweenRounds({
      peers: handshaken.map((peer) => this.chokerPeer(peer)),
      seeding: this.state === 'seeding',
      slots: active ? this.config.uploadSlots : 0,
      spareSlots: this.config.spareSlots,
      trigger,
      pieceLength: this.info?.pieceLength,
    });
    for (const key of changes.choke) {
      const peer = this.peers.get(key);
      if (!peer) continue;
      this.setChoke(peer, true);
      if (this.optimistic === key) this.optimistic = undefined;
    }
    for (const key of changes.unchoke) {
      const peer = this.peers.get(key);
      if (!peer) continue;
      // In an upload split, a peer unchoked between rounds gets the least weight until the next round.
      peer.upload.share = leastShare(handshaken);
      this.setChoke(peer, false);
    }
  }

  /** Leeching, after a block sent: a peer that went over the policy's credit is the policy's to choke, between rounds
   * (`overdrawn`, credit.ts). */
  private chokeIfOverdrawn(peer: PeerState): void {
    const overdrawn = this.policy.overdrawn;
    const active = this.state === 'downloading' || this.state === 'seeding';
    if (!overdrawn || peer.amChoking || peer.spread || !active || this.peers.get(peer.key) !== peer) return;
    if (overdrawn(this.chokerPeer(peer), this.info?.pieceLength, this.state === 'seeding'))
      this.chokeBetweenRounds({ kind: 'overdrawn', peer: peer.key });
  }

  private chokerPeer(peer: PeerState): ChokerPeer {
    return new ChokerView(peer, this.now, this.forwarding);
  }

  /** Start-up spreading (spread.ts), while our upload is paced: peers with no piece get spread slots, which the choke
   * policy does not see (to it they are choked and not interested). */
  private updateSpread(): void {
    this.spreadDirty = false;
    const downloader = this.downloader;
    const info = this.info;
    const active =
      (this.state === 'downloading' || this.state === 'seeding') &&
      this.uploader?.pacer.paced(this.now) === true;
    const handshaken = [...this.peers.values()].filter((peer) => peer.handshaken);
    const chosen =
      active && downloader && info
        ? chooseSpread(
            handshaken.map((peer) => ({
              peer: peer.key,
              interested: peer.peerInterested,
              pieces: downloader.peerPieces(peer.key),
              received: peer.uploaded,
              spread: peer.spread,
              unchoked: !peer.amChoking && !peer.spread,
            })),
            info.pieceLength,
            this.random,
          )
        : new Set<string>();
    for (const peer of handshaken) {
      const spread = chosen.has(peer.key);
      if (spread === peer.spread) continue;
      peer.spread = spread;
      // A slot given back: the peer is choked, and the choke policy sees it again.
      this.setChoke(peer, !spread);
    }
  }

  private setChoke(peer: PeerState, choke: boolean): void {
    if (peer.amChoking === choke) return;
    peer.amChoking = choke;
    if (choke) {
      this.send(peer, { type: 'choke' });
      dropRequests(peer, this.sender);
      return;
    }
    peer.lastUnchokedAt = this.now;
    this.send(peer, { type: 'unchoke' });
  }

  private chokeRound(rotate: boolean): void {
    const handshaken = [...this.peers.values()].filter((peer) => peer.handshaken);
    if (this.state === 'paused' || !this.downloader) {
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
      pieceLength: this.info?.pieceLength,
    };
    const result = this.policy.round(input);
    this.optimistic = result.optimistic;
    for (const peer of handshaken) {
      if (peer.spread) continue; // its spread slot is not the policy's
      const share = result.uploadShares?.get(peer.key);
      if (share !== undefined && !(share > 0)) throw new RangeError(`invalid upload share ${share}`);
      peer.upload.share = share;
      // A peer in the upload split keeps its cap: the uploader moves it with the split (splitUpload).
      if (share === undefined) {
        const cap = result.uploadCaps?.get(peer.key) ?? this.policy.uploadCap;
        if (cap !== undefined && !(cap > 0)) throw new RangeError(`invalid upload cap ${cap}`);
        peer.upload.setCap(cap, this.now);
      }
      this.setChoke(peer, !result.unchoke.has(peer.key));
    }
  }

  // --- the clock

  private onTick(): void {
    const now = this.now;
    const config = this.config;
    for (const peer of [...this.peers.values()]) {
      const due = connectionDue(peer, now, config);
      if (due === 'keep-alive') this.send(peer, { type: 'keep-alive' });
      else if (due) this.closePeer(peer, due.close);
    }
    if (this.downloader) {
      this.downloader.tick(now);
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
    this.uploader?.tick(this.peers.values(), now);
    this.spreadDirty = true;
    this.wantPeers();
    // Requests are topped up as blocks arrive; once a second the tick also tops up pipelines whose depth grew.
    if (this.lastRefill === undefined || now - this.lastRefill >= 1000) {
      this.lastRefill = now;
      this.downloader?.refillSoon();
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
      this.downloader?.updateInterest(peer);
      this.downloader?.releasePeer(peer);
    }
  }

  private onResume(): void {
    if (this.state !== 'paused') return;
    this.state = !this.downloader ? 'fetching-metadata' : this.activeState(this.downloader);
    this.updateInterestAll();
    this.lastChokeRound = undefined; // a choke round at the next tick
    this.downloader?.refillSoon();
  }

  private onStop(): void {
    this.out.push({ type: 'announce', event: 'stopped' });
    for (const peer of [...this.peers.values()]) this.closePeer(peer, 'stopped');
    this.state = 'stopped';
    this.downloader?.dropBuffers();
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
    this.forwarding.forget(peer.key);
    if (peer.handshaken && this.byPeerId.get(peer.peerIdHex) === peer.key)
      this.byPeerId.delete(peer.peerIdHex);
    this.downloader?.peerGone(peer);
    this.metadataFetch.peerGone(peer.key);
    if (!this.downloader) this.requestMetadataFromAll();
    if (this.optimistic === peer.key) this.optimistic = undefined;
    if (peer.handshaken && !peer.amChoking) this.chokeBetweenRounds({ kind: 'slot-freed' });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statistics

  stats(now: number): SessionStats {
    const downloader = this.downloader;
    const info = downloader?.info;
    const pieceCount = info?.pieceCount ?? 0;
    const availability = new Int16Array(pieceCount);
    if (downloader) {
      for (let i = 0; i < pieceCount; i++) {
        availability[i] = downloader.have.get(i) ? -1 : Math.min(32767, downloader.availability(i));
      }
    }
    const peerStats: PeerStats[] = [];
    let seeds = 0;
    for (const peer of this.peers.values()) {
      if (!peer.handshaken) continue;
      const pieces = downloader ? downloader.peerPieces(peer.key) : 0;
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
        requestsInFlight: downloader ? downloader.outstanding(peer.key) : 0,
      });
    }
    const length = info?.length ?? 0;
    const left = downloader ? length - downloader.verified.bytes() : 0;
    const downloadRate = this.downMeter.rate(now);
    const downloaded = downloader?.downloadedBytes ?? 0;
    const uploaded = this.uploader?.uploadedBytes ?? 0;
    return {
      state: this.state,
      infoHashHex: toHex(this.infoHash),
      name: info?.name,
      pieceCount,
      have: downloader?.verified.count ?? 0,
      left,
      length,
      downloaded,
      uploaded,
      downloadRate,
      uploadRate: this.uploader ? this.uploader.meter.rate(now) : 0,
      ratio: downloaded > 0 ? uploaded / downloaded : 0,
      peers: peerStats.length,
      seeds,
      timeLeft:
        info && left > 0 && downloadRate > 0 ? left / downloadRate : info && left === 0 ? 0 : undefined,
      availability,
      peerStats,
      error: this.errorReason,
    };
  }
}

/** The least weight among the unchoked peers in an upload split (undefined: there is no split). */
function leastShare(peers: readonly PeerState[]): number | undefined {
  let least: number | undefined;
  for (const peer of peers) {
    const share = peer.upload.share;
    if (share !== undefined && !peer.amChoking && (least === undefined || share < least)) least = share;
  }
  return least;
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
  readonly uploaded: number;
  readonly downloaded: number;
  readonly forwardPending: number;
  readonly forwarded: number;
  private down: number | undefined;
  private up: number | undefined;

  constructor(
    private readonly state: PeerState,
    private readonly now: number,
    forwarding: ForwardingLedger,
  ) {
    this.peer = state.key;
    this.forwardPending = forwarding.pending(state.key);
    this.forwarded = forwarding.forwarded(state.key);
    // A peer in a spread slot is not the choke policy's: to it, choked and not interested.
    this.interested = state.peerInterested && !state.spread;
    this.snubbed = state.snubbed;
    this.connectedAt = state.connectedAt;
    this.unchoked = !state.amChoking && !state.spread;
    this.lastUnchokedAt = state.lastUnchokedAt;
    this.amInterested = state.amInterested;
    this.uploaded = state.uploaded;
    this.downloaded = state.downloaded;
  }

  get downloadRate(): number {
    return (this.down ??= this.state.downSlow.rate(this.now));
  }

  get uploadRate(): number {
    return (this.up ??= this.state.upSlow.rate(this.now));
  }
}
