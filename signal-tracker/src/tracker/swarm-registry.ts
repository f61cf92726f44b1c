// Every swarm of this process by info hash (a swarm bound to an alias under both of its hashes), the peers in
// them, and the peers by client name: joining, leaving, expiry and the totals.
import type { AnnounceMessage } from '../../../shared/codec/tracker-protocol';
import { clientName } from './peer-client';
import { Swarm, type Peer, type Session } from './socket-session';

export type RemovalReason = 'stopped' | 'closed' | 'expired' | 'evicted';
export type RemovalListener = (infoHash: string, peerId: string, reason: RemovalReason, peer: Peer) => void;

export class SwarmRegistry {
  /** Swarms by info hash: a swarm bound to an alias is here under both of its hashes. */
  private readonly swarms = new Map<string, Swarm>();
  /** Swarms bound to an alias (each is twice in `swarms`). */
  private aliasTotal = 0;
  private peerTotal = 0;
  /** Peers by client name, for the public totals. */
  private readonly clients = new Map<string, number>();
  private readonly removalListeners = new Set<RemovalListener>();

  get(infoHash: string): Swarm | undefined {
    return this.swarms.get(infoHash);
  }

  get swarmCount(): number {
    return this.swarms.size - this.aliasTotal;
  }

  get peerCount(): number {
    return this.peerTotal;
  }

  /** Each swarm once (one bound to an alias is in the map twice). */
  distinct(): Swarm[] {
    const swarms: Swarm[] = [];
    for (const [infoHash, swarm] of this.swarms) if (infoHash === swarm.infoHash) swarms.push(swarm);
    return swarms;
  }

  /** Peers by client name, the most common first. */
  clientCounts(): Record<string, number> {
    return Object.fromEntries([...this.clients].sort((a, b) => b[1] - a[1]));
  }

  /** Calls `listener` whenever a peer leaves a swarm; returns the unsubscribe function. */
  onRemoval(listener: RemovalListener): () => void {
    this.removalListeners.add(listener);
    return () => this.removalListeners.delete(listener);
  }

  /** A new peer of `session` in the swarm of `infoHash` (made if there is none). */
  join(session: Session, infoHash: string, peerId: string, message: AnnounceMessage, now: number): Peer {
    let swarm = this.swarms.get(infoHash);
    if (!swarm) {
      swarm = new Swarm(infoHash);
      this.swarms.set(infoHash, swarm);
    }
    const peer = swarm.add(peerId, session, message, now);
    session.join(peer);
    this.peerTotal++;
    const name = clientName(peerId);
    this.clients.set(name, (this.clients.get(name) ?? 0) + 1);
    return peer;
  }

  /** Files `swarm` under `hash` too, as its alias. */
  addAlias(swarm: Swarm, hash: string): void {
    swarm.alias = hash;
    this.swarms.set(hash, swarm);
    this.aliasTotal++;
  }

  /** Takes `peer` out of its swarm (which goes, with its alias, once empty) and tells the removal listeners. */
  remove(peer: Peer, reason: RemovalReason): void {
    const swarm = this.swarms.get(peer.infoHash);
    if (!swarm || swarm.get(peer.peerId) !== peer) return;
    swarm.remove(peer);
    peer.session.leave(peer);
    this.peerTotal--;
    const name = clientName(peer.peerId);
    const count = (this.clients.get(name) ?? 1) - 1;
    if (count === 0) this.clients.delete(name);
    else this.clients.set(name, count);
    if (swarm.size === 0) {
      this.swarms.delete(swarm.infoHash);
      if (swarm.alias !== null) {
        this.swarms.delete(swarm.alias);
        this.aliasTotal--;
      }
    }
    for (const listener of this.removalListeners) listener(peer.infoHash, peer.peerId, reason, peer);
  }

  /** Drops every peer last heard from before `deadline`; returns how many. */
  expire(deadline: number): number {
    let dropped = 0;
    for (const swarm of this.distinct()) {
      for (const peer of swarm.staleBefore(deadline)) {
        this.remove(peer, 'expired');
        dropped++;
      }
    }
    return dropped;
  }
}
