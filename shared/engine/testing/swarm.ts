// An in-memory swarm for tests and the swarm lab: several TorrentSessions over simulated links with a bandwidth
// and a latency, a virtual clock, seeded randomness, a tracker that hands out random peers, and in-memory storage.
// Nothing here does I/O or reads the real clock; the SHA-1 function is passed in (tests use node:crypto's).
import { Bitfield } from '../../bitfield';
import { encode } from '../../bencode';
import type { BDict } from '../../bencode';
import type { TorrentInfo } from '../../metainfo';
import { toHex } from '../../hex';
import { pieceSize } from '../../metainfo';
import { parseVerifiedInfo } from '../../metainfo';
import { TorrentSession } from '../session';
import type { AnnounceEvent, EngineAction, EngineConfig, EngineEvent, PeerKey } from '../types';
import { EventQueue } from './queue';
import { mulberry32, randomBytes } from './random';

/** A synchronous SHA-1 (tests: `(d) => new Uint8Array(createHash('sha1').update(d).digest())`). */
export type SyncSha1 = (data: Uint8Array) => Uint8Array;

export interface TestTorrent {
  info: TorrentInfo;
  data: Uint8Array;
}

/** Builds a single-file torrent of `data` (the info dictionary bencoded here, hashed with `sha1`). */
export function makeTorrent(
  data: Uint8Array,
  options: { sha1: SyncSha1; pieceLength: number; name?: string },
): TestTorrent {
  const { pieceLength, sha1 } = options;
  const count = Math.ceil(data.length / pieceLength);
  const pieces = new Uint8Array(count * 20);
  for (let i = 0; i < count; i++) {
    pieces.set(sha1(data.subarray(i * pieceLength, Math.min(data.length, (i + 1) * pieceLength))), i * 20);
  }
  const dict: BDict = {
    length: data.length,
    name: new TextEncoder().encode(options.name ?? 'test.bin'),
    'piece length': pieceLength,
    pieces,
  };
  const infoBytes = encode(dict);
  return { info: parseVerifiedInfo(infoBytes, sha1(infoBytes)), data };
}

/** A torrent of `length` seeded random bytes. */
export function randomTorrent(
  seed: number,
  length: number,
  options: { sha1: SyncSha1; pieceLength: number; name?: string },
): TestTorrent {
  return makeTorrent(randomBytes(mulberry32(seed), length), options);
}

export interface NodeOptions {
  name: string;
  /** Starts with every piece stored (a seeder). */
  seed?: boolean;
  /** Starts from the info hash alone (a magnet link): fetches the metadata from peers. */
  magnet?: boolean;
  /** Pieces already stored (resume); their data is taken from the torrent. */
  have?: Bitfield;
  config?: Partial<EngineConfig>;
  /** Uplink bytes per second (default: the swarm's). */
  uploadRate?: number;
  /** Downlink bytes per second (default: unlimited). */
  downloadRate?: number;
  /** Flips a byte in every block it serves (a saboteur). */
  corrupt?: boolean;
  /** When it returns a reason, storing that piece fails with it. */
  storeFails?: (index: number) => string | undefined;
  /** Joins the swarm at this virtual time (default: now). */
  joinAt?: number;
}

export interface SwarmOptions {
  torrent: TestTorrent;
  sha1: SyncSha1;
  /** Seed of every random choice in the swarm. */
  seed: number;
  /** One-way latency of every link, ms (default 20). */
  latencyMs?: number;
  /** Default uplink of a node, bytes/s (default 4 MiB/s). */
  uploadRate?: number;
  /** Interval of each session's `tick`, ms (default 200). */
  tickMs?: number;
  /** Config applied to every node (a node's own config wins). */
  config?: Partial<EngineConfig>;
  /** Start time of the virtual clock, ms (default 0). */
  start?: number;
}

/** Messages shorter than this bytes count as control traffic on a simulated uplink. */
const SMALL_MESSAGE = 1024;

