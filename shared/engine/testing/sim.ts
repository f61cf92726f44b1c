// The core of the simulated swarms (the engine tests' `Swarm` and the lab's `LabSwarm`): nodes running real
// TorrentSessions on the simulated network, connections between them, and the ports through which the one executor
// (../executor.ts) carries out their actions: sends over the network, hashing and storage answered on the virtual
// clock after a modelled latency. Who a node is (its storage, its tracker) is left to the swarm built on this.
import type { EnginePorts } from '../session/executor';
import { SessionDriver } from '../../host/session-driver';
import { blockDigests } from '../verify/file-tree';
import { sha256Sync } from '../../hash/sha256';
import type { TorrentSession } from '../session/session';
import type { AnnounceEvent, EngineEvent, PeerIdHex, PeerKey } from '../contract/engine-types';
import { SimMeetings } from './sim-meetings';
import { CONTROL_MESSAGE_BYTES, Network, type Channel, type Host, type MessageOrder } from './network';
import { mulberry32, randomBytes } from './random';
import { SimWebSeedServer, type ServedTorrent, type WebSeedServerOptions } from './web-seed-server';

/** A synchronous SHA-1 (tests: `(d) => new Uint8Array(createHash('sha1').update(d).digest())`). */
export type SyncSha1 = (data: Uint8Array) => Uint8Array;

const MiB = 1024 * 1024;

export interface SimOptions {
  hash: SyncSha1;
  /** Seed of every random choice. */
  seed: number;
  latencyMs: number;
  /** How each uplink orders its connections' messages (default round-robin). */
  order?: MessageOrder;
  /** Start time of the virtual clock, ms (default 0). */
  start?: number;
  /** Hashing time, ms per MiB hashed; a node hashes one piece at a time (default 0: instant). */
  hashMsPerMiB?: number;
  /** Time to store a piece, ms (default 0). */
  storeLatencyMs?: number;
  /** Time to read a block from storage, ms (default 0). */
  readLatencyMs?: number;
  /** Sees every message as it reaches a node (before its session does). */
  onDeliver?: (to: SimNode, from: SimNode, data: Uint8Array) => void;
  /** Report each node's uplink queue to its session (`upload-queue`, turning on upload pacing): at start and after
   * each block-sized message leaves (default false). */
  reportUploadQueue?: boolean;
}

export interface SimConnection {
  key: PeerKey;
  remote: SimNode;
  remoteKey: PeerKey;
  out: Channel;
}

/** One simulated client: a session on a host. */
export abstract class SimNode {
  session!: TorrentSession;
  readonly connections = new Map<PeerKey, SimConnection>();
  /** How many open connections to each remote node. */
  readonly neighbours = new Map<SimNode, number>();
  readonly errors: string[] = [];
  alive = true;
  completedAt: number | undefined;
  metadataAt: number | undefined;
  /** When the session said every piece layer it lacked was known (`layers-known`), and how often it said so. */
  layersKnownAt: number | undefined;
  layersKnownCount = 0;
  /** When its hasher is free again (hashing takes turns). */
  hasherFree = 0;
  /** Pieces hashed block by block with SHA-256 (v2 checks against a file's merkle tree). */
  treeChecks = 0;
  ports!: EnginePorts;
  /** While the node is suspended (./suspend.ts), the events that reach it wait here; undefined while it runs. */
  held: EngineEvent[] | undefined;
  /** The hosts' one loop around a session (shared/host/session-driver.ts): an answer a port gives at once waits its
   * turn, as it does in the worker and the Node hosts. */
  private readonly driver = new SessionDriver({
    live: () => (this.alive && !this.held ? this.session : undefined),
    now: () => this.sim.now,
    ports: () => this.ports,
    threw: (error) => {
      throw error;
    },
  });

  constructor(
    readonly sim: SimSwarm,
    readonly host: Host,
  ) {}

  abstract get name(): string;

  /** Stores a verified piece; returns a failure reason, or undefined when stored. */
  abstract storePiece(index: number, data: Uint8Array): string | undefined;

  /** A block of a stored piece, or undefined when it is not stored. */
  abstract readBlock(index: number, begin: number, length: number): Uint8Array | undefined;

  /** Feeds one event to the session (if the node is alive and not suspended) and carries out its actions. */
  deliver(event: EngineEvent): void {
    if (!this.alive) return;
    if (this.held) {
      this.held.push(event);
      return;
    }
    this.driver.feed(event);
  }
}

export abstract class SimSwarm<N extends SimNode = SimNode> {
  readonly network: Network;
  readonly random: () => number;
  readonly hash: SyncSha1;
  private readonly options: SimOptions;
  private nextConnection = 1;
  private readonly byHost = new Map<Host, N>();
  /** What each node's last `upload-queue` report said its uplink held. */
  private readonly reported = new Map<N, number>();
  /** The simulated web seeds, by the URL the torrent names them by. */
  readonly webSeeds = new Map<string, SimWebSeedServer>();
  /** Peer exchange's meetings: offers and answers relayed by the sessions become connections (sim-meetings.ts). */
  readonly meetings = new SimMeetings<N>(this);

