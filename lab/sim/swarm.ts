// The lab's swarm: many real engine instances (TorrentSession, the same code as the browser's worker) on the
// simulated network, with simulated trackers, arrivals, clean exits, crashes and per-peer capacities.
// Storage is not simulated byte by byte: a peer's verified pieces are the torrent's own bytes, so a read is served
// from the torrent's data without keeping hundreds of copies of the file.
import { TorrentSession } from '../../shared/engine/session';
import type { TestTorrent } from '../../shared/engine/testing/swarm';
import { mulberry32, randomBytes } from '../../shared/engine/testing/random';
import type { EngineAction, EngineConfig, EngineEvent, PeerKey } from '../../shared/engine/types';
import { Bitfield } from '../../shared/bitfield';
import type { Channel, Host } from './network';
import { Network } from './network';
import type { SyncHash } from './hash';
import { SimTracker } from './tracker';
import type { PieceSelection } from './strategy';

export interface SwarmOptions {
  torrent: TestTorrent;
  hash: SyncHash;
  /** Seed of every random choice. */
  seed: number;
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
  config?: Partial<EngineConfig>;
  /** Indices of the trackers it knows (default: all), tried in order (BEP 12 failover). */
  trackers?: number[];
  pieceSelection?: PieceSelection;
  /** Its own tick interval, ms (default: the swarm's). */
  tickMs?: number;
}

interface Connection {
  key: PeerKey;
  remote: LabPeer;
  remoteKey: PeerKey;
  out: Channel;
}

export class LabPeer {
  session!: TorrentSession;
  readonly connections = new Map<PeerKey, Connection>();
  /** How many open connections to each remote peer. */
  readonly neighbours = new Map<LabPeer, number>();
  joined = false;
  alive = true;
  completedAt: number | undefined;
  leftAt: number | undefined;
  crashed = false;
  errors: string[] = [];
  failedAnnounces = 0;

  constructor(
    readonly swarm: LabSwarm,
    readonly spec: PeerSpec,
    readonly name: string,
    readonly host: Host,
    readonly trackers: number[],
  ) {}

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

  deliver(event: EngineEvent): void {
    if (!this.alive) return;
    const actions = this.session.handle(event, this.swarm.now);
    for (const action of actions) this.swarm.perform(this, action);
  }
}

export class LabSwarm {
  readonly torrent: TestTorrent;
  readonly network: Network;
  readonly trackers: SimTracker<LabPeer>[] = [];
  readonly peers: LabPeer[] = [];
  readonly random: () => number;
  private readonly hash: SyncHash;
  private readonly tickMs: number;
  private readonly config: Partial<EngineConfig>;
  private readonly announceIntervalMs: number;
  private readonly onDeliver?: SwarmOptions['onDeliver'];
  private nextConnection = 1;
  /** Connection attempts to peers that were gone (stale tracker entries). */
  deadDials = 0;