interface Link {
  id: number;
  remote: SwarmNode;
  remoteKey: PeerKey;
  open: boolean;
  /** Messages waiting for the sender's uplink, and whether the link is in the sender's round-robin. */
  queue: Array<Uint8Array | 'close'>;
  ready: boolean;
}

/** A closed connection, as the node that closed it saw it. */
export interface CloseRecord {
  at: number;
  peer: PeerKey;
  reason: string;
}

export class SwarmNode {
  readonly session: TorrentSession;
  readonly storage = new Map<number, Uint8Array>();
  readonly links = new Map<PeerKey, Link>();
  readonly closes: CloseRecord[] = [];
  readonly errors: string[] = [];
  readonly announces: Array<{ at: number; event?: AnnounceEvent }> = [];
  /** Hash requests whose data matched no piece of the torrent (nor its info dictionary): corrupt pieces seen. */
  badHashes = 0;
  alive = true;
  joinedAt: number;
  metadataAt: number | undefined;
  completedAt: number | undefined;
  /** Links with queued messages, served round-robin (fair sharing of the uplink, as TCP flows roughly get). */
  ready: Link[] = [];
  transmitting = false;
  /** Bytes its uplink has sent, and how long it was busy sending (ms): utilization for the lab. */
  bytesSent = 0;
  busyMs = 0;
  /** When its downlink is free again. */
  downlinkFree = 0;
  readonly uploadRate: number;

  constructor(
    readonly swarm: Swarm,
    readonly options: NodeOptions,
    peerId: Uint8Array,
    random: () => number,
  ) {
    const { torrent } = swarm;
    this.uploadRate = options.uploadRate ?? swarm.uploadRate;
    this.joinedAt = options.joinAt ?? swarm.now;
    let have = options.have?.clone();
    if (options.seed) have = Bitfield.full(torrent.info.pieceCount);
    if (have) {
      for (let i = 0; i < have.length; i++) {
        if (!have.get(i)) continue;
        const start = i * torrent.info.pieceLength;
        this.storage.set(i, torrent.data.slice(start, start + pieceSize(torrent.info, i)));
      }
    }
    this.session = new TorrentSession({
      infoHash: torrent.info.infoHash,
      peerId,
      info: options.magnet ? undefined : torrent.info,
      have: options.magnet ? undefined : have,
      random,
      now: swarm.now,
      config: { ...swarm.config, ...options.config },
    });
  }

  get name(): string {
    return this.options.name;
  }

  get complete(): boolean {
    return this.completedAt !== undefined || (this.session.have?.isComplete() ?? false);
  }

  /** Feeds one event to the session (if the node is alive) and carries out its actions. */
  deliver(event: EngineEvent): void {
    if (!this.alive) return;
    const actions = this.session.handle(event, this.swarm.now);
    for (const action of actions) this.swarm.perform(this, action);
  }

  /** The torrent's bytes as stored (missing pieces are zeros). */
  bytes(): Uint8Array {
    const info = this.swarm.torrent.info;
    const out = new Uint8Array(info.length);
    for (const [index, data] of this.storage) out.set(data, index * info.pieceLength);
    return out;
  }
}

export class Swarm {
  readonly torrent: TestTorrent;
  readonly sha1: SyncSha1;
  readonly random: () => number;
  readonly latencyMs: number;
  readonly uploadRate: number;
  readonly tickMs: number;
  readonly config: Partial<EngineConfig>;
  readonly nodes: SwarmNode[] = [];
  /** Nodes the tracker hands out (announced started, not stopped, still alive). */
  readonly tracked = new Set<SwarmNode>();
  now: number;
  private readonly queue = new EventQueue();
  /** Hex digests of every piece and of the info dictionary. */
  private readonly knownHashes = new Set<string>();
  private nextLinkId = 1;

  constructor(options: SwarmOptions) {
    this.torrent = options.torrent;
    this.sha1 = options.sha1;
    this.random = mulberry32(options.seed);
    this.latencyMs = options.latencyMs ?? 20;
    this.uploadRate = options.uploadRate ?? 4 * 1024 * 1024;
    this.tickMs = options.tickMs ?? 200;
    this.config = options.config ?? {};
    this.now = options.start ?? 0;
    const { info } = this.torrent;
    this.knownHashes.add(info.infoHashHex);
    for (let i = 0; i < info.pieceCount; i++)
      this.knownHashes.add(toHex(info.pieces.subarray(i * 20, i * 20 + 20)));
  }