  constructor(options: SimOptions) {
    this.options = options;
    this.hash = options.hash;
    this.random = mulberry32(options.seed);
    this.network = new Network({
      latencyMs: options.latencyMs,
      order: options.order,
      start: options.start,
      onTransmit: options.reportUploadQueue
        ? (channel, size) => {
            const node = this.byHost.get(channel.from);
            if (node?.session && (size >= CONTROL_MESSAGE_BYTES || this.drainedUnseen(node)))
              this.reportQueue(node);
          }
        : undefined,
    });
  }

  get now(): number {
    return this.network.now;
  }

  /** Schedules `run` at virtual time `at`. */
  at(at: number, run: () => void): void {
    this.network.schedule(at, run);
  }

  /** A fresh peer id (`prefix` then random bytes) and a seeded random source for a new session. */
  protected identity(prefix: string): { peerId: Uint8Array; random: () => number } {
    const peerId = new Uint8Array(20);
    peerId.set(new TextEncoder().encode(prefix));
    peerId.set(randomBytes(this.random, 12), 8);
    return { peerId, random: mulberry32(Math.floor(this.random() * 2 ** 32)) };
  }

  /** Gives `node` its ports (call once, when it is made). */
  protected attach(node: N): N {
    node.ports = this.portsFor(node);
    this.byHost.set(node.host, node);
    return node;
  }

  /** Tells the node's session what its uplink still holds (see `reportUploadQueue`). */
  private reportQueue(node: N): void {
    const bytes = this.network.queuedBytes(node.host);
    this.reported.set(node, bytes);
    node.deliver({ type: 'upload-queue', bytes });
  }

  /** Small messages (haves, peer exchange's lists) left since the last report, a message's worth or all it held: a
   * page's buffer report would show it, and a pacer still counting those bytes would hold its window shut until
   * PACE_SILENCE_MS. */
  private drainedUnseen(node: N): boolean {
    const last = this.reported.get(node) ?? 0;
    if (last === 0) return false;
    const now = this.network.queuedBytes(node.host);
    return now === 0 || last - now >= CONTROL_MESSAGE_BYTES;
  }

  /** Ticks `node` now and every `tickMs` while it is alive. */
  protected startTicks(node: N, tickMs: number): void {
    if (this.options.reportUploadQueue) this.reportQueue(node);
    const tick = () => {
      if (!node.alive) return;
      node.deliver({ type: 'tick' });
      this.at(this.now + tickMs, tick);
    };
    tick();
  }

  /** A web seed serving `torrent`'s files at `options.url` (a session given that URL asks it by range). */
  addWebSeed(torrent: ServedTorrent, options: WebSeedServerOptions): SimWebSeedServer {
    const server = new SimWebSeedServer(this.network, torrent, options);
    this.webSeeds.set(options.url, server);
    return server;
  }

  connected(a: N, b: N): boolean {
    return (a.neighbours.get(b) ?? 0) > 0;
  }

  /** Opens a connection (both sides see `peer-connected` after one latency); `expect`: the peer id each end met it
   * to reach (a meeting through the swarm). */
  connect(a: N, b: N, expect: { a?: PeerIdHex; b?: PeerIdHex } = {}): void {
    const id = this.nextConnection++;
    const keyA = `${b.name}#${id}`;
    const keyB = `${a.name}#${id}`;
    const ab = this.network.channel(a.host, b.host);
    const ba = this.network.channel(b.host, a.host);
    a.connections.set(keyA, { key: keyA, remote: b, remoteKey: keyB, out: ab });
    b.connections.set(keyB, { key: keyB, remote: a, remoteKey: keyA, out: ba });
    a.neighbours.set(b, (a.neighbours.get(b) ?? 0) + 1);
    b.neighbours.set(a, (b.neighbours.get(a) ?? 0) + 1);
    const at = this.now + this.network.latency(a.host, b.host);
    this.at(at, () =>
      a.deliver({ type: 'peer-connected', peer: keyA, ...(expect.a ? { expect: expect.a } : {}) }),
    );
    this.at(at, () =>
      b.deliver({ type: 'peer-connected', peer: keyB, ...(expect.b ? { expect: expect.b } : {}) }),
    );
  }

  /** The node dies without a word: its uplink stops, its peers see their connections drop one latency later. */
  protected crashNode(node: N): void {
    node.alive = false;
    this.network.crash(node.host);
    for (const connection of [...node.connections.values()]) this.drop(node, connection, true);
  }

  /** The tracker side of the node's `announce` action. */
  protected abstract announce(node: N, event: AnnounceEvent | undefined): void;

  /** The node wants `count` more peers: find and dial them. */
  protected abstract findPeers(node: N, count: number): void;

  /** The node closes a connection (hook for records). */
  protected closing(_node: N, _peer: PeerKey, _reason: string): void {}

