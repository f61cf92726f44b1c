// The lab's swarm: many real engine instances (TorrentSession, the same code as the browser's worker) on the
// simulated network, with simulated trackers, arrivals, clean exits, crashes and per-peer capacities.
// Storage is not simulated byte by byte: a peer's verified pieces are the torrent's own bytes, so a read is served
// from the torrent's data without keeping hundreds of copies of the file.
import { TorrentSession } from '../../shared/engine/session/session';
import type { TestTorrent } from '../../shared/engine/testing/swarm';
import { mulberry32 } from '../../shared/engine/testing/random';
import { SimNode, SimSwarm, type SimOptions } from '../../shared/engine/testing/sim';
import type { AnnounceEvent, EngineConfig } from '../../shared/engine/contract/engine-types';
import { Bitfield } from '../../shared/codec/bitfield';
import type { Host } from '../../shared/engine/testing/network';
import type { SimWebSeedServer, WebSeedServerOptions } from '../../shared/engine/testing/web-seed-server';
import type { SyncHash } from './hash';
import { SimTracker } from './tracker';
import type { PieceSelection } from './strategy';

export interface SwarmOptions {
  torrent: TestTorrent;
  hash: SyncHash;
  /** Seed of every random choice. */
  seed: number;
  /** One-way latency of a path between peers without a latency of their own, ms (default 25). */
  latencyMs?: number;
  /** How often each session gets a `tick`, ms (default 500). */
  tickMs?: number;
  /** Engine config for every peer (a peer's own wins). */
  config?: Partial<EngineConfig>;
  /** Number of trackers (default 1). Every peer knows all of them unless its spec says otherwise. */
  trackers?: number;
  /** The trackers forget a peer silent for this long (default 60 s). */
  trackerTimeoutMs?: number;
  /** Periodic re-announce interval (default 20 s). */
  announceIntervalMs?: number;
  /** Sees every message as it reaches a peer (before the peer's session does). */
  onDeliver?: (to: LabPeer, from: LabPeer, data: Uint8Array) => void;
  /** Hashing and storage latency (default 0: instant). */
  hashMsPerMiB?: SimOptions['hashMsPerMiB'];
  storeLatencyMs?: SimOptions['storeLatencyMs'];
  readLatencyMs?: SimOptions['readLatencyMs'];
  /** Each peer's session is told its uplink queue and paces its upload to it (default true; see pacer.ts). */
  reportUploadQueue?: boolean;
}

export interface PeerSpec {
  name?: string;
  /** A label for results (e.g. "free rider"). */
  role?: string;
  seed?: boolean;
  /** Joins at this virtual time, ms (default: now). */
  joinAt?: number;
  upload: number;
  download?: number;
  /** One-way latency of its access link, ms, each way: a path's is the sum of its two peers' (default: half the
   * swarm's `latencyMs`). */
  latencyMs?: number;
  /** The queue in front of its uplink, ms at its rate, which holds what it has to send (uplink-queue.ts; default
   * none). */
  queueMs?: number;
  config?: Partial<EngineConfig>;
  /** Indices of the trackers it knows (default: all), tried in order (BEP 12 failover). */
  trackers?: number[];
  pieceSelection?: PieceSelection;
  /** Its own tick interval, ms (default: the swarm's). */
  tickMs?: number;
  /** The torrent's web seeds (BEP 19 `url-list`) it knows: URLs given to `LabSwarm.addWebSeed`. */
  webSeeds?: string[];
  /** The most bytes it may take from its web seeds (default: no bound). */
  webSeedBudget?: number;
}

export class LabPeer extends SimNode {
  joined = false;
  leftAt: number | undefined;
  crashed = false;
  failedAnnounces = 0;

  constructor(
    readonly swarm: LabSwarm,
    readonly spec: PeerSpec,
    readonly name: string,
    host: Host,
    readonly trackers: number[],
  ) {
    super(swarm, host);
  }

