// The torrent's open connections, as the worker knows them: which peers its session was told of, and each one's path
// (direct or relayed) as the page read it from the connection's statistics.
import type { PeerPath } from '../../lib/protocol';

export class PeerLinks {
  private readonly peers = new Set<string>();
  private readonly pathOf = new Map<string, PeerPath>();

  /** What the view shows of each connection's path. */
  get paths(): ReadonlyMap<string, PeerPath> {
    return this.pathOf;
  }

  has(peer: string): boolean {
    return this.peers.has(peer);
  }

  add(peer: string): void {
    this.peers.add(peer);
  }

  /** The page read the connection's path: kept while the peer is connected. */
  setPath(peer: string, path: PeerPath): void {
    if (this.peers.has(peer)) this.pathOf.set(peer, path);
  }

  /** The connection closed; true when the peer was connected. */
  delete(peer: string): boolean {
    this.pathOf.delete(peer);
    return this.peers.delete(peer);
  }

  /** Every connection goes (the torrent halted): the peers that were connected. */
  clear(): string[] {
    const peers = [...this.peers];
    this.peers.clear();
    this.pathOf.clear();
    return peers;
  }
}