  /** What the node's transport sends for `data` (hook for hostile nodes: the messages it sends instead). */
  protected outgoing(_node: N, _peer: PeerKey, data: Uint8Array): readonly Uint8Array[] {
    return [data];
  }

  /** The digest of `data` as the node's hasher computes it (hook for records). */
  protected digest(_node: N, data: Uint8Array): Uint8Array {
    return this.hash(data);
  }

  /** The ports through which the executor carries out `node`'s actions. */
  private portsFor(node: N): EnginePorts {
    const { hashMsPerMiB = 0, storeLatencyMs = 0, readLatencyMs = 0, onDeliver } = this.options;
    return {
      send: (peer, sent) => {
        const connection = node.connections.get(peer);
        if (!connection) return;
        const { remote, remoteKey } = connection;
        for (const data of this.outgoing(node, peer, sent))
          this.network.send(
            connection.out,
            data.length,
            () => {
              if (!remote.connections.has(remoteKey)) return;
              onDeliver?.(remote, node, data);
              remote.deliver({ type: 'peer-data', peer: remoteKey, data });
            },
            pieceBlock(data),
          );
      },
      retract: (peer, index, begin) => {
        const connection = node.connections.get(peer);
        if (!connection || !this.network.retract(connection.out, `${index}:${begin}`)) return false;
        // The transport holds less: it says so, as the app's writer does (no block may leave to report it).
        if (this.options.reportUploadQueue) this.at(this.now, () => this.reportQueue(node));
        return true;
      },
      close: (peer, reason) => {
        this.closing(node, peer, reason);
        const connection = node.connections.get(peer);
        if (connection) this.drop(node, connection, false);
      },
      hash: (data, reply) => {
        node.hasherFree = Math.max(node.hasherFree, this.now) + (data.length * hashMsPerMiB) / MiB;
        this.at(node.hasherFree, () => reply.ok(this.digest(node, data)));
      },
      hashBlocks: (data, reply) => {
        node.treeChecks++;
        node.hasherFree = Math.max(node.hasherFree, this.now) + (data.length * hashMsPerMiB) / MiB;
        this.at(node.hasherFree, () => reply.ok(blockDigests(data, sha256Sync)));
      },
      store: (index, data, reply) => {
        this.at(this.now + storeLatencyMs, () => {
          const failure = node.storePiece(index, data);
          if (failure) reply.fail(failure);
          else reply.ok();
        });
      },
      read: (_peer, index, begin, length, reply) => {
        this.at(this.now + readLatencyMs, () => {
          const block = node.readBlock(index, begin, length);
          if (block) reply.ok(block);
          else reply.fail('not stored');
        });
      },
      announce: (event) => this.announce(node, event),
      wantPeers: (count) => this.findPeers(node, count),
      metadata: () => (node.metadataAt = this.now),
      complete: () => (node.completedAt = this.now),
      layersKnown: () => {
        node.layersKnownAt ??= this.now;
        node.layersKnownCount++;
      },
      webSeedFetch: (action, emit) => {
        const server = this.webSeeds.get(action.seed);
        if (server) return server.fetch(node, action, emit);
        const reason = 'no server at this address';
        this.at(this.now, () => emit({ type: 'webseed-failed', request: action.request, reason }));
      },
      webSeedAbort: (request) => {
        for (const server of this.webSeeds.values()) server.abort(node, request);
      },
      swarm: this.meetings.portsFor(node),
      error: (reason) => node.errors.push(reason),
    };
  }

  /** Closes a connection: after what is queued on it (`crash`: at once); the far end sees it one latency later. */
  private drop(node: N, connection: SimConnection, crash: boolean): void {
    node.connections.delete(connection.key);
    const remote = connection.remote;
    forget(node, remote);
    const closed = () => {
      const back = remote.connections.get(connection.remoteKey);
      if (!back) return;
      remote.connections.delete(connection.remoteKey);
      forget(remote, node);
      this.network.abort(back.out, () => {});
      remote.deliver({ type: 'peer-closed', peer: connection.remoteKey });
      // What its transport held for the closed connection is gone: it says so, as a page's buffers do (no block may
      // leave to report it, and a pacer still counting those bytes would stall until PACE_SILENCE_MS).
      const reporting = this.options.reportUploadQueue ? this.byHost.get(remote.host) : undefined;
      if (reporting?.session) this.reportQueue(reporting);
    };
    if (crash) this.network.abort(connection.out, closed);
    else this.network.close(connection.out, closed);
  }
}

function forget(node: SimNode, remote: SimNode): void {
  const n = (node.neighbours.get(remote) ?? 0) - 1;
  if (n > 0) node.neighbours.set(remote, n);
  else node.neighbours.delete(remote);
}

/** `index:begin` of a send that is one `piece` message alone (what the uploader sends per block), else undefined. */
export function pieceBlock(data: Uint8Array): string | undefined {
  if (data.length < 13 || data[4] !== 7) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0) + 4 !== data.length) return undefined;
  return `${view.getUint32(5)}:${view.getUint32(9)}`;
}
