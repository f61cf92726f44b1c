// A hybrid torrent's two info hashes as one swarm: an announce's `info_hash_alias` claims the other hash, and a
// bound swarm answers to both. Nobody can prove a claim, so binding is bounded (docs/security.md, "Aliases").
import type { TrackerCounters } from './counters';
import type { Session, Swarm } from './socket-session';

/** What binding needs of the swarm registry. */
export interface AliasTable {
  get(infoHash: string): Swarm | undefined;
  addAlias(swarm: Swarm, hash: string): void;
}

/**
 * An announce in `swarm` named `alias` as the other info hash of its torrent (see joinAlias), counted as bound or
 * refused. True when the swarm is bound to `alias` afterwards.
 */
export function bindAlias(
  table: AliasTable,
  counters: TrackerCounters,
  swarm: Swarm,
  alias: string,
): boolean {
  if (swarm.alias === alias || swarm.infoHash === alias) return true;
  if (!joinAlias(table, swarm, alias)) {
    counters.aliasesRefused++;
    return false;
  }
  counters.aliasesBound++;
  return true;
}

/**
 * Binds `alias` to `swarm` only when neither hash is bound yet (the first claim wins, and a hash has at most one
 * alias) and the two swarms share no peer id and no connection (a connection holds one peer id per swarm); the
 * swarm with fewer peers joins the other, and the binding goes when the swarm empties. False when refused.
 */
export function joinAlias(table: AliasTable, swarm: Swarm, alias: string): boolean {
  if (swarm.alias === alias || swarm.infoHash === alias) return true;
  const other = table.get(alias);
  if (swarm.alias !== null) return false;
  if (other && (other.alias !== null || swarm.sharesPeerIdWith(other) || shareConnection(swarm, other)))
    return false;
  if (other) {
    const [kept, joined] = other.size > swarm.size ? [other, swarm] : [swarm, other];
    kept.absorb(joined);
    table.addAlias(kept, joined.infoHash);
  } else {
    table.addAlias(swarm, alias);
  }
  return true;
}

/** Whether one connection has a peer in both swarms. O(both swarms), only when a claim would bind them. */
function shareConnection(a: Swarm, b: Swarm): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const sessions = new Set<Session>();
  for (const peer of small.peers) sessions.add(peer.session);
  for (const peer of large.peers) if (sessions.has(peer.session)) return true;
  return false;
}

/** The other hash of a swarm bound to an alias, seen from `infoHash` (one of its two), or undefined. */
export function otherHash(swarm: Swarm | undefined, infoHash: string): string | undefined {
  if (!swarm || swarm.alias === null) return undefined;
  return infoHash === swarm.infoHash ? swarm.alias : swarm.infoHash;
}

/** Whether `session` has a peer in `swarm` (under either of its hashes). */
export function hasPeerIn(session: Session, swarm: Swarm): boolean {
  return (
    session.peerIn(swarm.infoHash) !== null || (swarm.alias !== null && session.peerIn(swarm.alias) !== null)
  );
}
