// The cluster's shared swarm directory in Redis: which peers are in which swarm, held by which connection of which
// tracker process, with expiry by last announce; which processes are alive (a lease each); and one inbox channel per
// process (sd:inbox:<process id>), so that an offer or answer for a peer connected elsewhere is published to the
// process that holds its socket. The keys and the scripts that keep them are in directory-scripts.ts.
// Every announce is one script call (the claim of the peer id, the upsert, expiry of the swarm's stale peers, the
// alias binding, counts and the offer candidates), so an announce costs one round trip whatever the swarm's size;
// the scripts are sent once and then called by their digest (EVALSHA, redis-script.ts). The offers and answers one turn
// sends to a process leave in one PUBLISH (cluster-outbox.ts, message-codec.ts).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ClusterOutbox } from './cluster-outbox';
import type {
  Candidate,
  ClaimRefusal,
  ClusterDirectory,
  ClusterMessage,
  ClusterTotals,
  DirectoryAnnounce,
  DirectoryAnnounceResult,
  SwarmCounts,
} from './directory';
import { ANNOUNCE, COUNTS, LEAVE, TOTALS } from './directory-scripts';
import { decodeBatch, FIELD_LIMITS } from './message-codec';

/** How long a process's lease lasts; it is renewed three times per lease. */
export const DEFAULT_LEASE_MS = 6_000;

/** What the announce script answers for a claim it refused (nothing changed). */
const REFUSALS: Record<number, ClaimRefusal> = { [-1]: 'peer id in use', [-2]: 'second peer id' };

export interface RedisDirectoryOptions {
  url: string;
  /** This process's id, unique in the cluster. */
  process: string;
  /** A peer not heard from for this long is dropped. */
  peerTimeoutMs: number;
  leaseMs?: number;
  /** A message another process published to this process's inbox (each of a batch in turn). */
  onMessage: (message: ClusterMessage) => void;
  /** Redis is reachable again after an outage (re-register the local peers). */
  onReconnect?: () => void;
  log?: (line: string) => void;
}

export class RedisDirectory implements ClusterDirectory {
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private lease: ReturnType<typeof setInterval> | undefined;
  private wasDown = false;
  private closed = false;
  private readonly leaseMs: number;
  private readonly outbox: ClusterOutbox;
  /**
   * Made anew each time the directory is made, and held in the lease: a connection's id in the cluster is the process
   * id, this and the connection's serial in the process, so a process restarted under the same id never takes its
   * predecessor's claims, and they end with the predecessor's lease.
   */
  private readonly incarnation = randomBytes(4).toString('hex');