  /** Adds a node; it joins (first tick, `announce started`) at `joinAt` or now, and ticks every tickMs after. */
  addNode(options: NodeOptions): SwarmNode {
    const peerId = new Uint8Array(20);
    peerId.set(new TextEncoder().encode('-SD0001-'));
    peerId.set(randomBytes(this.random, 12), 8);
    const node = new SwarmNode(this, options, peerId, mulberry32(Math.floor(this.random() * 2 ** 32)));
    this.nodes.push(node);
    const tick = () => {
      if (!node.alive) return;
      node.deliver({ type: 'tick' });
      this.schedule(this.now + this.tickMs, tick);
    };
    this.schedule(Math.max(this.now, node.joinedAt), tick);
    return node;
  }

  node(name: string): SwarmNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  schedule(at: number, run: () => void): void {
    this.queue.push(at, run);
  }

  /** Runs events until `done()` holds (checked after each event) or `maxMs` of virtual time pass. Returns done(). */
  run(done: () => boolean, maxMs: number): boolean {
    const end = this.now + maxMs;
    if (done()) return true;
    for (;;) {
      const at = this.queue.peekTime();
      if (at === undefined || at > end) break;
      const next = this.queue.pop() as { at: number; run: () => void };
      this.now = Math.max(this.now, next.at);
      next.run();
      if (done()) return true;
    }
    this.now = Math.max(this.now, end);
    return done();
  }

  /** Runs for `ms` of virtual time. */
  runFor(ms: number): void {
    this.run(() => false, ms);
  }

  /** The user stops the node: `stop` event (announce stopped, close all), then it stays silent. */
  stop(node: SwarmNode): void {
    node.deliver({ type: 'stop' });
    node.alive = false;
    this.tracked.delete(node);
  }

  /** The node vanishes without a word: its peers see their connections close, the tracker forgets it. */
  vanish(node: SwarmNode): void {
    node.alive = false;
    this.tracked.delete(node);
    for (const link of node.links.values()) this.closeLink(link, this.now);
    node.links.clear();
    node.ready = [];
  }

  /** Opens a connection between two nodes (both see `peer-connected` after one latency). */
  connect(a: SwarmNode, b: SwarmNode): void {
    const id = this.nextLinkId++;
    const keyA = `${b.name}#${id}`;
    const keyB = `${a.name}#${id}`;
    a.links.set(keyA, { id, remote: b, remoteKey: keyB, open: true, queue: [], ready: false });
    b.links.set(keyB, { id, remote: a, remoteKey: keyA, open: true, queue: [], ready: false });
    const at = this.now + this.latencyMs;
    this.schedule(at, () => a.deliver({ type: 'peer-connected', peer: keyA }));
    this.schedule(at, () => b.deliver({ type: 'peer-connected', peer: keyB }));
  }

  connected(a: SwarmNode, b: SwarmNode): boolean {
    for (const link of a.links.values()) if (link.remote === b && link.open) return true;
    return false;
  }

