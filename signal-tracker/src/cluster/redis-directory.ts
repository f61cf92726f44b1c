// The cluster's shared swarm directory in Redis: which peers are in which swarm, on which tracker process, with
// expiry by last announce; which processes are alive (a lease each); and one inbox channel per process, so that an
// offer or answer for a peer connected elsewhere is published to the process that holds its socket.
//
// Keys (one hash tag per swarm, so a swarm's keys would stay on one Redis Cluster slot):
//   sd:{<info hash>}:seen   ZSET  peer id -> last announce (ms)
//   sd:{<info hash>}:proc   HASH  peer id -> process id (its owner: only that process may change or remove it)
//   sd:{<info hash>}:seeds  SET   peer ids that are seeders
//   sd:{<info hash>}:addr   HASH  peer id -> client address key
//   sd:{<info hash>}:acount HASH  client address key -> its peers here
//   sd:{<info hash>}:a:<a>  SET   peer ids from client address <a>
//   sd:swarms               ZSET  info hash -> last announce (ms)
//   sd:totals               HASH  peers, seeders (kept by the scripts)
//   sd:alive:<process id>   STRING with a time-to-live: the process's lease
//   sd:inbox:<process id>   pub/sub channel of the process
// Every announce is one script call (upsert, expiry of the swarm's stale peers, counts and the offer candidates), so
// an announce costs one round trip whatever the swarm's size. A peer id belongs to the process that announced it
// first: another process's announce with it is refused in the same script (while the owner's lease lives and the
// peer has not expired), and a leave removes it only for its owner.
import { Redis } from 'ioredis';
import type {
  Candidate,
  ClusterDirectory,
  ClusterTotals,
  DirectoryAnnounce,
  DirectoryAnnounceResult,
  SwarmCounts,
} from './directory';

/** How long a process's lease lasts; it is renewed three times per lease. */
export const DEFAULT_LEASE_MS = 6_000;
/** Stale peers removed per swarm per script call (the rest go at later calls). */
const PRUNE_BATCH = 256;

const PRUNE = `
local function forget(ih, id)
  local addrs = 'sd:{' .. ih .. '}:addr'
  local a = redis.call('HGET', addrs, id)
  if a then
    redis.call('HDEL', addrs, id)
    redis.call('SREM', 'sd:{' .. ih .. '}:a:' .. a, id)
    if redis.call('HINCRBY', 'sd:{' .. ih .. '}:acount', a, -1) <= 0 then redis.call('HDEL', 'sd:{' .. ih .. '}:acount', a) end
  end
end
local function prune(ih, deadline)
  local seen = 'sd:{' .. ih .. '}:seen'
  local stale = redis.call('ZRANGEBYSCORE', seen, '-inf', deadline, 'LIMIT', 0, ${PRUNE_BATCH})
  for _, id in ipairs(stale) do
    redis.call('ZREM', seen, id)
    redis.call('HDEL', 'sd:{' .. ih .. '}:proc', id)
    forget(ih, id)
    redis.call('HINCRBY', 'sd:totals', 'peers', -1)
    if redis.call('SREM', 'sd:{' .. ih .. '}:seeds', id) == 1 then redis.call('HINCRBY', 'sd:totals', 'seeders', -1) end
  end
  if redis.call('ZCARD', seen) == 0 then redis.call('ZREM', 'sd:swarms', ih) end
end
`;

/**
 * KEYS: none. ARGV: info hash, peer id, process, complete (0/1), now, deadline, wanted candidates, client address.
 * Returns {-1} when a live other process owns the peer id (nothing changed), else {peers, seeders, candidates,
 * spread}: one random peer from each of up to `want` random client addresses first (the first `spread`), then any
 * peers (fewer addresses than wanted), so an address with many peers gets no more offers than one with a single
 * peer.
 */
const ANNOUNCE = `${PRUNE}
local ih, id, proc, complete, now, deadline, want = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
prune(ih, deadline)
local seen, procs, seeds = 'sd:{' .. ih .. '}:seen', 'sd:{' .. ih .. '}:proc', 'sd:{' .. ih .. '}:seeds'
local owner = redis.call('HGET', procs, id)
if owner and owner ~= proc and redis.call('EXISTS', 'sd:alive:' .. owner) == 1 then return {-1} end
if redis.call('ZADD', seen, now, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'peers', 1) end
redis.call('HSET', procs, id, proc)
local addrs, acount, addr = 'sd:{' .. ih .. '}:addr', 'sd:{' .. ih .. '}:acount', ARGV[8]
local old = redis.call('HGET', addrs, id)
if old ~= addr then
  if old then forget(ih, id) end
  redis.call('HSET', addrs, id, addr)
  redis.call('SADD', 'sd:{' .. ih .. '}:a:' .. addr, id)
  redis.call('HINCRBY', acount, addr, 1)
end
if complete == '1' then
  if redis.call('SADD', seeds, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'seeders', 1) end
else
  if redis.call('SREM', seeds, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'seeders', -1) end
end
redis.call('ZADD', 'sd:swarms', now, ih)
local candidates, spread = {}, 0
if want > 0 then
  local alive, taken = {}, {}
  local function consider(peer)
    if peer == id or taken[peer] or #candidates >= want * 2 then return end
    local owner = redis.call('HGET', procs, peer)
    if not owner then return end
    if alive[owner] == nil then alive[owner] = redis.call('EXISTS', 'sd:alive:' .. owner) == 1 end
    if alive[owner] then
      taken[peer] = true
      candidates[#candidates + 1] = peer
      candidates[#candidates + 1] = owner
    end
  end
  for _, a in ipairs(redis.call('HRANDFIELD', acount, want + 1)) do
    for _, peer in ipairs(redis.call('SRANDMEMBER', 'sd:{' .. ih .. '}:a:' .. a, 2)) do
      if peer ~= id then
        consider(peer)
        break
      end
    end
  end
  spread = #candidates / 2
  if #candidates < want * 2 then
    for _, peer in ipairs(redis.call('HRANDFIELD', procs, want * 2 + 2)) do consider(peer) end
  end
end
return {redis.call('ZCARD', seen), redis.call('SCARD', seeds), candidates, spread}
`;

