// One client connection as the tracker sees it: what it can do (send, close), its client address, its peers, its
// rate windows and the offers relayed to it that it may answer.
import { Swarm as SwarmOf, type Peer as PeerOf } from './swarm';
import { MessageWindow, type OfferWindow } from './limits';

/** A swarm of this tracker's sessions, and one of its peers (swarm.ts keeps the session opaque). */
export type Swarm = SwarmOf<Session>;
export const Swarm = SwarmOf<Session>;
export type Peer = PeerOf<Session>;

/** Close code for a policy violation (RFC 6455). */
export const CLOSE_POLICY = 1008;

/**
 * What the tracker needs from a client connection. The socket layer's own socket object implements it, so a
 * connection costs no extra object and no closures.
 */
export interface Connection {
  /** Sends one message (a JSON-able object) to the client. */
  deliver(message: object): void;
  close(code: number, reason: string): void;
  /** Bytes sent to it that the client has not read yet (absent: nothing is ever held back). */
  unsentBytes?(): number;
}

/** The connections of one client address, and its messages and bytes in the current second. */
export interface ClientAddress {
  readonly key: string;
  connections: number;
  readonly messages: MessageWindow;
  readonly bytes: MessageWindow;
}

/** A client address with no connection counted yet. */
export function newClientAddress(key: string): ClientAddress {
  return { key, connections: 0, messages: new MessageWindow(), bytes: new MessageWindow() };
}

/** A peer connected to another tracker process of the cluster. */
export interface RemotePeer {
  infoHash: string;
  peerId: string;
  /** The process that holds its socket. */
  process: string;
}

/** An offer relayed to a connection, which that connection may answer once before `expiresAt`. */
export interface PendingOffer {
  offerer: Peer | RemotePeer;
  /** The info hash the offerer announced it under (its answer goes back under it). */
  offerHash: string;
  /** The offerer's client address (or, from another process without one, its process and peer id). */
  sender: string;
  expiresAt: number;
}

/** One client connection's state in the tracker. */
export class Session {
  /**
   * This connection's peers, one per swarm it joined (or more, when several clients share a socket), as a list
   * linked through Peer.nextInSession: most sockets join one swarm, and a Set per socket would cost more than
   * the peer itself.
   */
  private firstPeer: Peer | null = null;
  private peerTotal = 0;
  closed = false;
  /** Sent an announce that was accepted. */
  announced = false;
  /**
   * Offers relayed to this connection and not yet answered, by info hash + offerer's peer id + offer id, oldest
   * first (every offer lives equally long, so the oldest expires first). Made on the first offer.
   */
  pending: Map<string, PendingOffer> | null = null;
  /** Offers relayed to this connection in the current second (made on the first offer). */
  offersIn: OfferWindow | null = null;
  /** This connection's messages in the current second. */
  readonly messages = new MessageWindow();
  /** This connection's bytes in the current second. */
  readonly bytes = new MessageWindow();

  constructor(
    readonly connection: Connection,
    readonly address: ClientAddress,
    readonly connectedAt: number,
    /** This connection's number in this process, never reused: with the process id, its name in the cluster. */
    readonly serial = 0,
  ) {}

  /** How many swarm memberships (peers) this connection holds. */
  get peerCount(): number {
    return this.peerTotal;
  }

  /** This connection's peers, newest first (a copy: removing peers while walking it is safe). */
  peers(): Peer[] {
    const list: Peer[] = [];
    for (let peer = this.firstPeer; peer !== null; peer = peer.nextInSession) list.push(peer);
    return list;
  }

  /** This connection's peer in a swarm, if it has one. */
  peerIn(infoHash: string): Peer | null {
    for (let peer = this.firstPeer; peer !== null; peer = peer.nextInSession)
      if (peer.infoHash === infoHash) return peer;
    return null;
  }

  join(peer: Peer): void {
    peer.nextInSession = this.firstPeer;
    this.firstPeer = peer;
    this.peerTotal++;
  }

  leave(peer: Peer): void {
    let link: Peer | null = null;
    for (let at = this.firstPeer; at !== null; link = at, at = at.nextInSession) {
      if (at !== peer) continue;
      if (link === null) this.firstPeer = at.nextInSession;
      else link.nextInSession = at.nextInSession;
      at.nextInSession = null;
      this.peerTotal--;
      return;
    }
  }
}
