// The peers heard of through peer exchange: for each, which neighbours name it (so which of them can relay to it),
// its progress, and whether it has left. What a stranger can grow here is bounded: each neighbour names at most
// MAX_NAMED peers, and the table holds at most MAX_HEARD (room is made from the departed first; beyond that a new
// peer is not taken). A peer that no neighbour names any more, and that we are not connected to, has left: it is kept
// as departed for DEPARTED_KEEP_MS, so that it is not met, then forgotten.
import type { PeerIdHex, PeerKey } from '../contract/engine-types';

/** The most peers the table holds. */
export const MAX_HEARD = 500;
/** The most live peers one neighbour may name (a client keeps far fewer connections). */
export const MAX_NAMED = 100;
/** How long a departed peer is remembered. */
export const DEPARTED_KEEP_MS = 5 * 60_000;

export interface HeardPeer {
  readonly id: PeerIdHex;
  /** Thousandths of the pieces, as the last neighbour to name it said. */
  progress: number;
  /** The neighbours that name it now. */
  readonly namedBy: Set<PeerKey>;
  /** When it was known to have left (undefined: it has not). */
  departedAt: number | undefined;
}

export class HeardPeers {
  private readonly peers = new Map<PeerIdHex, HeardPeer>();
  private readonly named = new Map<PeerKey, Set<PeerIdHex>>();

  get size(): number {
    return this.peers.size;
  }

  get(id: PeerIdHex): HeardPeer | undefined {
    return this.peers.get(id);
  }

  /** Neighbour `by` names `id` with its progress; false when the name was not taken (a bound). */
  name(by: PeerKey, id: PeerIdHex, progress: number): boolean {
    const names = this.named.get(by) ?? new Set<PeerIdHex>();
    if (!names.has(id) && names.size >= MAX_NAMED) return false;
    const peer = this.peers.get(id) ?? this.add(id);
    if (!peer) return false;
    names.add(id);
    this.named.set(by, names);
    peer.namedBy.add(by);
    peer.progress = progress;
    peer.departedAt = undefined;
    return true;
  }

  /** Neighbour `by` no longer names `id` (it dropped it): named by nobody, and not connected to us, it has left. */
  unname(by: PeerKey, id: PeerIdHex, connected: (id: PeerIdHex) => boolean, now: number): void {
    this.named.get(by)?.delete(id);
    const peer = this.peers.get(id);
    if (!peer?.namedBy.delete(by)) return;
    if (peer.namedBy.size === 0 && !connected(id)) peer.departedAt = now;
  }

  /** Neighbour `by` sends its whole list again: what it named before is unnamed, then named anew. */
  replace(by: PeerKey, connected: (id: PeerIdHex) => boolean, now: number): void {
    for (const id of [...(this.named.get(by) ?? [])]) this.unname(by, id, connected, now);
  }

  /** Whether neighbour `by` names `id` now. */
  names(by: PeerKey, id: PeerIdHex): boolean {
    return this.named.get(by)?.has(id) === true;
  }

  /** The neighbours that can relay to `id` (they name it). */
  relaysFor(id: PeerIdHex): PeerKey[] {
    return [...(this.peers.get(id)?.namedBy ?? [])];
  }

  /** The neighbour `by` is gone: what only it named is forgotten (we lost the way to it, not the peer). */
  neighbourGone(by: PeerKey): void {
    for (const id of this.named.get(by) ?? []) {
      const peer = this.peers.get(id);
      peer?.namedBy.delete(by);
      if (peer && peer.namedBy.size === 0 && peer.departedAt === undefined) this.peers.delete(id);
    }
    this.named.delete(by);
  }

  /** Our own connection to `id` closed: named by no neighbour, it has left. */
  connectionClosed(id: PeerIdHex, now: number): void {
    const peer = this.peers.get(id) ?? this.add(id);
    if (peer && peer.namedBy.size === 0) peer.departedAt = now;
  }

  /** Whether `id` is known to have left. */
  departed(id: PeerIdHex): boolean {
    return this.peers.get(id)?.departedAt !== undefined;
  }

  /** The live peers heard of. */
  *live(): IterableIterator<HeardPeer> {
    for (const peer of this.peers.values()) if (peer.departedAt === undefined) yield peer;
  }

  /** Counts of live and departed peers. */
  counts(): { live: number; departed: number } {
    let departed = 0;
    for (const peer of this.peers.values()) if (peer.departedAt !== undefined) departed++;
    return { live: this.peers.size - departed, departed };
  }

  /** Departed peers older than DEPARTED_KEEP_MS are forgotten. */
  expire(now: number): void {
    for (const [id, peer] of this.peers)
      if (peer.departedAt !== undefined && now - peer.departedAt >= DEPARTED_KEEP_MS) this.peers.delete(id);
  }

  private add(id: PeerIdHex): HeardPeer | undefined {
    if (this.peers.size >= MAX_HEARD && !this.evictDeparted()) return undefined;
    const peer: HeardPeer = { id, progress: 0, namedBy: new Set(), departedAt: undefined };
    this.peers.set(id, peer);
    return peer;
  }

  /** Room for a new peer: the longest departed goes. */
  private evictDeparted(): boolean {
    let oldest: HeardPeer | undefined;
    for (const peer of this.peers.values())
      if (peer.departedAt !== undefined && (!oldest || peer.departedAt < (oldest.departedAt ?? 0)))
        oldest = peer;
    if (oldest) this.peers.delete(oldest.id);
    return oldest !== undefined;
  }
}
