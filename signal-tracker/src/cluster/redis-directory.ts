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
//   sd:{<info hash>}:home   HASH  peer id -> the hash it announced, where that is the swarm's alias
//   sd:alias:<info hash>    STRING a swarm bound to an alias: '=' .. alias on its own hash, '>' .. its hash on the
//                                 alias's (every call on the alias goes to the swarm's keys); gone with the swarm
//   sd:swarms               ZSET  info hash -> last announce (ms)
//   sd:totals               HASH  peers, seeders (kept by the scripts)
//   sd:alive:<process id>   STRING with a time-to-live: the process's lease
//   sd:inbox:<process id>   pub/sub channel of the process
// Every announce is one script call (upsert, expiry of the swarm's stale peers, counts and the offer candidates), so
// an announce costs one round trip whatever the swarm's size. A peer id belongs to the process that announced it
// first: another process's announce with it is refused in the same script (while the owner's lease lives and the
// peer has not expired), and a leave removes it only for its owner. An announce's alias (`info_hash_alias`) binds on
// the cluster's first claim, as in one process (tracker/aliases.ts, `bindAlias`): neither hash bound yet, no peer id in both
// swarms; the smaller swarm's peers move to the larger's keys in the same script.
import { Redis } from 'ioredis';
import { ClusterOutbox } from './cluster-outbox';
import type {
  Candidate,
  ClusterDirectory,
  ClusterMessage,
  ClusterTotals,
  DirectoryAnnounce,
  DirectoryAnnounceResult,
  SwarmCounts,
} from './directory';
import { decodeBatch, FIELD_LIMITS } from './message-codec';
import { RedisScript } from './redis-script';

/** How long a process's lease lasts; it is renewed three times per lease. */
export const DEFAULT_LEASE_MS = 6_000;
/** Stale peers removed per swarm per script call (the rest go at later calls). */
const PRUNE_BATCH = 256;

const PRUNE = `
local function canonical(h)
  local v = redis.call('GET', 'sd:alias:' .. h)
  if v and string.sub(v, 1, 1) == '>' then return string.sub(v, 2) end
  return h
end
local function drop(ih)
  redis.call('ZREM', 'sd:swarms', ih)
  local v = redis.call('GET', 'sd:alias:' .. ih)
  if v then redis.call('DEL', 'sd:alias:' .. ih, 'sd:alias:' .. string.sub(v, 2)) end
end
local function forget(ih, id)
  redis.call('HDEL', 'sd:{' .. ih .. '}:home', id)
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
  if redis.call('ZCARD', seen) == 0 then drop(ih) end
end
`;

/** Binding an alias: the peers of one swarm move to another's keys (the caller checked they share no peer id). */
const BIND = `
local function move(from, to)
  local f, t = 'sd:{' .. from .. '}:', 'sd:{' .. to .. '}:'
  local peers = redis.call('ZRANGE', f .. 'seen', 0, -1, 'WITHSCORES')
  for i = 1, #peers, 2 do
    local id = peers[i]
    redis.call('ZADD', t .. 'seen', peers[i + 1], id)
    local owner = redis.call('HGET', f .. 'proc', id)
    if owner then redis.call('HSET', t .. 'proc', id, owner) end
    if redis.call('SISMEMBER', f .. 'seeds', id) == 1 then redis.call('SADD', t .. 'seeds', id) end
    local a = redis.call('HGET', f .. 'addr', id)
    if a then
      redis.call('HSET', t .. 'addr', id, a)
      redis.call('SADD', t .. 'a:' .. a, id)
      redis.call('HINCRBY', t .. 'acount', a, 1)
    end
    redis.call('HSET', t .. 'home', id, redis.call('HGET', f .. 'home', id) or from)
  end
  for _, a in ipairs(redis.call('HKEYS', f .. 'acount')) do redis.call('DEL', f .. 'a:' .. a) end
  redis.call('DEL', f .. 'seen', f .. 'proc', f .. 'seeds', f .. 'addr', f .. 'acount', f .. 'home')
  redis.call('ZREM', 'sd:swarms', from)
end
local function shares(a, b)
  local sa, sb = 'sd:{' .. a .. '}:seen', 'sd:{' .. b .. '}:seen'
  if redis.call('ZCARD', sa) > redis.call('ZCARD', sb) then sa, sb = sb, sa end
  for _, id in ipairs(redis.call('ZRANGE', sa, 0, -1)) do
    if redis.call('ZSCORE', sb, id) then return true end
  end
  return false
end
-- Binds alias to the swarm ih (its own hash, holding the claimant) if neither hash is bound and the swarms share no
-- peer id; returns the swarm's hash afterwards (the larger swarm's).
local function bind(ih, alias, now, deadline)
  if alias == '' or alias == ih then return ih end
  if redis.call('EXISTS', 'sd:alias:' .. ih) == 1 or redis.call('EXISTS', 'sd:alias:' .. alias) == 1 then return ih end
  prune(alias, deadline)
  if shares(ih, alias) then return ih end
  local kept, joined = ih, alias
  if redis.call('ZCARD', 'sd:{' .. alias .. '}:seen') > redis.call('ZCARD', 'sd:{' .. ih .. '}:seen') then kept, joined = alias, ih end
  move(joined, kept)
  redis.call('SET', 'sd:alias:' .. kept, '=' .. joined)
  redis.call('SET', 'sd:alias:' .. joined, '>' .. kept)
  redis.call('ZADD', 'sd:swarms', now, kept)
  return kept
end
`;

