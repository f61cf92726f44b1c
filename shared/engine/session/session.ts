// One torrent's swarm session as a sans-I/O state machine: events in, actions out, the clock passed in (see types.ts
// for how to drive it: every event and action).
import type { Bitfield } from '../../codec/bitfield';
import type { TorrentInfo } from '../../codec/metainfo';
import type { ChokePolicy } from '../choke/choker';
import { ChokeRounds } from '../upload/choke-rounds';
import { DEFAULT_CONFIG } from '../contract/config';
import { Connections } from '../peer/connections';
import { Downloader } from '../download/downloader';
import { ForwardingLedger } from '../choke/forwarding';
import { HashExchange } from '../v2/hash-exchange';
import { HashJobs, type HashJob } from './hash-jobs';
import { MetadataExchange } from '../metadata/metadata-exchange';
import type { PeerState } from '../peer/peer';
import type { PieceLayers } from '../v2/piece-layers';
import { DEFAULT_CHOKE_POLICY } from '../choke/policies';
import { routeMessage, type MessageRooms } from './peer-messages';
import { ourExtendedHandshake, ourPieces } from '../peer/peer-wire';
import type { BlockRequest } from '../picker/block-geometry';
import { LEAVES_AHEAD } from '../v2/block-checks';
import { RateMeter } from '../peer/rate';
import type {
  EngineAction,
  EngineConfig,
  EngineEvent,
  PeerKey,
  Session,
  SessionOptions,
  SessionState,
  SessionStats,
} from '../contract/engine-types';
import { peerBacklog, Uploader } from '../upload/uploader';
import { sessionStatsOf } from './peer-stats';
import { isTreeOnly } from '../../codec/v2-pieces';
import { V2Join, checkInfo } from '../v2/v2-join';
import { BanList } from '../verify/verify';
import type { VerifiedPieces } from '../verify/verified-pieces';

export { MAX_REQUEST_LENGTH } from '../upload/uploader';
export { UT_METADATA_ID } from '../peer/peer-wire';
export { DEFAULT_CONFIG } from '../contract/config';

export class TorrentSession implements Session {
  readonly config: EngineConfig;
  private readonly policy: ChokePolicy;
  private readonly infoHash: Uint8Array;
  private readonly peerId: Uint8Array;
  private readonly random: () => number;
  /** The download and serving rooms, from the moment the info is known. */
  private downloader: Downloader | undefined;
  private uploader: Uploader | undefined;
  private readonly metadata: MetadataExchange;
  /** BEP 52 hash messages, when the session speaks v2 (options.v2). */
  private readonly hashes: HashExchange | undefined;
  /** The info hashes peers may name, and a btmh-only magnet's metadata check (v2-join.ts). */
  private readonly join: V2Join;
  private readonly chokes: ChokeRounds;
  /** Where each peer message goes (peer-messages.ts). */
  private readonly rooms: MessageRooms;

  private state: SessionState;
  private errorReason: string | undefined;
  private announcedStart = false;
  private readonly connections: Connections;
  /** Which of our pieces each peer passed on (forwarding.ts); an account per connected peer. */
  private readonly forwarding = new ForwardingLedger();
  private readonly bans = new BanList();

  private readonly hashJobs = new HashJobs();

  private lastRefill: number | undefined;

  private readonly downMeter = new RateMeter();

  /** Per handle() call: the actions so far and the clock. */
  private out: EngineAction[] = [];
  private now: number;

