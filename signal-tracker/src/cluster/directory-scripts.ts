// The Lua scripts of the cluster's directory in Redis (redis-directory.ts runs them): each runs atomically, so a
// claim of a peer id, an alias binding or a leave is decided once for the whole cluster. Each is called by its SHA-1
// (redis-script.ts).
//
// Keys (one hash tag per swarm, so a swarm's keys would stay on one Redis Cluster slot):
//   sd:{<info hash>}:seen   ZSET  peer id -> last announce (ms)
//   sd:{<info hash>}:owner  HASH  peer id -> the connection that holds it: process id '/' incarnation '.' serial
//   sd:{<info hash>}:holds  HASH  connection -> the one peer id it holds here
//   sd:{<info hash>}:seeds  SET   peer ids that are seeders
//   sd:{<info hash>}:addr   HASH  peer id -> client address key
//   sd:{<info hash>}:acount HASH  client address key -> its peers here
//   sd:{<info hash>}:a:<a>  SET   peer ids from client address <a>
//   sd:{<info hash>}:home   HASH  peer id -> the hash it announced, where that is the swarm's alias
//   sd:alias:<info hash>    STRING a swarm bound to an alias: '=' .. alias on its own hash, '>' .. its hash on the
//                                 alias's (every call on the alias goes to the swarm's keys); gone with the swarm
//   sd:swarms               ZSET  info hash -> last announce (ms)
//   sd:totals               HASH  peers, seeders (kept by the scripts)
//   sd:alive:<process id>   STRING with a time-to-live: the process's lease, holding its incarnation (made at each
//                                 start, so the claims of a process restarted under the same id end with it)
//
// A peer id in a swarm, under either of its hashes, belongs to one connection: the first to announce it. Another
// connection's announce with it, on any process, is refused while the owner's process (that incarnation of it) holds
// its lease and the peer has not expired; only the owner's announce updates it, and only the owner's leave removes it. A connection holds
// one peer id per swarm. An alias binds on the cluster's first claim, as in one process (tracker/aliases.ts):
// neither hash bound yet, no peer id and no connection in both swarms; the smaller swarm's peers move to the
// larger's keys in the same script.

import { RedisScript } from './redis-script';

/** Stale peers removed per swarm per script call (the rest go at later calls). */
const PRUNE_BATCH = 256;

const PRUNE = `
local function canonical(h)
  local v = redis.call('GET', 'sd:alias:' .. h)
  if v and string.sub(v, 1, 1) == '>' then return string.sub(v, 2) end
  return h
end
-- An owner's process id and incarnation: the claim lives while that incarnation of the process holds the lease.
local function leaseOf(owner)
  return string.match(owner, '^(.*)/([^/]*)%.')
end
local function alive(process, incarnation)
  return redis.call('GET', 'sd:alive:' .. process) == incarnation
end
local function drop(ih)
  redis.call('ZREM', 'sd:swarms', ih)
  local v = redis.call('GET', 'sd:alias:' .. ih)
  if v then redis.call('DEL', 'sd:alias:' .. ih, 'sd:alias:' .. string.sub(v, 2)) end
end
local function unclaim(ih, id)
  local owners, holds = 'sd:{' .. ih .. '}:owner', 'sd:{' .. ih .. '}:holds'
  local owner = redis.call('HGET', owners, id)
  if not owner then return end
  redis.call('HDEL', owners, id)
  if redis.call('HGET', holds, owner) == id then redis.call('HDEL', holds, owner) end
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
local function remove(ih, id)
  unclaim(ih, id)
  forget(ih, id)
  redis.call('HINCRBY', 'sd:totals', 'peers', -1)
  if redis.call('SREM', 'sd:{' .. ih .. '}:seeds', id) == 1 then redis.call('HINCRBY', 'sd:totals', 'seeders', -1) end
end
local function prune(ih, deadline)
  local seen = 'sd:{' .. ih .. '}:seen'
  local stale = redis.call('ZRANGEBYSCORE', seen, '-inf', deadline, 'LIMIT', 0, ${PRUNE_BATCH})
  for _, id in ipairs(stale) do
    redis.call('ZREM', seen, id)
    remove(ih, id)
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
    local owner = redis.call('HGET', f .. 'owner', id)
    if owner then
      redis.call('HSET', t .. 'owner', id, owner)
      redis.call('HSET', t .. 'holds', owner, id)
    end
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
  redis.call('DEL', f .. 'seen', f .. 'owner', f .. 'holds', f .. 'seeds', f .. 'addr', f .. 'acount', f .. 'home')
  redis.call('ZREM', 'sd:swarms', from)
end
-- Whether a field is in both hashes: O(the smaller).
local function overlap(a, b)
  if redis.call('HLEN', a) > redis.call('HLEN', b) then a, b = b, a end
  for _, field in ipairs(redis.call('HKEYS', a)) do
    if redis.call('HEXISTS', b, field) == 1 then return true end
  end
  return false
end
local function shares(a, b)
  local pa, pb = 'sd:{' .. a .. '}:', 'sd:{' .. b .. '}:'
  return overlap(pa .. 'owner', pb .. 'owner') or overlap(pa .. 'holds', pb .. 'holds')
end
-- Binds alias to the swarm ih (its own hash, holding the claimant) if neither hash is bound and the swarms share no
-- peer id and no connection; returns the swarm's hash afterwards (the larger swarm's).
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
 * KEYS: none. ARGV: info hash, peer id, connection (see `owner` above), complete (0/1), now, deadline,
 * wanted candidates, client address, alias ('' for none). Returns {-1} when another connection holds the peer id in
 * the swarm and its process lives, {-2} when this connection holds another peer id there (nothing changed either
 * way), else {peers, seeders, candidates, spread, alias}: candidates as (peer id, process, hash it announced)
 * triples, one random peer from each of up to `want` random client addresses first (the first `spread`), then any
 * peers (fewer addresses than wanted), so an address with many peers gets no more offers than one with a single
 * peer; alias is the swarm's other hash seen from the announced one when the swarm is bound to one ('' if not).
 * The hash a peer is offered under is the one its connection first announced: a later announce under the other
 * hash changes its counts, not where its offers go.
 */
export const ANNOUNCE = new RedisScript(`${PRUNE}${BIND}
local announced, id, me, complete, now, deadline, want = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local ih = canonical(announced)
prune(ih, deadline)
local owners, holds = 'sd:{' .. ih .. '}:owner', 'sd:{' .. ih .. '}:holds'
local owner = redis.call('HGET', owners, id)
if owner ~= me then
  if owner and alive(leaseOf(owner)) then return {-1} end
  local held = redis.call('HGET', holds, me)
  if held and held ~= id then return {-2} end