/** ARGV: info hash, peer id, process. Only the owner's leave removes the peer. */
const LEAVE = `${PRUNE}
local ih, id, proc = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', 'sd:{' .. ih .. '}:proc', id) ~= proc then return 0 end
local seen = 'sd:{' .. ih .. '}:seen'
if redis.call('ZREM', seen, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'peers', -1) end
redis.call('HDEL', 'sd:{' .. ih .. '}:proc', id)
forget(ih, id)
if redis.call('SREM', 'sd:{' .. ih .. '}:seeds', id) == 1 then redis.call('HINCRBY', 'sd:totals', 'seeders', -1) end
if redis.call('ZCARD', seen) == 0 then redis.call('ZREM', 'sd:swarms', ih) end
return 1
`;

/** ARGV: deadline, then info hashes. Returns complete, incomplete pairs. */
const COUNTS = `${PRUNE}
local out = {}
for i = 2, #ARGV do
  local ih = ARGV[i]
  prune(ih, ARGV[1])
  local total = redis.call('ZCARD', 'sd:{' .. ih .. '}:seen')
  local seeds = redis.call('SCARD', 'sd:{' .. ih .. '}:seeds')
  out[#out + 1] = seeds
  out[#out + 1] = total - seeds
end
return out
`;

/** ARGV: deadline. Prunes up to a batch of swarms that went quiet, then returns swarms, peers, seeders. */
const TOTALS = `${PRUNE}
local quiet = redis.call('ZRANGEBYSCORE', 'sd:swarms', '-inf', ARGV[1], 'LIMIT', 0, 64)
for _, ih in ipairs(quiet) do prune(ih, ARGV[1]) end
local t = redis.call('HMGET', 'sd:totals', 'peers', 'seeders')
return {redis.call('ZCARD', 'sd:swarms'), tonumber(t[1] or '0') or 0, tonumber(t[2] or '0') or 0}
`;

export interface RedisDirectoryOptions {
  url: string;
  /** This process's id, unique in the cluster. */
  process: string;
  /** A peer not heard from for this long is dropped. */
  peerTimeoutMs: number;
  leaseMs?: number;
  /** A message published to this process's inbox. */
  onMessage: (message: unknown) => void;
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

  constructor(private readonly options: RedisDirectoryOptions) {
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
    this.subscriber.on('message', (_channel: string, text: string) => {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      this.options.onMessage(message);
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
    await this.commands.set(`sd:alive:${this.options.process}`, String(Date.now()), 'PX', this.leaseMs);
  }

  async announce(a: DirectoryAnnounce): Promise<DirectoryAnnounceResult> {
    const reply = (await this.commands.eval(
      ANNOUNCE,
      0,
      a.infoHash,
      a.peerId,
      this.options.process,
      a.complete ? '1' : '0',
      a.now,
      a.now - this.options.peerTimeoutMs,
      Math.max(0, Math.floor(a.want)),
      a.address ?? `#${a.peerId}`,
    )) as [number, number, string[], number];
    const [total, seeds, flat, spread] = reply;
    if (total === -1) return { complete: 0, incomplete: 0, candidates: [], inUse: true };
    const candidates: Candidate[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) candidates.push({ peerId: flat[i], process: flat[i + 1] });
    // Redis returns its picks in no random order: shuffled within each tier (one per address, then any).
    shuffle(candidates, 0, spread);
    shuffle(candidates, spread, candidates.length);
    return { complete: seeds, incomplete: total - seeds, candidates, inUse: false };
  }

  /** Removes the peer if this process owns it. */
  async leave(infoHash: string, peerId: string): Promise<void> {
    await this.commands.eval(LEAVE, 0, infoHash, peerId, this.options.process);
  }

  async counts(infoHashes: string[], now: number): Promise<Map<string, SwarmCounts>> {
    const out = new Map<string, SwarmCounts>();
    if (infoHashes.length === 0) return out;
    const flat = (await this.commands.eval(
      COUNTS,
      0,
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
    const [swarms, peers, seeders] = (await this.commands.eval(
      TOTALS,
      0,
      now - this.options.peerTimeoutMs,
    )) as number[];
    return { swarms, peers: Math.max(0, peers), seeders: Math.max(0, seeders) };
  }

  /** Publishes a message (any JSON object; the tracker sends ClusterMessages) to another process's inbox. */
  async send(process: string, message: object): Promise<void> {
    await this.commands.publish(inbox(process), JSON.stringify(message));
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