  constructor(options: SessionOptions) {
    if (!(options.infoHash instanceof Uint8Array) || options.infoHash.length !== 20)
      throw new RangeError('infoHash must be 20 bytes');
    if (!(options.peerId instanceof Uint8Array) || options.peerId.length !== 20)
      throw new RangeError('peerId must be 20 bytes');
    this.config = { ...DEFAULT_CONFIG, ...options.config };
    this.policy = this.config.chokePolicy ?? DEFAULT_CHOKE_POLICY;
    const cap = this.policy.uploadCap;
    if (cap !== undefined && !(cap > 0)) throw new RangeError(`invalid upload cap ${cap}`);
    this.infoHash = options.infoHash;
    this.peerId = options.peerId;
    this.random = options.random;
    this.now = options.now;
    this.state = 'fetching-metadata';
    // A btmh-only magnet link speaks v2 from its first handshake, its view coming with the metadata.
    const v2 = options.v2 ?? (options.infoHashV2 ? {} : undefined);
    this.join = new V2Join(this.infoHash, options.infoHashV2, v2);
    this.connections = new Connections(
      this.join.identity(this.peerId),
      this.config,
      this.policy.uploadCap,
      this.bans,
      {
        now: () => this.now,
        act: (action) => this.out.push(action),
        handshaken: (peer) => this.onHandshake(peer),
        message: (peer, message) => routeMessage(this.rooms, peer, message, this.now),
        gone: (peer) => this.onGone(peer),
      },
    );
    this.metadata = new MetadataExchange(
      this.infoHash,
      {
        peer: (key) => this.peers.get(key),
        send: (peer, message) => this.connections.send(peer, message),
        close: (peer, reason) => this.connections.close(peer, reason),
        hash: (bytes) =>
          this.join.byV2Magnet
            ? this.onMetadataHashed(this.join.digest(bytes))
            : this.hash({ kind: 'metadata' }, bytes),
        info: () => this.info,
        fail: (reason) => this.fail(reason),
      },
      this.join.metadataCheck(),
    );
    const peerPieces = (key: PeerKey) => this.downloader?.peerPieces(key) ?? 0;
    this.chokes = new ChokeRounds(this.config, this.policy, this.forwarding, this.random, {
      peers: () => this.peers.values(),
      peer: (key) => this.peers.get(key),
      send: (peer, message) => this.connections.send(peer, message),
      state: () => this.state,
      pieceLength: () => this.info?.pieceLength,
      paced: (now) => this.uploader?.pacer.paced(now) === true,
      peerPieces,
    });
    this.hashes =
      v2 &&
      new HashExchange(v2, this.connections, peerPieces, {
        check: (index, data) => this.hashPiece(index, data),
        drop: (index) => this.downloader?.dropPiece(index),
        layersKnown: () => this.out.push({ type: 'layers-known' }),
        now: () => this.now,
        have: (index) => this.downloader?.have.get(index) ?? false,
        read: (peer, index, begin, length) =>
          this.out.push({ type: 'read', peer: peer.key, index, begin, length }),
        hashBlocks: (peer, index, data) => this.hash({ kind: 'leaves', peer, index }, data),
        verdict: (index, bad) => this.downloader?.blocksJudged(index, bad),
      });
    this.rooms = {
      downloader: () => this.downloader,
      uploader: () => this.uploader,
      hashes: () => this.hashes,
      chokes: this.chokes,
      metadata: this.metadata,
      forwarding: this.forwarding,
      connected: (peer) => this.peers.get(peer.key) === peer,
      close: (peer, reason) => this.connections.close(peer, reason),
      piece: (peer, index, begin, block) => this.onPiece(peer, index, begin, block),
    };
    if (options.info) {
      checkInfo(options.info, options.infoHash, v2 !== undefined);
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

  /** The v2 piece layers (undefined unless the session speaks v2). */
  get pieceLayers(): PieceLayers | undefined {
    return this.hashes?.layers;
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
        this.connections.connect(event.peer, event.identities ?? []);
        break;
      case 'peer-data':
        this.connections.data(event.peer, event.data);
        break;
      case 'peer-closed':
        this.connections.closed(event.peer);
        break;
      case 'peer-backlog':
        peerBacklog(this.peers.get(event.peer), event.backlogged, this.uploader, now);
        break;
      case 'upload-queue':
        this.chokes.spreadChanged(this.uploader?.pacer.paced(now) !== true);
        this.uploader?.onUploadQueue(event.bytes, now);
        break;
      case 'file-priorities':
      case 'early-pieces':
        this.downloader?.setPriorities(event);
        this.followWanted();
        break;
      case 'piece-deadlines':
      case 'playhead':
      case 'playback-stopped':
        this.downloader?.streaming.handle(event, now);
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
        if (this.hashes?.blocks?.readDone(event.peer, event.index, event.begin, event.data)) break;
        const peer = this.peers.get(event.peer);
        const uploader = this.uploader;
        if (peer && uploader)
          this.connections.guard(peer, () => {
            const before = peer.uploaded;
            uploader.onReadDone(peer, event.index, event.begin, event.data, now);
            this.chokes.spreadChanged(peer.spread);
            if (peer.uploaded > before && this.downloader)
              this.forwarding.sent(peer.key, event.index, this.downloader.availability(event.index));
            this.chokes.ifOverdrawn(peer, now);
          });
        break;
      }
      case 'block-retracted':
        this.uploader?.onRetracted(this.peers.get(event.peer), event);
        break;
      case 'read-failed': {
        if (this.hashes?.blocks?.readFailed(event.peer, event.index, event.begin)) break;
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
    this.chokes.settle(now);
    this.downloader?.flush(now);
    const actions = this.out;
    this.out = [];
    return actions;
  }

  /** Its handshake was accepted: our extended handshake, and what we have. */
  private onHandshake(peer: PeerState): void {
    if (peer.extended) {
      this.connections.send(peer, ourExtendedHandshake(this.info?.infoBytes.length, this.config.clientName));
    }
    const pieces = ourPieces(peer, this.downloader?.have, this.downloader?.verified.count ?? 0);
    if (pieces) this.connections.send(peer, pieces);
  }

  private onPiece(peer: PeerState, index: number, begin: number, block: Uint8Array): void {
    if (!this.downloader?.onBlock(peer, index, begin, block, this.now))
      return this.closePeer(peer, 'a block nobody asked for');
    this.downMeter.add(block.length, this.now);
  }

  private onHashed(id: number, digest: Uint8Array): void {
    const job = this.hashJobs.take(id);
    if (!job) return;
    if (job.kind === 'metadata') return this.onMetadataHashed(digest);
    if (job.kind === 'leaves') return this.hashes?.blocks?.hashed(job.peer, job.index, digest, this.now);
    const tree = job.kind === 'piece-v2' ? this.hashes : undefined;
    this.downloader?.pieceHashed(job.index, digest, tree && ((leaves) => tree.pieceGood(job.index, leaves)));
  }

  private hash(job: HashJob, data: Uint8Array): void {
    this.out.push(this.hashJobs.action(job, data));
  }

  /** A complete piece: checked against its file's merkle tree when its layer is known, else by SHA-1 (with no SHA-1,
   * a torrent run by its v2 view alone, it waits for the layer). */
  private hashPiece(index: number, data: Uint8Array): void {
    const tree = this.hashes?.treeBytes(index, data);
    if (!tree && this.info && isTreeOnly(this.info)) return this.hashes?.waitForLayer(index, data);
    this.hash({ kind: tree ? 'piece-v2' : 'piece', index }, tree ?? data);
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
    if (next === 'seeding') downloader.dropPiece();
    else downloader.refillSoon();
    this.updateInterestAll();
  }

  /** Seeding once every wanted piece is here (every piece, unless files were skipped), else downloading. */
  private activeState(downloader: Downloader): 'seeding' | 'downloading' {
    return downloader.verified.complete || downloader.wantedComplete ? 'seeding' : 'downloading';
  }

  private becomeSeeder(): void {
    this.state = 'seeding';
    this.downloader?.dropPiece();
    this.out.push({ type: 'announce', event: 'completed' });
    this.out.push({ type: 'complete' });
    this.updateInterestAll();
  }

  private updateInterestAll(): void {
    const downloader = this.downloader;
    if (!downloader) return;
    for (const peer of this.peers.values()) if (peer.handshaken) downloader.updateInterest(peer);
  }

  /** The metadata exchange (metadata-exchange.ts) has the info: the download starts. */
  private onMetadataHashed(digest: Uint8Array): void {
    const info = this.metadata.hashed(digest, this.now);
    if (!info) return;
    const downloader = this.setup(info, undefined);
    this.out.push({ type: 'metadata', info });
    for (const id of this.join.strays()) {
      const peer = this.connections.byId(id);
      if (peer) this.connections.close(peer, 'named an info hash the torrent does not have');
    }
    for (const peer of [...this.peers.values()]) {
      if (!peer.handshaken || this.peers.get(peer.key) !== peer) continue;
      this.connections.guard(peer, () => downloader.applyPending(peer, this.now));
    }
    downloader.refillSoon();
  }

  private setup(info: TorrentInfo, have: Bitfield | VerifiedPieces | undefined): Downloader {
    const downloader = new Downloader(info, have, this.config, this.random, this.bans, {
      peer: (key) => this.peers.get(key),
      peerById: (hex) => this.connections.byId(hex),
      peers: () => this.peers.values(),
      send: (peer, message) => this.connections.send(peer, message),
      sendRaw: (peer, data) => this.connections.sendRaw(peer, data),
      close: (peer, reason) => this.connections.close(peer, reason),
      hash: (index, data) => this.hashPiece(index, data),
      store: (index, data) => this.out.push({ type: 'store', index, data }),
      downloading: () => this.state === 'downloading',
      blocks: () => this.hashes?.blocks,
    });
    this.downloader = downloader;
    this.uploader = new Uploader(info, downloader.have, {
      send: (peer, message) => this.connections.send(peer, message),
      close: (peer, reason) => this.connections.close(peer, reason),
      peers: () => this.peers.values(),
      copies: (index) => downloader.availability(index),
      copiesEpoch: () => downloader.copiesEpoch,
      peerPieces: (peer) => downloader.peerPieces(peer.key),
      read: (peer, request: BlockRequest) => this.out.push({ type: 'read', peer: peer.key, ...request }),
      // Named fields, not a spread: the request may be the peer's `cancel` message, whose own `type` would win.
      retract: (peer, { index, begin, length }: BlockRequest) =>
        this.out.push({ type: 'retract', peer: peer.key, index, begin, length }),
      serving: () => this.state !== 'paused',
    });
    if (this.state !== 'paused' && this.state !== 'error') this.state = this.activeState(downloader);
    return downloader;
  }

  // --- the clock

  private onTick(): void {
    const now = this.now;
    this.connections.tick(now);
    if (this.downloader) this.downloader.tick(now);
    else this.metadata.tick(now);
    this.chokes.tick(now);
    this.uploader?.tick(this.peers.values(), now);
    this.hashes?.tick(now);
    const ahead = this.config.leavesAhead ?? LEAVES_AHEAD;
    if (ahead > 0 && this.downloader && this.state === 'downloading')
      this.hashes?.blocks?.ahead(this.downloader.streaming.window, ahead);
    this.chokes.spreadChanged();
    this.wantPeers();
    // Requests are topped up as blocks arrive; once a second the tick also tops up pipelines whose depth grew.
    if (this.lastRefill === undefined || now - this.lastRefill >= 1000) {
      this.lastRefill = now;
      this.downloader?.refillSoon();
    }
  }

  private wantPeers(): void {
    if (this.state === 'stopped' || this.state === 'paused') return;
    const count = this.connections.wanted(this.config.targetPeers, this.now);
    if (count !== undefined) this.out.push({ type: 'want-peers', count });
  }

  private onPause(): void {
    if (this.state === 'paused' || this.state === 'error') return;
    this.state = 'paused';
    for (const peer of this.peers.values()) {
      if (!peer.handshaken) continue;
      this.chokes.setChoke(peer, true, this.now);
      this.downloader?.updateInterest(peer);
      this.downloader?.releasePeer(peer);
    }
  }

  private onResume(): void {
    if (this.state !== 'paused') return;
    this.state = !this.downloader ? 'fetching-metadata' : this.activeState(this.downloader);
    this.updateInterestAll();
    this.chokes.roundSoon();
    this.downloader?.refillSoon();
  }

  private onStop(): void {
    this.out.push({ type: 'announce', event: 'stopped' });
    for (const peer of [...this.peers.values()]) this.connections.close(peer, 'stopped');
    this.state = 'stopped';
    this.downloader?.dropPiece();
    this.hashJobs.clear();
    this.hashes?.clearWaiting();
  }

  // --- connections (connections.ts)

  private get peers(): ReadonlyMap<PeerKey, PeerState> {
    return this.connections.peers;
  }

  private closePeer(peer: PeerState, reason: string): void {
    this.connections.close(peer, reason);
  }

  /** A peer is closed: every room forgets it. */
  private onGone(peer: PeerState): void {
    this.forwarding.forget(peer.key);
    this.downloader?.peerGone(peer);
    this.hashes?.peerGone(peer.key, this.now);
    this.metadata.peerGone(peer.key, this.now);
    this.chokes.peerGone(peer, this.now);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statistics

  stats(now: number): SessionStats {
    const { state, infoHash, errorReason: error, downloader, uploader } = this;
    const downloadRate = this.downMeter.rate(now);
    return sessionStatsOf(
      { state, infoHash, error, downloader, uploader, downloadRate, peers: this.peers.values() },
      now,
    );
  }
}
