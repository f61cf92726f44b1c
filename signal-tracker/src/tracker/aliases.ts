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
 * An announce in `swarm` named `alias` as the other info hash of its torrent. It binds only when neither hash is
 * bound yet (the first claim wins, and a hash has at most one alias) and the two swarms share no peer id; the
 * swarm with fewer peers joins the other, and the binding goes when the swarm empties. False when refused.
 */
export function bindAlias(
  table: AliasTable,
  counters: TrackerCounters,
  swarm: Swarm,
  alias: string,
): boolean {
  if (swarm.alias === alias || swarm.infoHash === alias) return true;
  const other = table.get(alias);
  if (swarm.alias !== null || (other && (other.alias !== null || swarm.sharesPeerIdWith(other)))) {
    counters.aliasesRefused++;
    return false;
  }
  if (other) {
    const [kept, joined] = other.size > swarm.size ? [other, swarm] : [swarm, other];
    kept.absorb(joined);
    table.addAlias(kept, joined.infoHash);
  } else {
    table.addAlias(swarm, alias);
  }
  counters.aliasesBound++;
  return true;
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