  get role(): string {
    return this.spec.role ?? (this.spec.seed ? 'seed' : 'peer');
  }

  get complete(): boolean {
    return this.completedAt !== undefined;
  }

  get have(): Bitfield | undefined {
    return this.session?.have;
  }

  get joinAt(): number {
    return this.spec.joinAt ?? 0;
  }

  /** Nothing is kept: a verified piece is the torrent's own bytes. */
  storePiece(): undefined {
    return undefined;
  }

  /** Served from the torrent's data when the peer has the piece. */
  readBlock(index: number, begin: number, length: number): Uint8Array | undefined {
    const data = this.swarm.torrent.data;
    const start = index * this.swarm.torrent.info.pieceLength + begin;
    if (!this.have?.get(index) || start + length > data.length) return undefined;
    return data.subarray(start, start + length);
  }
}

export class LabSwarm extends SimSwarm<LabPeer> {
  readonly torrent: TestTorrent;
  readonly trackers: SimTracker<LabPeer>[] = [];
  readonly peers: LabPeer[] = [];
  private readonly tickMs: number;
  private readonly config: Partial<EngineConfig>;
  private readonly announceIntervalMs: number;
  /** Connection attempts to peers that were gone (stale tracker entries). */
  deadDials = 0;

  constructor(options: SwarmOptions) {
    const onDeliver = options.onDeliver;
    super({
      hash: options.hash,
      seed: options.seed,
      latencyMs: options.latencyMs ?? 25,
      hashMsPerMiB: options.hashMsPerMiB,
      storeLatencyMs: options.storeLatencyMs,
      readLatencyMs: options.readLatencyMs,
      reportUploadQueue: options.reportUploadQueue ?? true,
      onDeliver: onDeliver && ((to, from, data) => onDeliver(to as LabPeer, from as LabPeer, data)),
    });
    this.torrent = options.torrent;
    this.tickMs = options.tickMs ?? 500;
    this.config = options.config ?? {};
    this.announceIntervalMs = options.announceIntervalMs ?? 20_000;
    const trackers = options.trackers ?? 1;
    if (!Number.isInteger(trackers) || trackers < 1)
      throw new RangeError(`trackers must be >= 1, got ${trackers}`);
    for (let i = 0; i < trackers; i++) {
      this.trackers.push(
        new SimTracker(`tracker ${i + 1}`, {
          timeoutMs: options.trackerTimeoutMs ?? 60_000,
          random: mulberry32(Math.floor(this.random() * 2 ** 32)),
        }),
      );
    }
  }

  addPeer(spec: PeerSpec): LabPeer {
    const name = spec.name ?? `${spec.seed ? 'seed' : 'peer'}-${this.peers.length}`;
    const host = this.network.addHost({
      upload: spec.upload,
      download: spec.download ?? Infinity,
      ...(spec.latencyMs !== undefined ? { latencyMs: spec.latencyMs } : {}),
      ...(spec.queueMs !== undefined ? { queueMs: spec.queueMs } : {}),
    });
    const trackers = spec.trackers ?? this.trackers.map((_, i) => i);
    for (const t of trackers) {
      if (!(t >= 0 && t < this.trackers.length)) throw new RangeError(`no tracker ${t}`);
    }
    const peer = this.attach(new LabPeer(this, spec, name, host, trackers));
    const { peerId, random } = this.identity('-LB0001-');
    this.peers.push(peer);
    const join = () => {
      const info = this.torrent.info;
      let have: Bitfield | undefined;
      if (spec.seed) have = Bitfield.full(info.pieceCount);
      const config = { ...this.config, ...spec.config };
      if (spec.pieceSelection) config.pieceSelection = spec.pieceSelection;
      peer.session = new TorrentSession({
        infoHash: info.infoHash,
        peerId,
        info,
        have,
        random,
        now: this.now,
        config,
        webSeeds: spec.webSeeds,
        webSeedBudget: spec.webSeedBudget,
      });
      peer.joined = true;
      if (spec.seed) peer.completedAt = this.now;
      this.startTicks(peer, spec.tickMs ?? this.tickMs);
      const reannounce = () => {
        if (!peer.alive) return;
        this.announce(peer, undefined);
        this.at(this.now + this.announceIntervalMs, reannounce);
      };
      this.at(this.now + this.announceIntervalMs, reannounce);
    };
    this.at(Math.max(this.now, spec.joinAt ?? this.now), join);
    return peer;
  }

