// One torrent's swarm session as a sans-I/O state machine: events in, actions out, the clock passed in (see
// contract/engine-types.ts for how to drive it: every event and action). Each event goes to its handler in a
// table (EVENTS); the rooms that do the work are wired here.
import type { Bitfield } from '../../codec/bitfield';
import type { TorrentInfo } from '../../codec/metainfo';
import type { ChokePolicy } from '../choke/choker';
import { ChokeRounds } from '../upload/choke-rounds';
import { DEFAULT_CONFIG } from '../contract/config';
import { Connections } from '../peer/connections';
import type { Downloader } from '../download/downloader';
import { ForwardingLedger } from '../choke/forwarding';
import { HashExchange } from '../v2/hash-exchange';
import { PieceChecks } from './piece-checks';
import type { MetadataExchange } from '../metadata/metadata-exchange';
import type { PeerState } from '../peer/peer';
import type { PieceLayers } from '../v2/piece-layers';
import { DEFAULT_CHOKE_POLICY } from '../choke/policies';
import { routeMessage, type MessageRooms } from './peer-messages';
import { LEAVES_AHEAD } from '../v2/block-checks';
import { RateMeter } from '../peer/rate';
import type {
  EngineAction,
  EngineConfig,
  EngineEvent,
  LaterV2,
  PeerKey,
  Session,
  SessionOptions,
  SessionState,
  SessionStats,
  V2Options,
} from '../contract/engine-types';
import { heldBy, peerBacklog, type Uploader } from '../upload/uploader';
import { sessionStatsOf } from './peer-stats';
import { SessionStates } from './session-state';
import { transferRooms } from './transfer-rooms';
import { V2Join, checkInfo } from '../v2/v2-join';
import { BanList } from '../verify/verify';
import type { VerifiedPieces } from '../verify/verified-pieces';
import { SessionWebSeeds } from '../webseed/session-webseeds';
import { checkOptions } from './check-options';
import { connectPeer, pexEvent, sessionPex, PeerWants, type PeerExchange } from './session-pex';
import { metadataRoom } from './session-metadata';
import { SuperSeeding } from './super-seeding';
import { withCoverage } from './swarm-coverage';

export { MAX_REQUEST_LENGTH } from '../upload/uploader';
export { UT_METADATA_ID } from '../peer/peer-wire';
export { DEFAULT_CONFIG } from '../contract/config';