  /** Carries out one action of a node's session. */
  perform(node: SwarmNode, action: EngineAction): void {
    const now = this.now;
    switch (action.type) {
      case 'send': {
        const link = node.links.get(action.peer);
        if (!link || !link.open) return;
        this.enqueue(node, link, action.data);
        return;
      }
      case 'close': {
        node.closes.push({ at: now, peer: action.peer, reason: action.reason });
        const link = node.links.get(action.peer);
        if (!link) return;
        node.links.delete(action.peer);
        this.enqueue(node, link, 'close'); // after the data already queued on it, as TCP would
        return;
      }
      case 'hash': {
        const { id, data } = action;
        this.schedule(now, () => {
          const digest = this.sha1(data);
          if (!this.knownHashes.has(toHex(digest))) node.badHashes++;
          node.deliver({ type: 'hashed', id, digest });
        });
        return;
      }
      case 'store': {
        const { index, data } = action;
        const failure = node.options.storeFails?.(index);
        this.schedule(now, () => {
          if (failure) return node.deliver({ type: 'store-failed', index, reason: failure });
          node.storage.set(index, data);
          node.deliver({ type: 'stored', index });
        });
        return;
      }
      case 'read': {
        const { peer, index, begin, length } = action;
        this.schedule(now, () => {
          const piece = node.storage.get(index);
          if (!piece || begin + length > piece.length) {
            return node.deliver({ type: 'read-failed', peer, index, begin, reason: 'not stored' });
          }
          let data = piece.subarray(begin, begin + length);
          if (node.options.corrupt) {
            data = data.slice();
            data[0] ^= 0xff;
          }
          node.deliver({ type: 'read-done', peer, index, begin, data });
        });
        return;
      }
      case 'announce':
        node.announces.push({ at: now, event: action.event });
        if (action.event === 'stopped') this.tracked.delete(node);
        else if (node.alive) this.tracked.add(node);
        return;
      case 'want-peers':
        this.introduce(node, action.count);
        return;
      case 'metadata':
        node.metadataAt = now;
        return;
      case 'complete':
        node.completedAt = now;
        return;
      case 'error':
        node.errors.push(action.reason);
        return;
    }
  }

  /** The tracker: up to `count` random tracked nodes that `node` is not connected to. */
  private introduce(node: SwarmNode, count: number): void {
    const candidates = [...this.tracked].filter(
      (other) => other !== node && other.alive && !this.connected(node, other),
    );
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    for (const other of candidates.slice(0, count)) this.connect(node, other);
  }

  /** Queues bytes (or the close) on a link; the node's uplink serves its links round-robin, one message each. */
  private enqueue(node: SwarmNode, link: Link, item: Uint8Array | 'close'): void {
    link.queue.push(item);
    if (!link.ready) {
      link.ready = true;
      node.ready.push(link);
    }
    if (!node.transmitting) this.transmit(node);
  }

  private transmit(node: SwarmNode): void {
    node.transmitting = false;
    if (!node.alive) return;
    for (;;) {
      // Links whose next message is small (a request, have, choke...) go first: on a real uplink such packets
      // interleave with the bulk data of other connections instead of waiting behind whole blocks.
      let pick = node.ready.findIndex(
        (l) => l.queue[0] === 'close' || (l.queue[0]?.length ?? 0) < SMALL_MESSAGE,
      );
      if (pick < 0) pick = 0;
      const link = node.ready.splice(pick, 1)[0];
      if (!link) return;
      const item = link.queue.shift();
      if (link.queue.length > 0) node.ready.push(link);
      else link.ready = false;
      if (item === undefined) continue;
      if (item === 'close') {
        this.closeLink(link, this.now);
        continue;
      }
      const duration = (item.length * 1000) / node.uploadRate;
      const done = this.now + duration;
      node.bytesSent += item.length;
      node.busyMs += duration;
      let at = done + this.latencyMs;
      const remote = link.remote;
      const downloadRate = remote.options.downloadRate;
      if (downloadRate) {
        remote.downlinkFree = Math.max(at, remote.downlinkFree) + (item.length * 1000) / downloadRate;
        at = remote.downlinkFree;
      }
      this.schedule(at, () => {
        const back = remote.links.get(link.remoteKey);
        if (back && back.open) remote.deliver({ type: 'peer-data', peer: link.remoteKey, data: item });
      });
      node.transmitting = true;
      this.schedule(done, () => this.transmit(node));
      return;
    }
  }

  private closeLink(link: Link, at: number): void {
    link.open = false;
    link.queue.length = 0;
    const remote = link.remote;
    this.schedule(at + this.latencyMs, () => {
      const back = remote.links.get(link.remoteKey);
      if (!back) return;
      back.open = false;
      remote.links.delete(link.remoteKey);
      remote.deliver({ type: 'peer-closed', peer: link.remoteKey });
    });
  }
}
