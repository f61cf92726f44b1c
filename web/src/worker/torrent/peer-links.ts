// The torrent's open connections, as the worker knows them: each peer its session was told of with its transport
// (shared/host/peer-transport.ts: a channel this worker holds or one the page relays), each one's path (direct or
// relayed) as the page read it from the connection's statistics, and the page's words for why no peer can be reached.
import type { PeerPath } from '../../lib/messages/protocol';
import type { PeerReceiver, PeerTransport } from '../../../../shared/host/peer-transport';

/** What a torrent does with a connected peer's bytes and the state of its sends. */
export interface PeerEvents {
  peerData(peer: string, data: ArrayBuffer): void;
  peerBacklog(peer: string, backlogged: boolean): void;
  uploadQueue(bytes: number, byPeer?: ReadonlyArray<readonly [string, number]>): void;
}

/** The receiver a peer's transport hands its bytes to: the torrent's events for that peer. */
export function receiverOf(events: PeerEvents, peer: string): PeerReceiver {
  return {
    data: (data) => events.peerData(peer, data),
    backlog: (backlogged) => events.peerBacklog(peer, backlogged),
    uploadQueue: (bytes, byPeer) => events.uploadQueue(bytes, byPeer),
  };
}

export class PeerLinks {
  private readonly transports = new Map<string, PeerTransport>();
  private readonly pathOf = new Map<string, PeerPath>();
  private problem: string | undefined;

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
    return this.transports.has(peer);
  }

  /** The transport of a connected peer: where the engine's bytes for it go. */
  transport(peer: string): PeerTransport | undefined {
    return this.transports.get(peer);
  }

  add(peer: string, transport: PeerTransport): void {
    this.transports.set(peer, transport);
  }

  /** The page read the connection's path: kept while the peer is connected. */
  setPath(peer: string, path: PeerPath): void {
    if (this.transports.has(peer)) this.pathOf.set(peer, path);
  }

  /** The connection closed; true when the peer was connected. */
  delete(peer: string): boolean {
    this.pathOf.delete(peer);
    return this.transports.delete(peer);
  }

  /** The session closes a connection (if it is still open). */
  close(peer: string, reason: string): void {
    const transport = this.transports.get(peer);
    if (!transport) return;
    this.delete(peer);
    transport.close(reason);
  }

  /** Every connection goes, with this reason (the torrent halted). */
  closeAll(reason: string): void {
    for (const transport of this.transports.values()) transport.close(reason);
    this.transports.clear();
    this.pathOf.clear();
  }
}