end
local function claim(ih)
  if owner == me then return end
  if owner then redis.call('HDEL', holds, owner) end
  redis.call('HSET', owners, id, me)
  redis.call('HSET', holds, me, id)
  if announced ~= ih then redis.call('HSET', 'sd:{' .. ih .. '}:home', id, announced)
  else redis.call('HDEL', 'sd:{' .. ih .. '}:home', id) end
end
local function upsert(ih)
  local seen, seeds = 'sd:{' .. ih .. '}:seen', 'sd:{' .. ih .. '}:seeds'
  if redis.call('ZADD', seen, now, id) == 1 then redis.call('HINCRBY', 'sd:totals', 'peers', 1) end
  claim(ih)
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
end
upsert(ih)
ih = bind(ih, ARGV[9], now, deadline)
local seen, seeds = 'sd:{' .. ih .. '}:seen', 'sd:{' .. ih .. '}:seeds'
owners = 'sd:{' .. ih .. '}:owner'
local acount, homes = 'sd:{' .. ih .. '}:acount', 'sd:{' .. ih .. '}:home'
local candidates, picked, spread = {}, 0, 0
if want > 0 then
  local live, taken = {}, {}
  -- Takes peers in order while they are wanted: each once, never the announcer, only of a connection whose process
  -- (that incarnation of it) lives. Their owning connections come in one HMGET (or with HRANDFIELD's values), their
  -- own hashes in one HMGET at the end.
  local function consider(peers, connections)
    for i, peer in ipairs(peers) do
      local owner = connections[i]
      if picked < want and peer ~= id and owner and not taken[peer] then
        local process, incarnation = leaseOf(owner)
        local lease = process .. '/' .. incarnation
        if live[lease] == nil then live[lease] = alive(process, incarnation) end
        if live[lease] then
          taken[peer] = true
          picked = picked + 1
          candidates[#candidates + 1] = peer
          candidates[#candidates + 1] = process
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
  if #spreadPeers > 0 then consider(spreadPeers, redis.call('HMGET', owners, unpack(spreadPeers))) end
  spread = picked
  if picked < want then
    local flat, peers, connections = redis.call('HRANDFIELD', owners, want * 2 + 2, 'WITHVALUES'), {}, {}
    for i = 1, #flat, 2 do
      peers[#peers + 1] = flat[i]
      connections[#connections + 1] = flat[i + 1]
    end
    consider(peers, connections)
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

/** ARGV: info hash, peer id, connection. Only the leave of the connection that holds the peer id removes it. */
export const LEAVE = new RedisScript(`${PRUNE}
local ih, id, me = canonical(ARGV[1]), ARGV[2], ARGV[3]
if redis.call('HGET', 'sd:{' .. ih .. '}:owner', id) ~= me then return 0 end
local seen = 'sd:{' .. ih .. '}:seen'
if redis.call('ZREM', seen, id) == 1 then remove(ih, id) end
if redis.call('ZCARD', seen) == 0 then drop(ih) end
return 1
`);

/** ARGV: deadline, then info hashes. Returns complete, incomplete pairs. */
export const COUNTS = new RedisScript(`${PRUNE}
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
export const TOTALS = new RedisScript(`${PRUNE}
local quiet = redis.call('ZRANGEBYSCORE', 'sd:swarms', '-inf', ARGV[1], 'LIMIT', 0, 64)
for _, ih in ipairs(quiet) do prune(ih, ARGV[1]) end
local t = redis.call('HMGET', 'sd:totals', 'peers', 'seeders')
return {redis.call('ZCARD', 'sd:swarms'), tonumber(t[1] or '0') or 0, tonumber(t[2] or '0') or 0}
`);