  constructor(private readonly options: RedisDirectoryOptions) {
    if (Buffer.byteLength(options.process) > FIELD_LIMITS.process)
      throw new RangeError(`the process id is too long (max ${FIELD_LIMITS.process} bytes)`);
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    const common = {
      lazyConnect: true,
      // Calls fail at once while Redis is down: the process keeps serving its own sockets from memory.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(200 * 2 ** Math.min(attempt, 6), 5_000),
    };
    // Commands issued in the same turn of the event loop (one announce's offers to other processes, say) leave in
    // one write.
    this.commands = new Redis(options.url, { ...common, enableAutoPipelining: true });
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true });
    this.commands.on('error', () => this.down());
    this.commands.on('close', () => this.down());
    this.subscriber.on('error', () => undefined);
    this.commands.on('ready', () => {
      if (!this.wasDown) return;
      this.wasDown = false;
      this.options.log?.('redis: reachable again');
      void this.renewLease().then(() => this.options.onReconnect?.());
    });
    this.outbox = new ClusterOutbox(
      (process, batch) => this.commands.publish(inbox(process), batch),
      (count) => this.options.log?.(`redis: ${count} offers or answers over the cluster's limits not sent`),
    );
    // Batches arrive as bytes: only their fields become strings.
    this.subscriber.on('messageBuffer', (_channel: Buffer, data: Buffer) => {
      const messages = decodeBatch(data);
      if (messages) for (const message of messages) this.options.onMessage(message);
    });
  }

  get process(): string {
    return this.options.process;
  }

  /** Redis answers now. */
  get up(): boolean {
    return this.commands.status === 'ready';
  }

  /** Connects, subscribes to this process's inbox and takes the lease. */
  async start(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(inbox(this.options.process));
    await this.renewLease();
    this.lease = setInterval(() => void this.renewLease().catch(() => undefined), this.leaseMs / 3);
    this.lease.unref();
  }

  private down(): void {
    if (this.wasDown || this.closed) return;
    this.wasDown = true;
    this.options.log?.('redis: unreachable; serving local swarms from memory until it is back');
  }

  private async renewLease(): Promise<void> {
    await this.commands.set(`sd:alive:${this.options.process}`, this.incarnation, 'PX', this.leaseMs);
  }

  async announce(a: DirectoryAnnounce): Promise<DirectoryAnnounceResult> {
    const reply = (await ANNOUNCE.run(
      this.commands,
      a.infoHash,
      a.peerId,
      this.connectionId(a.connection),
      a.complete ? '1' : '0',
      a.now,
      a.now - this.options.peerTimeoutMs,
      Math.max(0, Math.floor(a.want)),
      a.address ?? `#${a.peerId}`,
      a.alias ?? '',
    )) as [number, number, string[], number, string];
    const [total, seeds, flat, spread, alias] = reply;
    if (total < 0) return { complete: 0, incomplete: 0, candidates: [], refused: REFUSALS[total] };
    const candidates: Candidate[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const candidate: Candidate = { peerId: flat[i], process: flat[i + 1] };
      // Its own hash, when it announced the other hash of a swarm bound to an alias.
      if (flat[i + 2] !== a.infoHash) candidate.infoHash = flat[i + 2];
      candidates.push(candidate);
    }
    // Redis returns its picks in no random order: shuffled within each tier (one per address, then any).
    shuffle(candidates, 0, spread);
    shuffle(candidates, spread, candidates.length);
    const result: DirectoryAnnounceResult = {
      complete: seeds,
      incomplete: total - seeds,
      candidates,
    };
    if (alias) result.alias = alias;
    return result;
  }

  /** Removes the peer if `connection` (this process's id for it) holds it. */
  async leave(infoHash: string, peerId: string, connection: string): Promise<void> {
    await LEAVE.run(this.commands, infoHash, peerId, this.connectionId(connection));
  }

  /** A connection's id in the cluster: this process's id, its incarnation and the connection's id here. */
  private connectionId(connection: string): string {
    return `${this.options.process}/${this.incarnation}.${connection}`;
  }

  async counts(infoHashes: string[], now: number): Promise<Map<string, SwarmCounts>> {
    const out = new Map<string, SwarmCounts>();
    if (infoHashes.length === 0) return out;
    const flat = (await COUNTS.run(
      this.commands,
      now - this.options.peerTimeoutMs,
      ...infoHashes,
    )) as number[];
    infoHashes.forEach((infoHash, i) =>
      out.set(infoHash, { complete: flat[2 * i], incomplete: flat[2 * i + 1] }),
    );
    return out;
  }

  /** Swarms, peers and seeders across the cluster. */
  async totals(now: number): Promise<ClusterTotals> {
    const [swarms, peers, seeders] = (await TOTALS.run(
      this.commands,
      now - this.options.peerTimeoutMs,
    )) as number[];
    return { swarms, peers: Math.max(0, peers), seeders: Math.max(0, seeders) };
  }

  /** Queues a message for another process's inbox: the turn's messages to it leave in one PUBLISH. */
  send(process: string, message: ClusterMessage): void {
    this.outbox.add(process, message);
  }

  /** Gives up the lease and disconnects (a clean shutdown; a crash just lets the lease run out). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.lease);
    if (this.up) await this.commands.del(`sd:alive:${this.options.process}`).catch(() => undefined);
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}

function inbox(process: string): string {
  return `sd:inbox:${process}`;
}

/** Shuffles list[from, to) in place. */
function shuffle<T>(list: T[], from: number, to: number): void {
  for (let i = to - 1; i > from; i--) {
    const j = from + Math.floor(Math.random() * (i - from + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
}