  /** A web seed holding the whole torrent, at `options.url`; peers whose spec names that URL fetch from it. */
  addTorrentWebSeed(options: WebSeedServerOptions): SimWebSeedServer {
    return this.addWebSeed({ files: this.torrent.info.files, data: this.torrent.data }, options);
  }

  /** Calls `sample` now and every `everyMs` until the run ends. */
  every(everyMs: number, sample: () => void): void {
    const loop = () => {
      sample();
      this.at(this.now + everyMs, loop);
    };
    this.at(this.now, loop);
  }

  /**
   * Runs until `done()` or the clock passes `until`. `done` is checked at most every 100 ms of virtual time (it
   * usually scans every peer); completion times are recorded exactly regardless.
   */
  runUntil(until: number, done: () => boolean = () => false): boolean {
    let checkedAt = -Infinity;
    const throttled = () => {
      if (this.now - checkedAt < 100) return false;
      checkedAt = this.now;
      return done();
    };
    return this.network.runUntil(until, throttled) || done();
  }

  /** Every peer that joined and is not gone has completed. */
  allDone(peers: LabPeer[] = this.peers): boolean {
    return peers.every((peer) => peer.complete || (peer.joined && !peer.alive));
  }

  /** A clean exit: the session announces `stopped` and closes its connections. */
  leave(peer: LabPeer): void {
    if (!peer.alive || !peer.joined) return;
    peer.deliver({ type: 'stop' });
    peer.alive = false;
    peer.leftAt = this.now;
  }

  /** Each of `peers` keeps seeding `lingerMs` after it finishes, then leaves cleanly (checked every 500 ms). */
  leaveWhenDone(peers: readonly LabPeer[], lingerMs: number): void {
    this.every(500, () => {
      for (const peer of peers) {
        if (peer.alive && peer.completedAt !== undefined && this.now - peer.completedAt >= lingerMs)
          this.leave(peer);
      }
    });
  }

  /** A crash: no `stopped`; the peers see their connections drop; the trackers keep it until their timeout. */
  crash(peer: LabPeer): void {
    if (!peer.alive) return;
    peer.crashed = true;
    peer.leftAt = this.now;
    this.crashNode(peer);
  }

  /** Opens a connection (both sides see `peer-connected` after one latency; `expect`: the peer ids a meeting through
   * the swarm named). A dial to a gone peer fails. */
  override connect(a: LabPeer, b: LabPeer, expect?: { a?: string; b?: string }): void {
    if (!b.alive || !b.joined) {
      this.deadDials++;
      return;
    }
    super.connect(a, b, expect);
  }

  protected announce(peer: LabPeer, event: AnnounceEvent | undefined): void {
    const seeding = peer.complete;
    for (const t of peer.trackers) {
      if (!this.trackers[t].announce(peer, this.now, event, seeding)) peer.failedAnnounces++;
    }
  }

  /** Asks the first tracker that answers (in the peer's order) for `count` peers, and dials them. */
  protected findPeers(peer: LabPeer, count: number): void {
    for (const t of peer.trackers) {
      const found = this.trackers[t].sample(peer, count, this.now, (other) => !this.connected(peer, other));
      if (found === undefined) continue; // down: try the next tracker
      for (const other of found) this.connect(peer, other);
      return;
    }
  }
}