type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/** What one kind of event does to the session (the clock already set). */
type EventHandler<T extends EngineEvent['type']> = (
  session: TorrentSession,
  event: EventOf<T>,
  now: number,
) => void;

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
  /** Peer exchange (sd_pex), unless the config turns it off. */
  private readonly pex: PeerExchange | undefined;
  /** How many peers the session wants, and its want-peers (session-pex.ts). */
  private readonly wants: PeerWants;

  /** The session's state and its changes (session-state.ts). */
  private readonly states: SessionStates;
  private announcedStart = false;
  private readonly connections: Connections;
  /** Which of our pieces each peer passed on (forwarding.ts); an account per connected peer. */
  private readonly forwarding = new ForwardingLedger();
  private readonly bans = new BanList();
  /** BEP 16 for the original seeder (super-seeding.ts). */
  private readonly superSeed = new SuperSeeding(
    () => this.connections,
    () => this.downloader,
  );

  private readonly checks: PieceChecks = new PieceChecks({
    act: (action) => this.out.push(action),
    hashes: () => this.hashes,
    downloader: () => this.downloader,
    info: () => this.info,
    metadataHashed: (digest) => this.onMetadataHashed(digest),
    now: () => this.now,
  });
  /** The web seeds (BEP 19), asked for what peers cannot give soon enough (webseed/). */
  private readonly webSeeds: SessionWebSeeds;

  private lastRefill: number | undefined;

  private readonly downMeter = new RateMeter();

  /** Per handle() call: the actions so far and the clock. */
  private out: EngineAction[] = [];
  private now: number;

  constructor(options: SessionOptions) {
    const config = { ...DEFAULT_CONFIG, ...options.config };
    const policy = config.chokePolicy ?? DEFAULT_CHOKE_POLICY;
    checkOptions(options, policy.uploadCap);
    this.config = config;
    this.policy = policy;
    this.infoHash = options.infoHash;
    this.peerId = options.peerId;
    this.random = options.random;
    this.now = options.now;
    // A btmh-only magnet link speaks v2 from its first handshake, its view coming with the metadata.
    const v2 = options.v2 ?? (options.infoHashV2 ? {} : undefined);
    this.join = new V2Join(this.infoHash, options.infoHashV2, v2);
    this.connections = this.connectionsRoom();
    const pexHost = { act: (a: EngineAction) => this.out.push(a), downloader: () => this.downloader };
    this.wants = new PeerWants(config, this.connections, { ...pexHost, state: () => this.state });
    this.pex = sessionPex(config, options, this.connections, this.bans, this.wants.host);
    this.metadata = metadataRoom({
      ...{ infoHash: this.infoHash, join: this.join, connections: this.connections, checks: this.checks },
      ...{ info: () => this.info, hashed: (d) => this.onMetadataHashed(d), fail: (r) => this.states.fail(r) },
    });
    const peerPieces = (key: PeerKey) => this.downloader?.peerPieces(key) ?? 0;
    this.chokes = this.chokeRoom(peerPieces);
    this.states = new SessionStates({
      peers: () => this.peers.values(),
      downloader: () => this.downloader,
      chokes: this.chokes,
      act: (action) => this.out.push(action),
      now: () => this.now,
    });
    this.hashes = v2 && this.hashRoom(v2, peerPieces);
    this.rooms = this.messageRooms();
    this.webSeeds = new SessionWebSeeds(
      options.webSeeds ?? [],
      options.webSeedBudget,
      (action) => this.out.push(action),
      this.random,
    );
    if (options.info) {
      checkInfo(options.info, options.infoHash, v2 !== undefined);
      this.setup(options.info, options.have);
    }
  }

  private connectionsRoom(): Connections {
    return new Connections(this.join.identity(this.peerId), this.config, this.policy.uploadCap, this.bans, {
      now: () => this.now,
      act: (action) => this.out.push(action),
      // Our extended handshake, and what we have (or super-seeding's offers in its place).
      handshaken: (peer) =>
        this.superSeed.greet(peer, this.config.clientName, this.config.peerExchange !== false),
      message: (peer, message) => routeMessage(this.rooms, peer, message, this.now),
      gone: (peer) => this.onGone(peer),
      refuse: (peer, id) => this.pex?.refuse(peer, id, this.now),
      pieces: (peer) => this.downloader?.peerPieces(peer.key) ?? 0,
    });
  }

  private chokeRoom(peerPieces: (key: PeerKey) => number): ChokeRounds {
    return new ChokeRounds(this.config, this.policy, this.forwarding, this.random, {
      peers: () => this.peers.values(),
      peer: (key) => this.peers.get(key),
      send: (peer, message) => this.connections.send(peer, message),
      state: () => this.state,
      pieceLength: () => this.info?.pieceLength,
      paced: (now) => this.uploader?.pacer.paced(now) === true,
      peerPieces,
      ourPieces: () => this.downloader?.verified.count ?? 0,
      uploadCapacity: () => this.uploader?.capacity.estimate ?? 0,
      uplinkIdle: (now) => this.uploader?.idle(this.peers.values(), now) === true,
    });
  }

  private hashRoom(v2: V2Options | LaterV2, peerPieces: (key: PeerKey) => number): HashExchange {
    return new HashExchange(v2, this.connections, peerPieces, {
      check: (index, data) => this.checks.piece(index, data),
      drop: (index) => this.downloader?.dropPiece(index),
      layersKnown: () => this.out.push({ type: 'layers-known' }),
      now: () => this.now,
      have: (index) => this.downloader?.have.get(index) ?? false,
      read: (peer, index, begin, length) =>
        this.out.push({ type: 'read', peer: peer.key, index, begin, length }),
      hashBlocks: (peer, index, data) => this.checks.hash({ kind: 'leaves', peer, index }, data),
      verdict: (index, bad) => this.downloader?.blocksJudged(index, bad),
    });
  }

  private messageRooms(): MessageRooms {
    return {
      downloader: () => this.downloader,
      uploader: () => this.uploader,
      hashes: () => this.hashes,
      chokes: this.chokes,
      metadata: this.metadata,
      pex: this.pex,
      forwarding: this.forwarding,
      connected: (peer) => this.peers.get(peer.key) === peer,
      close: (peer, reason) => this.connections.close(peer, reason),
      work: (peer) => ({ peers: this.peers.size, outstanding: this.downloader?.outstanding(peer.key) ?? 0 }),
      piece: (peer, index, begin, block) => this.onPiece(peer, index, begin, block),
      heard: (peer, message) => this.superSeed.heard(peer, message),
    };
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
    (TorrentSession.EVENTS[event.type] as EventHandler<EngineEvent['type']>)(this, event, now);
    this.chokes.settle(now);
    this.downloader?.flush(now);
    const actions = this.out;
    this.out = [];
    return actions;
  }

  /** Each kind of event and what it does. */
  private static readonly EVENTS: { [T in EngineEvent['type']]: EventHandler<T> } = {
    'peer-connected': (s, event) => connectPeer(s.pex, s.connections, event),
    'peer-data': (s, event) => s.connections.data(event.peer, event.data),
    'peer-closed': (s, event) => s.connections.closed(event.peer),
    'peer-backlog': (s, event, now) =>
      peerBacklog(s.peers.get(event.peer), event.backlogged, s.uploader, now),
    'upload-queue': (s, event, now) => {
      s.chokes.spreadChanged(s.uploader?.pacer.paced(now) !== true);
      s.uploader?.onUploadQueue(event.bytes, now, event.byPeer && heldBy(s.peers, event.byPeer));
    },
    'file-priorities': (s, event) => s.prioritiesChanged(event),
    'early-pieces': (s, event) => s.prioritiesChanged(event),
    // A player's read or playhead: streaming plans the deadlines, and the web seeds follow them at once.
    'piece-deadlines': (s, event, now) => {
      s.downloader?.streaming.handle(event, now);
      s.webSeeds.player(event.type, s.state === 'downloading', now);
    },
    playhead: (s, event, now) => {
      s.downloader?.streaming.handle(event, now);
      s.webSeeds.player(event.type, s.state === 'downloading', now);
    },
    'playback-stopped': (s, event, now) => s.downloader?.streaming.handle(event, now),
    // A web seed's bytes count in the download rate (and so the time left) as a peer's do.
    'webseed-data': (s, event, now) => {
      s.downMeter.add(event.data.length, now);
      s.webSeeds.handle(event, now);
    },
    'webseed-end': (s, event, now) => s.webSeeds.handle(event, now),
    'webseed-failed': (s, event, now) => s.webSeeds.handle(event, now),
    'webseed-budget': (s, event, now) => s.webSeeds.handle(event, now),
    hashed: (s, event) => s.checks.hashed(event.id, event.digest),
    stored: (s, event, now) => s.onStored(event.index, now),
    // The piece is not counted (it is fetched again); what is already stored stays. We wait for storage, then try
    // again (session-state.ts).
    'store-failed': (s, event, now) => {
      if (s.downloader?.storeFailed(event.index)) s.states.storageRefused(event.reason, now);
    },
    'read-done': (s, event, now) => s.onReadDone(event, now),
    'block-retracted': (s, event) => s.uploader?.onRetracted(s.peers.get(event.peer), event),
    'read-failed': (s, event, now) => s.onReadFailed(event, now),
    'signal-out': (s, event, now) => pexEvent(s.pex, event, now),
    'meet-failed': (s, event, now) => pexEvent(s.pex, event, now),
    tick: (s) => s.onTick(),
    pause: (s) => s.states.pause(),
    resume: (s) => s.states.resume(),
    stop: (s) => s.onStop(),
  };

  private prioritiesChanged(event: EventOf<'file-priorities' | 'early-pieces'>): void {
    this.downloader?.setPriorities(event);
    this.states.followWanted();
  }

  private onStored(index: number, now: number): void {
    if (!this.downloader?.stored(index, now)) return;
    this.states.storageWorked();
    if (this.downloader.verified.complete) this.states.becomeSeeder();
    else this.states.followWanted();
    this.webSeeds.stored(this.state === 'downloading', this.now);
  }

  /** A block read for a peer: the v2 block checks' (our leaf answers) or the uploader's. */
  private onReadDone(event: EventOf<'read-done'>, now: number): void {
    if (this.hashes?.blocks?.readDone(event.peer, event.index, event.begin, event.data)) return;
    const peer = this.peers.get(event.peer);
    const uploader = this.uploader;
    if (!peer || !uploader) return;
    this.connections.guard(peer, () => {
      const before = peer.uploaded;
      uploader.onReadDone(peer, event.index, event.begin, event.data, now);
      this.chokes.spreadChanged(peer.spread);
      if (peer.uploaded > before && this.downloader)
        this.forwarding.sent(peer.key, event.index, this.downloader.availability(event.index));
      this.chokes.ifOverdrawn(peer, now);
    });
  }

  private onReadFailed(event: EventOf<'read-failed'>, now: number): void {
    if (this.hashes?.blocks?.readFailed(event.peer, event.index, event.begin)) return;
    const peer = this.peers.get(event.peer);
    if (peer) this.uploader?.onReadFailed(peer, event.index, event.begin, now);
  }

  private onPiece(peer: PeerState, index: number, begin: number, block: Uint8Array): void {
    if (!this.downloader?.onBlock(peer, index, begin, block, this.now))
      return this.connections.close(peer, 'a block nobody asked for');
    this.downMeter.add(block.length, this.now);
  }

  private get state(): SessionState {
    return this.states.state;
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
    const { downloader, uploader } = transferRooms(info, have, {
      config: this.config,
      random: this.random,
      bans: this.bans,
      connections: this.connections,
      act: (action) => this.out.push(action),
      hashPiece: (index, data) => this.checks.piece(index, data),
      state: () => this.state,
      blocks: () => this.hashes?.blocks,
      superSeed: this.superSeed,
    });
    this.downloader = downloader;
    this.uploader = uploader;
    this.states.infoKnown(downloader);
    this.webSeeds.start(info, downloader);
    return downloader;
  }

  // --- the clock

  private onTick(): void {
    const now = this.now;
    this.connections.tick(now);
    this.states.retryStorage(now);
    if (this.downloader) this.downloader.tick(now);
    else this.metadata.tick(now);
    this.chokes.tick(now);
    this.chokes.lookAtUplink(now);
    this.uploader?.tick(this.peers.values(), now);
    this.superSeed.tick(now);
    this.hashes?.tick(now);
    this.pex?.tick(now);
    this.leavesAhead();
    this.webSeeds.tick(this.state === 'downloading', now);
    this.chokes.spreadChanged();
    this.wantPeers();
    // Requests are topped up as blocks arrive; once a second the tick also tops up pipelines whose depth grew.
    if (this.lastRefill === undefined || now - this.lastRefill >= 1000) {
      this.lastRefill = now;
      this.downloader?.refillSoon();
    }
  }

  /** While downloading, the leaf hashes of the pieces a player will read next are asked in advance. */
  private leavesAhead(): void {
    const ahead = this.config.leavesAhead ?? LEAVES_AHEAD;
    if (ahead > 0 && this.downloader && this.state === 'downloading')
      this.hashes?.blocks?.ahead(this.downloader.streaming.window, ahead);
  }

  private wantPeers(): void {
    const want = this.wants.action(this.pex, this.now);
    if (want) this.out.push(want);
  }

  private onStop(): void {
    this.out.push({ type: 'announce', event: 'stopped' });
    for (const peer of [...this.peers.values()]) this.connections.close(peer, 'stopped');
    this.states.stopped();
    this.webSeeds.stop();
    this.pex?.stop(this.now);
    this.downloader?.dropPiece();
    this.checks.clear();
    this.hashes?.clearWaiting();
  }

  // --- connections (connections.ts)

  private get peers(): ReadonlyMap<PeerKey, PeerState> {
    return this.connections.peers;
  }

  /** A peer is closed: every room forgets it. */
  private onGone(peer: PeerState): void {
    this.forwarding.forget(peer.key);
    this.downloader?.peerGone(peer);
    this.hashes?.peerGone(peer.key, this.now);
    this.metadata.peerGone(peer.key, this.now);
    this.chokes.peerGone(peer, this.now);
    this.pex?.gone(peer, this.now);
    this.superSeed.gone(peer);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statistics

  stats(now: number): SessionStats {
    const { state, infoHash, downloader, uploader } = this;
    const error = this.states.errorReason;
    const downloadRate = this.downMeter.rate(now);
    const stats = sessionStatsOf(
      { state, infoHash, error, downloader, uploader, downloadRate, peers: this.peers.values() },
      now,
    );
    const idlePlace = this.connections.idlePlace(now) ? { idlePlace: true as const } : {};
    if (this.pex) stats.swarm = this.pex.stats();
    return withCoverage({ ...stats, ...this.webSeeds.stats(now), ...idlePlace }, downloader);
  }
}
