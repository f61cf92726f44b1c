// An in-memory swarm for the engine tests: several TorrentSessions on the simulated network (./network.ts, through
// the shared core in ./sim.ts) with a virtual clock, seeded randomness, a tracker that hands out random peers, and
// in-memory storage. Nothing here does I/O or reads the real clock; the SHA-1 function is passed in (tests use
// node:crypto's).
import { Bitfield } from '../../codec/bitfield';
import { encode } from '../../codec/bencode';
import type { BDict } from '../../codec/bencode';
import type { TorrentInfo } from '../../codec/metainfo';
import { toHex } from '../../codec/hex';
import { pieceSize } from '../../codec/metainfo';
import { parseVerifiedInfo } from '../../codec/metainfo';
import { TorrentSession } from '../session/session';
import type { V2Options } from '../v2/hash-exchange';
import type { AnnounceEvent, EngineConfig, PeerKey } from '../contract/engine-types';
import { controlFirst } from './network';
import { mulberry32, randomBytes } from './random';
import { SimNode, SimSwarm, type SimOptions, type SyncSha1 } from './sim';

export type { SyncSha1 } from './sim';

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
  /** Flips a byte in every block it serves (a saboteur), or in the reads this says (index, begin, length). */
  corrupt?: boolean | ((index: number, begin: number, length: number) => boolean);
  /** When it returns a reason, storing that piece fails with it. */
  storeFails?: (index: number) => string | undefined;
  /** Joins the swarm at this virtual time (default: now). */
  joinAt?: number;
  /** Speaks BitTorrent v2 for a hybrid torrent (its v2 view, and the piece layers it starts with). */
  v2?: V2Options;
  /** Interval of its session's `tick`, ms (default: the swarm's): a background tab's clamped timers. */
  tickMs?: number;
  /** A btmh-only magnet link (with `magnet`): the full v2 info hash; the session runs by its first 20 bytes. */
  infoHashV2?: Uint8Array;
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
  /** Each uplink's message order (default: control messages first). */
  order?: SimOptions['order'];
  /** Hashing and storage latency (default 0: instant). */
  hashMsPerMiB?: SimOptions['hashMsPerMiB'];
  storeLatencyMs?: SimOptions['storeLatencyMs'];
  readLatencyMs?: SimOptions['readLatencyMs'];
  /** Each node's session is told what its uplink holds, and paces its upload as the app does (default false). */
  reportUploadQueue?: SimOptions['reportUploadQueue'];
}

/** A closed connection, as the node that closed it saw it. */
export interface CloseRecord {
  at: number;
  peer: PeerKey;
  reason: string;
}

export class SwarmNode extends SimNode {
  readonly storage = new Map<number, Uint8Array>();
  readonly closes: CloseRecord[] = [];
  readonly announces: Array<{ at: number; event?: AnnounceEvent }> = [];
  /** Hash requests whose data matched no piece of the torrent (nor its info dictionary): corrupt pieces seen. */
  badHashes = 0;
  /** Every read of its storage (blocks served, pieces read to answer leaf requests). */
  readonly reads: Array<{ index: number; begin: number; length: number }> = [];
  joinedAt: number;