/**
 * KEYS: none. ARGV: info hash, peer id, process, complete (0/1), now, deadline, wanted candidates, client address,
 * alias ('' for none). Returns {-1} when a live other process owns the peer id (nothing changed), else {peers,
 * seeders, candidates, spread, alias}: candidates as (peer id, process, hash it announced) triples, one random peer
 * from each of up to `want` random client addresses first (the first `spread`), then any peers (fewer addresses
 * than wanted), so an address with many peers gets no more offers than one with a single peer; alias is the
 * swarm's other hash seen from the announced one when the swarm is bound to one ('' if not).
 */
const ANNOUNCE = new RedisScript(`${PRUNE}${BIND}
local announced, id, proc, complete, now, deadline, want = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local ih = canonical(announced)
prune(ih, deadline)
local owner = redis.call('HGET', 'sd:{' .. ih .. '}:proc', id)
if owner and owner ~= proc and redis.call('EXISTS', 'sd:alive:' .. owner) == 1 then return {-1} end
local function upsert(ih)
  local seen, seeds = 'sd:{' .. ih .. '}:seen', 'sd:{' .. ih .. '}:seeds'
  if redis.call('ZADD', seen, now, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'peers', 1) end
  redis.call('HSET', 'sd:{' .. ih .. '}:proc', id, proc)
  local addrs, acount, addr = 'sd:{' .. ih .. '}:addr', 'sd:{' .. ih .. '}:acount', ARGV[8]
  local old = redis.call('HGET', addrs, id)
  if old ~= addr then
    if old then forget(ih, id) end
    redis.call('HSET', addrs, id, addr)
    redis.call('SADD', 'sd:{' .. ih .. '}:a:' .. addr, id)
    redis.call('HINCRBY', acount, addr, 1)
  end
  if announced ~= ih then redis.call('HSET', 'sd:{' .. ih .. '}:home', id, announced)
  else redis.call('HDEL', 'sd:{' .. ih .. '}:home', id) end
  if complete == '1' then
    if redis.call('SADD', seeds, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'seeders', 1) end
  else
    if redis.call('SREM', seeds, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'seeders', -1) end
  end
  redis.call('ZADD', 'sd:swarms', now, ih)
end
upsert(ih)
ih = bind(ih, ARGV[9], now, deadline)
local seen, procs, seeds = 'sd:{' .. ih .. '}:seen', 'sd:{' .. ih .. '}:proc', 'sd:{' .. ih .. '}:seeds'
local acount, homes = 'sd:{' .. ih .. '}:acount', 'sd:{' .. ih .. '}:home'
local candidates, picked, spread = {}, 0, 0
if want > 0 then
  local alive, taken = {}, {}
  -- Takes peers in order while they are wanted: each once, never the announcer, only of a live process. Their
  -- owners come in one HMGET (or with HRANDFIELD's values), their own hashes in one HMGET at the end.
  local function consider(peers, owners)
    for i, peer in ipairs(peers) do
      local owner = owners[i]
      if picked < want and peer ~= id and owner and not taken[peer] then
        if alive[owner] == nil then alive[owner] = redis.call('EXISTS', 'sd:alive:' .. owner) == 1 end
        if alive[owner] then
          taken[peer] = true
          picked = picked + 1
          candidates[#candidates + 1] = peer
          candidates[#candidates + 1] = owner
          candidates[#candidates + 1] = ih
        end
      end
    end
  end
  -- A random peer of each address other than the announcer: SRANDMEMBER without a count (cheaper in Redis than
  -- with one), and with a count of 2 only when it drew the announcer itself.
  local spreadPeers, prefix = {}, 'sd:{' .. ih .. '}:a:'
  for _, a in ipairs(redis.call('HRANDFIELD', acount, want + 1)) do
    local peer = redis.call('SRANDMEMBER', prefix .. a)
    if peer == id then
      for _, other in ipairs(redis.call('SRANDMEMBER', prefix .. a, 2)) do
        if other ~= id then
          peer = other
          break
        end
      end
    end
    if peer and peer ~= id then spreadPeers[#spreadPeers + 1] = peer end
  end
  if #spreadPeers > 0 then consider(spreadPeers, redis.call('HMGET', procs, unpack(spreadPeers))) end
  spread = picked
  if picked < want then
    local flat, peers, owners = redis.call('HRANDFIELD', procs, want * 2 + 2, 'WITHVALUES'), {}, {}
    for i = 1, #flat, 2 do
      peers[#peers + 1] = flat[i]
      owners[#owners + 1] = flat[i + 1]
    end
    consider(peers, owners)
  end
  if picked > 0 then
    local ids = {}
    for i = 1, #candidates, 3 do ids[#ids + 1] = candidates[i] end
    for k, home in ipairs(redis.call('HMGET', homes, unpack(ids))) do
      if home then candidates[3 * k] = home end
    end
  end
end
local alias = redis.call('GET', 'sd:alias:' .. ih)
local other = ''
if alias then
  other = string.sub(alias, 2)
  if announced ~= ih then other = ih end
end
return {redis.call('ZCARD', seen), redis.call('SCARD', seeds), candidates, spread, other}
`);