  constructor(options: SwarmOptions) {
    this.torrent = options.torrent;
    this.hash = options.hash;
    this.random = mulberry32(options.seed);
    this.network = new Network({ latencyMs: options.latencyMs ?? 25 });
    this.tickMs = options.tickMs ?? 500;
    this.config = options.config ?? {};
    this.announceIntervalMs = options.announceIntervalMs ?? 20_000;
    this.onDeliver = options.onDeliver;
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

  get now(): number {
    return this.network.now;
  }

  addPeer(spec: PeerSpec): LabPeer {
    const name = spec.name ?? `${spec.seed ? 'seed' : 'peer'}-${this.peers.length}`;
    const host = this.network.addHost({ upload: spec.upload, download: spec.download ?? Infinity });
    const trackers = spec.trackers ?? this.trackers.map((_, i) => i);
    for (const t of trackers) {
      if (!(t >= 0 && t < this.trackers.length)) throw new RangeError(`no tracker ${t}`);
    }
    const peer = new LabPeer(this, spec, name, host, trackers);
    const peerId = new Uint8Array(20);
    peerId.set(new TextEncoder().encode('-LB0001-'));
    peerId.set(randomBytes(this.random, 12), 8);
    const random = mulberry32(Math.floor(this.random() * 2 ** 32));
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
      });
      peer.joined = true;
      if (spec.seed) peer.completedAt = this.now;
      const tick = () => {
        if (!peer.alive) return;
        peer.deliver({ type: 'tick' });
        this.network.schedule(this.now + (spec.tickMs ?? this.tickMs), tick);
      };
      tick();
      const reannounce = () => {
        if (!peer.alive) return;
        this.announce(peer, undefined);
        this.network.schedule(this.now + this.announceIntervalMs, reannounce);
      };
      this.network.schedule(this.now + this.announceIntervalMs, reannounce);
    };
    this.network.schedule(Math.max(this.now, spec.joinAt ?? this.now), join);
    return peer;
  }

  /** Schedules `run` at virtual time `at`. */
  at(at: number, run: () => void): void {
    this.network.schedule(at, run);
  }

  /** Calls `sample` now and every `everyMs` until the run ends. */
  every(everyMs: number, sample: () => void): void {
    const loop = () => {
      sample();
      this.network.schedule(this.now + everyMs, loop);
    };
    this.network.schedule(this.now, loop);
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
    peer.alive = false;
    peer.crashed = true;
    peer.leftAt = this.now;
    this.network.crash(peer.host);
    for (const connection of [...peer.connections.values()]) this.drop(peer, connection, true);
  }

  connected(a: LabPeer, b: LabPeer): boolean {
    return (a.neighbours.get(b) ?? 0) > 0;
  }

  /** Opens a connection (both sides see `peer-connected` after one latency). A dial to a gone peer fails. */
  connect(a: LabPeer, b: LabPeer): void {
    if (!b.alive || !b.joined) {
      this.deadDials++;
      return;
    }
    const id = this.nextConnection++;
    const keyA = `${b.name}#${id}`;
    const keyB = `${a.name}#${id}`;
    const ab = this.network.channel(a.host, b.host);
    const ba = this.network.channel(b.host, a.host);
    a.connections.set(keyA, { key: keyA, remote: b, remoteKey: keyB, out: ab });
    b.connections.set(keyB, { key: keyB, remote: a, remoteKey: keyA, out: ba });
    a.neighbours.set(b, (a.neighbours.get(b) ?? 0) + 1);
    b.neighbours.set(a, (b.neighbours.get(a) ?? 0) + 1);
    const at = this.now + this.network.latencyMs;
    this.at(at, () => a.deliver({ type: 'peer-connected', peer: keyA }));
    this.at(at, () => b.deliver({ type: 'peer-connected', peer: keyB }));
  }

  /** Carries out one action of a peer's session. */
  perform(peer: LabPeer, action: EngineAction): void {
    switch (action.type) {
      case 'send': {
        const connection = peer.connections.get(action.peer);
        if (!connection) return;
        const { remote, remoteKey } = connection;
        const data = action.data;
        this.network.send(connection.out, data.length, () => {
          if (!remote.connections.has(remoteKey)) return;
          this.onDeliver?.(remote, peer, data);
          remote.deliver({ type: 'peer-data', peer: remoteKey, data });
        });
        return;
      }
      case 'close': {
        const connection = peer.connections.get(action.peer);
        if (connection) this.drop(peer, connection, false);
        return;
      }
      case 'hash': {
        const { id, data } = action;
        this.at(this.now, () => peer.deliver({ type: 'hashed', id, digest: this.hash(data) }));
        return;
      }
      case 'store': {
        const { index } = action;
        this.at(this.now, () => peer.deliver({ type: 'stored', index }));
        return;
      }
      case 'read': {
        const { peer: key, index, begin, length } = action;
        const start = index * this.torrent.info.pieceLength + begin;
        this.at(this.now, () => {
          if (!peer.have?.get(index) || start + length > this.torrent.data.length) {
            peer.deliver({ type: 'read-failed', peer: key, index, begin, reason: 'not stored' });
          } else {
            peer.deliver({
              type: 'read-done',
              peer: key,
              index,
              begin,
              data: this.torrent.data.subarray(start, start + length),
            });
          }
        });
        return;
      }
      case 'announce':
        this.announce(peer, action.event);
        return;
      case 'want-peers':
        this.findPeers(peer, action.count);
        return;
      case 'complete':
        peer.completedAt = this.now;
        return;
      case 'error':
        peer.errors.push(action.reason);
        return;
      case 'metadata':
        return;
    }
  }

  private announce(peer: LabPeer, event: 'started' | 'completed' | 'stopped' | undefined): void {
    const seeding = peer.complete;
    for (const t of peer.trackers) {
      if (!this.trackers[t].announce(peer, this.now, event, seeding)) peer.failedAnnounces++;
    }
  }

  /** Asks the first tracker that answers (in the peer's order) for `count` peers, and dials them. */
  private findPeers(peer: LabPeer, count: number): void {
    for (const t of peer.trackers) {
      const found = this.trackers[t].sample(peer, count, this.now, (other) => !this.connected(peer, other));
      if (found === undefined) continue; // down: try the next tracker
      for (const other of found) this.connect(peer, other);
      return;
    }
  }

  private drop(peer: LabPeer, connection: Connection, crash: boolean): void {
    peer.connections.delete(connection.key);
    const remote = connection.remote;
    forget(peer, remote);
    const closed = () => {
      const back = remote.connections.get(connection.remoteKey);
      if (!back) return;
      remote.connections.delete(connection.remoteKey);
      forget(remote, peer);
      this.network.abort(back.out, () => {});
      remote.deliver({ type: 'peer-closed', peer: connection.remoteKey });
    };
    if (crash) this.network.abort(connection.out, closed);
    else this.network.close(connection.out, closed);
  }
}

function forget(peer: LabPeer, remote: LabPeer): void {
  const n = (peer.neighbours.get(remote) ?? 0) - 1;
  if (n > 0) peer.neighbours.set(remote, n);
  else peer.neighbours.delete(remote);
}