  constructor(
    readonly swarm: Swarm,
    readonly options: NodeOptions,
    peerId: Uint8Array,
    random: () => number,
  ) {
    super(
      swarm,
      swarm.network.addHost({
        upload: options.uploadRate ?? swarm.uploadRate,
        download: options.downloadRate ?? Infinity,
      }),
    );
    const { torrent } = swarm;
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
      infoHash: options.infoHashV2?.slice(0, 20) ?? torrent.info.infoHash,
      ...(options.infoHashV2 ? { infoHashV2: options.infoHashV2 } : {}),
      peerId,
      info: options.magnet ? undefined : torrent.info,
      have: options.magnet ? undefined : have,
      v2: options.magnet ? undefined : options.v2,
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

  storePiece(index: number, data: Uint8Array): string | undefined {
    const failure = this.options.storeFails?.(index);
    if (!failure) this.storage.set(index, data);
    return failure;
  }

  readBlock(index: number, begin: number, length: number): Uint8Array | undefined {
    const piece = this.storage.get(index);
    if (!piece || begin + length > piece.length) return undefined;
    let data = piece.subarray(begin, begin + length);
    this.reads.push({ index, begin, length });
    const { corrupt } = this.options;
    if (corrupt === true || (corrupt && corrupt(index, begin, length))) {
      data = data.slice();
      data[0] ^= 0xff;
    }
    return data;
  }

  /** The torrent's bytes as stored (missing pieces are zeros). */
  bytes(): Uint8Array {
    const info = this.swarm.torrent.info;
    const out = new Uint8Array(info.length);
    for (const [index, data] of this.storage) out.set(data, index * info.pieceLength);
    return out;
  }
}

export class Swarm extends SimSwarm<SwarmNode> {
  readonly torrent: TestTorrent;
  readonly sha1: SyncSha1;
  readonly uploadRate: number;
  readonly tickMs: number;
  readonly config: Partial<EngineConfig>;
  readonly nodes: SwarmNode[] = [];
  /** Nodes the tracker hands out (announced started, not stopped, still alive). */
  readonly tracked = new Set<SwarmNode>();
  /** Hex digests of every piece and of the info dictionary. */
  private readonly knownHashes = new Set<string>();

  constructor(options: SwarmOptions) {
    super({
      hash: options.sha1,
      seed: options.seed,
      latencyMs: options.latencyMs ?? 20,
      order: options.order ?? controlFirst,
      start: options.start,
      hashMsPerMiB: options.hashMsPerMiB,
      storeLatencyMs: options.storeLatencyMs,
      readLatencyMs: options.readLatencyMs,
      reportUploadQueue: options.reportUploadQueue,
    });
    this.torrent = options.torrent;
    this.sha1 = options.sha1;
    this.uploadRate = options.uploadRate ?? 4 * 1024 * 1024;
    this.tickMs = options.tickMs ?? 200;
    this.config = options.config ?? {};
    const { info } = this.torrent;
    this.knownHashes.add(info.infoHashHex);
    for (let i = 0; i < info.pieceCount; i++)
      this.knownHashes.add(toHex(info.pieces.subarray(i * 20, i * 20 + 20)));
  }

  /** Adds a node; it joins (first tick, `announce started`) at `joinAt` or now, and ticks every tickMs (its own or the
   * swarm's) after. */
  addNode(options: NodeOptions): SwarmNode {
    const { peerId, random } = this.identity('-SD0001-');
    const node = this.attach(new SwarmNode(this, options, peerId, random));
    this.nodes.push(node);
    this.schedule(Math.max(this.now, node.joinedAt), () =>
      this.startTicks(node, options.tickMs ?? this.tickMs),
    );
    return node;
  }

  node(name: string): SwarmNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  schedule(at: number, run: () => void): void {
    this.at(at, run);
  }

  /** Runs events until `done()` holds (checked after each event) or `maxMs` of virtual time pass. Returns done(). */
  run(done: () => boolean, maxMs: number): boolean {
    return this.network.runUntil(this.now + maxMs, done);
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
    this.tracked.delete(node);
    this.crashNode(node);
  }

  protected override closing(node: SwarmNode, peer: PeerKey, reason: string): void {
    node.closes.push({ at: this.now, peer, reason });
  }

  protected override digest(node: SwarmNode, data: Uint8Array): Uint8Array {
    const digest = this.sha1(data);
    if (!this.knownHashes.has(toHex(digest))) node.badHashes++;
    return digest;
  }

  protected announce(node: SwarmNode, event: AnnounceEvent | undefined): void {
    node.announces.push({ at: this.now, event });
    if (event === 'stopped') this.tracked.delete(node);
    else if (node.alive) this.tracked.add(node);
  }

  /** The tracker: up to `count` random tracked nodes that `node` is not connected to. */
  protected findPeers(node: SwarmNode, count: number): void {
    const candidates = [...this.tracked].filter(
      (other) => other !== node && other.alive && !this.connected(node, other),
    );
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    for (const other of candidates.slice(0, count)) this.connect(node, other);
  }
}