/** ARGV: info hash, peer id, process. Only the owner's leave removes the peer. */
const LEAVE = new RedisScript(`${PRUNE}
local ih, id, proc = canonical(ARGV[1]), ARGV[2], ARGV[3]
if redis.call('HGET', 'sd:{' .. ih .. '}:proc', id) ~= proc then return 0 end
local seen = 'sd:{' .. ih .. '}:seen'
if redis.call('ZREM', seen, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'peers', -1) end
redis.call('HDEL', 'sd:{' .. ih .. '}:proc', id)
forget(ih, id)
if redis.call('SREM', 'sd:{' .. ih .. '}:seeds', id) == 1 then redis.call('HINCRBY', 'sd:totals', 'seeders', -1) end
if redis.call('ZCARD', seen) == 0 then drop(ih) end
return 1
`);

/** ARGV: deadline, then info hashes. Returns complete, incomplete pairs. */
const COUNTS = new RedisScript(`${PRUNE}
local out = {}
for i = 2, #ARGV do
  local ih = canonical(ARGV[i])
  prune(ih, ARGV[1])
  local total = redis.call('ZCARD', 'sd:{' .. ih .. '}:seen')
  local seeds = redis.call('SCARD', 'sd:{' .. ih .. '}:seeds')
  out[#out + 1] = seeds
  out[#out + 1] = total - seeds
end
return out
`);

/** ARGV: deadline. Prunes up to a batch of swarms that went quiet, then returns swarms, peers, seeders. */
const TOTALS = new RedisScript(`${PRUNE}
local quiet = redis.call('ZRANGEBYSCORE', 'sd:swarms', '-inf', ARGV[1], 'LIMIT', 0, 64)
for _, ih in ipairs(quiet) do prune(ih, ARGV[1]) end
local t = redis.call('HMGET', 'sd:totals', 'peers', 'seeders')
return {redis.call('ZCARD', 'sd:swarms'), tonumber(t[1] or '0') or 0, tonumber(t[2] or '0') or 0}
`);

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
    await this.commands.set(`sd:alive:${this.options.process}`, String(Date.now()), 'PX', this.leaseMs);
  }

  async announce(a: DirectoryAnnounce): Promise<DirectoryAnnounceResult> {
    const reply = (await ANNOUNCE.run(
      this.commands,
      a.infoHash,
      a.peerId,
      this.options.process,
      a.complete ? '1' : '0',
      a.now,
      a.now - this.options.peerTimeoutMs,
      Math.max(0, Math.floor(a.want)),
      a.address ?? `#${a.peerId}`,
      a.alias ?? '',
    )) as [number, number, string[], number, string];
    const [total, seeds, flat, spread, alias] = reply;
    if (total === -1) return { complete: 0, incomplete: 0, candidates: [], inUse: true };
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
      inUse: false,
    };
    if (alias) result.alias = alias;
    return result;
  }

  /** Removes the peer if this process owns it. */
  async leave(infoHash: string, peerId: string): Promise<void> {
    await LEAVE.run(this.commands, infoHash, peerId, this.options.process);
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
