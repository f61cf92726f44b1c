// The torrent's open connections, as the worker knows them: which peers its session was told of, each one's path
// (direct or relayed) as the page read it from the connection's statistics, and the page's words for why no peer
// can be reached.
import type { PeerPath } from '../../lib/protocol';
import type { Post } from './context';

export class PeerLinks {
  private readonly peers = new Set<string>();
  private readonly pathOf = new Map<string, PeerPath>();
  private problem: string | undefined;

  /** `post`: tells the main thread to close a connection of the torrent `infoHashHex`. */
  constructor(
    private readonly infoHashHex: string,
    private readonly post: Post,
  ) {}

  /** What the view shows of each connection's path. */
  get paths(): ReadonlyMap<string, PeerPath> {
    return this.pathOf;
  }

  /** Why no peer can be reached, while that holds (undefined: nothing to say). */
  get unreachable(): string | undefined {
    return this.problem;
  }

  /** The page's diagnosis of the connection attempts. */
  setReachability(problem: string | undefined): void {
    this.problem = problem;
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

  /** A connection the torrent does not take (it is not running). */
  refuse(peer: string, reason: string): void {
    this.tellClosed(peer, reason);
  }

  /** The session closes a connection (if it is still open). */
  close(peer: string, reason: string): void {
    if (this.delete(peer)) this.tellClosed(peer, reason);
  }

  /** Every connection goes, with this reason (the torrent halted). */
  closeAll(reason: string): void {
    for (const peer of this.peers) this.tellClosed(peer, reason);
    this.peers.clear();
    this.pathOf.clear();
  }

  private tellClosed(peer: string, reason: string): void {
    this.post({ type: 'close', infoHashHex: this.infoHashHex, peer, reason });
  }
}
