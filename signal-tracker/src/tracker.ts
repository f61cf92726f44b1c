// The tracker core: swarms by info hash, peers per swarm, announce/scrape/offer/answer handling, limits and
// expiry. It knows nothing of sockets: a connection is anything that can send a JSON-able object and close, and
// the time comes in as an argument, so the tests drive it with a virtual clock.
import {
  MAX_OFFERS_PER_ANNOUNCE,
  parseClientMessage,
  type AnnounceMessage,
  type AnnounceResponseWire,
  type AnswerMessage,
  type AnswerWire,
  type ClientMessageLimits,
  type FailureWire,
  type OfferWire,
  type ScrapeMessage,
  type ScrapeResponseWire,
} from '../../shared/codec/tracker-protocol';
import type { Candidate, ClusterDirectory, ClusterMessage } from './cluster/directory';
import { frameShapeError } from './frame-check';
import { clientName } from './peer-client';
import { Swarm as SwarmOf, type Peer as PeerOf, type SwarmStats } from './swarm';

/** A swarm of this tracker's sessions, and one of its peers (swarm.ts keeps the session opaque). */
type Swarm = SwarmOf<Session>;
const Swarm = SwarmOf<Session>;
type Peer = PeerOf<Session>;

export interface TrackerLimits {
  /** Offers accepted in one announce; more is rejected (at most 10). */
  maxOffersPerAnnounce: number;
  /** numwant is clamped to this (at most 10). */
  maxNumwant: number;
  /** Messages one connection may send per second; more closes it. */
  maxMessagesPerSecond: number;
  /** Swarm memberships (info hash and peer id pairs) per connection. */
  maxSwarmsPerConnection: number;
  /**
   * Peers per swarm; a newcomer to a full swarm evicts the longest silent peer of the address with the most peers
   * there, or is refused when its own address has the most.
   */
  maxPeersPerSwarm: number;
  /** Info hashes in one scrape request. */
  maxScrapeHashes: number;
  /** Open connections from one client address (an IPv4 address or an IPv6 /64). */
  maxConnectionsPerAddress: number;
  /** Messages per second from one client address, over all its connections; more closes the sender. */
  maxMessagesPerSecondPerAddress: number;
  /**
   * Offers relayed to one connection and not yet answered. One sender address may hold a quarter of them; a
   * sender's new offer past its share, or to a full list, forgets that sender's own oldest, never another's (with
   * none of its own there, the offer goes to another peer).
   */
  maxPendingOffersPerConnection: number;
  /** Longest SDP in an offer or answer, in characters; a longer one is refused. */
  maxSdpLength: number;
  /** Offers relayed to one connection per second, from everyone; more go to other peers. */
  maxOffersPerSecondPerRecipient: number;
  /** Offers relayed to one connection per second from one sender address; more go to other peers. */
  maxOffersPerSecondPerSender: number;
  /**
   * A connection with more unsent bytes than this gets no relayed offer (it goes to another peer): others' offers
   * never fill a slow reader's buffer to the point where it is closed.
   */
  maxRelayBacklogBytes: number;
  /** Bytes one connection may send per second; more closes it. */
  maxBytesPerSecond: number;
  /** Bytes per second from one client address, over all its connections; more closes the sender. */
  maxBytesPerSecondPerAddress: number;
}

export const DEFAULT_LIMITS: TrackerLimits = {
  maxOffersPerAnnounce: MAX_OFFERS_PER_ANNOUNCE,
  maxNumwant: MAX_OFFERS_PER_ANNOUNCE,
  maxMessagesPerSecond: 50,
  maxSwarmsPerConnection: 200,
  maxPeersPerSwarm: 5000,
  maxScrapeHashes: 100,
  maxConnectionsPerAddress: 256,
  maxMessagesPerSecondPerAddress: 500,
  maxPendingOffersPerConnection: 100,
  maxSdpLength: 16 * 1024,
  maxOffersPerSecondPerRecipient: 20,
  maxOffersPerSecondPerSender: 5,
  maxRelayBacklogBytes: 64 * 1024,
  maxBytesPerSecond: 256 * 1024,
  maxBytesPerSecondPerAddress: 1024 * 1024,
};

export interface TrackerOptions {
  /** The announce interval given to clients, in milliseconds (default 120 s). */
  intervalMs?: number;
  /** Extra time after two missed intervals before a peer is dropped (default 30 s). */
  graceMs?: number;
  limits?: Partial<TrackerLimits>;
  /** An offer relayed to a peer can be answered for this long (default 50 s). */
  offerTtlMs?: number;
  /** A connection that has not announced this long after connecting is closed (default 30 s). */
  announceDeadlineMs?: number;
  /** Random number in [0, 1), for choosing the peers that get offers. */
  random?: () => number;
}

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

export type RemovalReason = 'stopped' | 'closed' | 'expired' | 'evicted';

/** What anyone may see: totals, never an info hash or a peer. */
export interface TrackerTotals {
  swarmCount: number;
  peerCount: number;
  seeders: number;
  leechers: number;
  connections: number;
  /** Peers by client name (versions left out, unknown clients counted as `Other`). */
  clients: Record<string, number>;
  intervalSeconds: number;
}

/** What the stats token shows: the totals and every swarm with its peers. */
export interface TrackerStats extends TrackerTotals {
  swarms: SwarmStats[];
}

export interface TrackerCounters {
  announces: number;
  scrapes: number;
  offersRelayed: number;
  answersRelayed: number;
  failures: number;
  peersExpired: number;
  connectionsClosedForAbuse: number;
  /** Connections closed for not announcing within the deadline. */
  connectionsClosedSilent: number;
  /** Connections refused because their address already had the most allowed. */
  connectionsRefused: number;
  /** Answers refused: no such offer relayed to that connection, already answered, or expired. */
  answersRefused: number;
  /** Offers not relayed to a peer (its backlog, its offers this second, its pending offers): sent to another. */
  offersDropped: number;
  /** Peers evicted from a full swarm for a newcomer from an address with fewer peers there. */
  peersEvicted: number;
  /** Frames refused before parsing (nested too deep, too many members). */
  framesRefused: number;
  /** Every message received. */
  messages: number;
  /** Swarms bound to an alias (a hybrid torrent's other info hash) by an announce's `info_hash_alias`. */
  aliasesBound: number;
  /** Alias claims refused: either hash already bound elsewhere, or a peer id in both swarms. */
  aliasesRefused: number;
}

/** Messages (or bytes) counted in one-second windows, against a per-second limit (a connection's, or an address's). */
export class MessageWindow {
  private start = -Infinity;
  private count = 0;

  /** Counts `amount` (a message, or a frame's bytes); false when it is over `limit` in the current second. */
  admit(now: number, limit: number, amount = 1): boolean {
    if (now - this.start >= 1000) {
      this.start = now;
      this.count = 0;
    }
    this.count += amount;
    return this.count <= limit;
  }
}

/** Offers relayed to one connection in the current second: in all, and by sender address. */
export class OfferWindow {
  private start = -Infinity;
  private total = 0;
  private readonly bySender = new Map<string, number>();

  /** Whether one more offer from `sender` fits this second (counts nothing: `count` does once it is sent). */
  allows(now: number, sender: string, perRecipient: number, perSender: number): boolean {
    if (now - this.start >= 1000) {
      this.start = now;
      this.total = 0;
      this.bySender.clear();
    }
    return this.total < perRecipient && (this.bySender.get(sender) ?? 0) < perSender;
  }

  count(sender: string): void {
    this.total++;
    this.bySender.set(sender, (this.bySender.get(sender) ?? 0) + 1);
  }
}

/** The connections of one client address, and its messages and bytes in the current second. */
export interface ClientAddress {
  readonly key: string;
  connections: number;
  readonly messages: MessageWindow;
  readonly bytes: MessageWindow;
}

/** A peer connected to another tracker process of the cluster. */
export interface RemotePeer {
  infoHash: string;
  peerId: string;
  /** The process that holds its socket. */
  process: string;
}

/** An offer relayed to a connection, which that connection may answer once before `expiresAt`. */
interface PendingOffer {
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

type RemovalListener = (infoHash: string, peerId: string, reason: RemovalReason) => void;

export class Tracker {
  readonly intervalMs: number;
  readonly graceMs: number;
  readonly limits: TrackerLimits;
  readonly counters: TrackerCounters = {
    announces: 0,
    scrapes: 0,
    offersRelayed: 0,
    answersRelayed: 0,
    failures: 0,
    peersExpired: 0,
    connectionsClosedForAbuse: 0,
    connectionsClosedSilent: 0,
    connectionsRefused: 0,
    answersRefused: 0,
    offersDropped: 0,
    peersEvicted: 0,
    framesRefused: 0,
    messages: 0,
    aliasesBound: 0,
    aliasesRefused: 0,
  };
  readonly offerTtlMs: number;
  readonly announceDeadlineMs: number;
  /** Swarms by info hash: a swarm bound to an alias is here under both of its hashes. */
  private readonly swarms = new Map<string, Swarm>();
  /** Swarms bound to an alias (each is twice in `swarms`). */
  private aliasTotal = 0;
  private sessionTotal = 0;
  private readonly random: () => number;
  private readonly removalListeners = new Set<RemovalListener>();
  private peerTotal = 0;
  /** Client addresses with open connections. */
  private readonly addresses = new Map<string, ClientAddress>();
  /** Connections in the order they came, for the announce deadline (from `newestHead` on). */
  private readonly newest: Session[] = [];
  private newestHead = 0;
  /** Peers by client name, for the public totals. */
  private readonly clients = new Map<string, number>();
  /** The cluster, when this process is one of several (--redis). */
  private cluster: ClusterDirectory | undefined;
  /** What parseClientMessage checks each message against (made once, not per message). */
  private readonly messageLimits: ClientMessageLimits;

  constructor(options: TrackerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 120_000;
    this.graceMs = options.graceMs ?? 30_000;
    if (!(this.intervalMs > 0) || !(this.graceMs >= 0))
      throw new RangeError('interval must be > 0, grace >= 0');
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.limits.maxOffersPerAnnounce = Math.min(this.limits.maxOffersPerAnnounce, MAX_OFFERS_PER_ANNOUNCE);
    this.limits.maxNumwant = Math.min(this.limits.maxNumwant, MAX_OFFERS_PER_ANNOUNCE);
    this.random = options.random ?? Math.random;
    this.offerTtlMs = options.offerTtlMs ?? 50_000;
    this.announceDeadlineMs = options.announceDeadlineMs ?? 30_000;
    this.messageLimits = {
      maxOffers: this.limits.maxOffersPerAnnounce,
      maxNumwant: this.limits.maxNumwant,
      maxScrapeHashes: this.limits.maxScrapeHashes,
      maxSdpLength: this.limits.maxSdpLength,
    };
  }

  /** The interval clients are told, in whole seconds (at least 1). */
  get intervalSeconds(): number {
    return Math.max(1, Math.ceil(this.intervalMs / 1000));
  }

  /** A peer not heard from for this long is dropped. */
  get timeoutMs(): number {
    return 2 * this.intervalMs + this.graceMs;
  }

  get swarmCount(): number {
    return this.swarms.size - this.aliasTotal;
  }

  /** Each swarm once (one bound to an alias is in the map twice). */
  private distinctSwarms(): Swarm[] {
    const swarms: Swarm[] = [];
    for (const [infoHash, swarm] of this.swarms) if (infoHash === swarm.infoHash) swarms.push(swarm);
    return swarms;
  }

  get peerCount(): number {
    return this.peerTotal;
  }

  get connectionCount(): number {
    return this.sessionTotal;
  }

  /** Calls `listener` whenever a peer leaves a swarm; returns the unsubscribe function. */
  onRemoval(listener: RemovalListener): () => void {
    this.removalListeners.add(listener);
    return () => this.removalListeners.delete(listener);
  }

  /**
   * Makes this tracker one process of a cluster: announces are registered in the directory, offers go to peers
   * anywhere in it, answers back to the process of the offerer. Peers that leave here leave the directory.
   */
  joinCluster(cluster: ClusterDirectory): void {
    this.cluster = cluster;
    this.onRemoval((infoHash, peerId) => void cluster.leave(infoHash, peerId).catch(() => undefined));
  }

  /** Registers every local peer again (Redis came back, perhaps empty); in batches, without offers. */
  async registerLocalPeers(now: number): Promise<void> {
    const cluster = this.cluster;
    if (!cluster) return;
    const peers: Peer[] = [];
    for (const swarm of this.distinctSwarms()) peers.push(...swarm.members());
    for (let i = 0; i < peers.length; i += 256) {
      await Promise.all(
        peers.slice(i, i + 256).map((peer) =>
          cluster
            .announce({
              infoHash: peer.infoHash,
              peerId: peer.peerId,
              complete: peer.seeder,
              now,
              want: 0,
              address: peer.session.address.key,
              alias: otherHash(this.swarms.get(peer.infoHash), peer.infoHash),
            })
            .catch(() => undefined),
        ),
      );
    }
  }

  /** An offer or answer another process published for a peer whose socket is here. */
  receiveFromCluster(message: unknown, now: number): void {
    if (!isClusterMessage(message)) return;
    // An offer names the recipient's own hash when it differs from the offerer's (a swarm bound to an alias).
    const toHash = message.kind === 'offer' ? (message.toHash ?? message.infoHash) : message.infoHash;
    const to = this.swarms.get(toHash)?.get(message.to);
    if (!to || to.session.closed) return;
    const { infoHash, from, offerId } = message;
    if (message.kind === 'offer') {
      const offerer = { infoHash, peerId: from, process: message.fromProcess };
      const sender = message.fromAddress ?? `${message.fromProcess}/${from}`;
      // Refused here, it is lost: the offerer's process already sent it to this peer only.
      this.offerTo(to, sender, offerer, infoHash, offerId, message.offer, now);
    } else {
      to.session.connection.deliver(answerWire(infoHash, from, offerId, message.answer));
      this.counters.answersRelayed++;
    }
  }

  /** Whether a new connection from `address` (an addressKey) would be accepted. */
  acceptsConnectionFrom(address: string): boolean {
    return (this.addresses.get(address)?.connections ?? 0) < this.limits.maxConnectionsPerAddress;
  }

  /**
   * A new connection from `address` (see addressKey; connections without one share `local`). Null when that
   * address already has the most connections allowed: the caller closes it.
   */
  connect(connection: Connection, address = 'local', now = 0): Session | null {
    let client = this.addresses.get(address);
    if (client && client.connections >= this.limits.maxConnectionsPerAddress) {
      this.counters.connectionsRefused++;
      return null;
    }
    if (!client) {
      client = { key: address, connections: 0, messages: new MessageWindow(), bytes: new MessageWindow() };
      this.addresses.set(address, client);
    }
    client.connections++;
    this.sessionTotal++;
    const session = new Session(connection, client, now);
    this.newest.push(session);
    return session;
  }

  /** The connection closed: it counts as `stopped` in every swarm it joined. */
  disconnect(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    this.sessionTotal--;
    session.pending = null;
    const client = session.address;
    if (--client.connections === 0) this.addresses.delete(client.key);
    for (const peer of session.peers()) this.removePeer(peer, 'closed');
  }

  /** Client addresses with open connections (what the per-address table holds). */
  get addressCount(): number {
    return this.addresses.size;
  }

  /** Closes every connection older than the announce deadline that has not announced; returns how many. */
  closeSilent(now: number): number {
    const deadline = now - this.announceDeadlineMs;
    const queue = this.newest;
    let closed = 0;
    while (this.newestHead < queue.length && queue[this.newestHead].connectedAt <= deadline) {
      const session = queue[this.newestHead++];
      if (session.closed || session.announced) continue;
      this.counters.connectionsClosedSilent++;
      session.connection.close(CLOSE_POLICY, `no announce within ${this.announceDeadlineMs / 1000} s`);
      this.disconnect(session);
      closed++;
    }
    if (this.newestHead > 1024 && this.newestHead * 2 > queue.length) {
      queue.splice(0, this.newestHead);
      this.newestHead = 0;
    }
    return closed;
  }

  /**
   * Handles one text frame from a connection (`bytes` long on the wire). Never throws for anything a client sends.
   * The frame's rate and shape are checked before it is parsed, so a hostile frame costs no more than a valid one.
   */
  receive(session: Session, text: string, now: number, bytes = text.length): void {
    if (!this.admit(session, now, bytes)) return;
    const shape = frameShapeError(text);
    if (shape !== null) {
      this.counters.framesRefused++;
      this.fail(session, failure(shape));
      return;
    }
    const parsed = parseClientMessage(text, this.messageLimits);
    if (!parsed.ok) {
      this.fail(session, failure(parsed.error, parsed.action, parsed.infoHash));
      return;
    }
    const message = parsed.message;
    if (message.kind === 'announce') this.announce(session, message, now);
    else if (message.kind === 'answer') this.answer(session, message, now);
    else this.scrape(session, message, now);
  }

  /** Handles a frame the socket layer could not read (such as binary that is not UTF-8): a failure reason. */
  receiveUnreadable(session: Session, reason: string, now: number, bytes = 0): void {
    if (!this.admit(session, now, bytes)) return;
    this.fail(session, { 'failure reason': reason });
  }

  /** Counts a message of `bytes` against the rate limits; false (and the connection closed) when it is over. */
  private admit(session: Session, now: number, bytes: number): boolean {
    if (session.closed) return false;
    this.counters.messages++;
    // Every window counts every message, whichever refuses it.
    const { limits } = this;
    const address = session.address;
    const addressMessages = address.messages.admit(now, limits.maxMessagesPerSecondPerAddress);
    const addressBytes = address.bytes.admit(now, limits.maxBytesPerSecondPerAddress, bytes);
    const ownBytes = session.bytes.admit(now, limits.maxBytesPerSecond, bytes);
    let reason: string | null = null;
    if (!session.messages.admit(now, limits.maxMessagesPerSecond))
      reason = `rate limit exceeded: over ${limits.maxMessagesPerSecond} messages per second`;
    else if (!ownBytes) reason = `rate limit exceeded: over ${limits.maxBytesPerSecond} bytes per second`;
    else if (!addressMessages)
      reason = `rate limit exceeded: over ${limits.maxMessagesPerSecondPerAddress} messages per second from this address`;
    else if (!addressBytes)
      reason = `rate limit exceeded: over ${limits.maxBytesPerSecondPerAddress} bytes per second from this address`;
    if (reason === null) return true;
    this.fail(session, { 'failure reason': reason });
    this.abuse(session, 'rate limit exceeded');
    return false;
  }

  /** Drops every peer not heard from within the timeout; returns how many. */
  expire(now: number): number {
    const deadline = now - this.timeoutMs;
    let dropped = 0;
    for (const swarm of this.distinctSwarms()) {
      for (const peer of swarm.staleBefore(deadline)) {
        this.removePeer(peer, 'expired');
        dropped++;
      }
    }
    this.counters.peersExpired += dropped;
    return dropped;
  }

  /** Sends a failure reason to a connection and counts it. */
  fail(session: Session, message: FailureWire): void {
    this.counters.failures++;
    session.connection.deliver(message);
  }

  /** Closes a connection for abuse. */
  abuse(session: Session, reason: string): void {
    this.counters.connectionsClosedForAbuse++;
    session.connection.close(CLOSE_POLICY, reason);
    this.disconnect(session);
  }

  /** The totals anyone may see. */
  totals(): TrackerTotals {
    let seeders = 0;
    for (const swarm of this.distinctSwarms()) seeders += swarm.complete;
    return {
      swarmCount: this.swarmCount,
      peerCount: this.peerTotal,
      seeders,
      leechers: this.peerTotal - seeders,
      connections: this.sessionTotal,
      clients: Object.fromEntries([...this.clients].sort((a, b) => b[1] - a[1])),
      intervalSeconds: this.intervalSeconds,
    };
  }

  /** Every swarm with its peers (for the holder of the stats token only). */
  swarmStats(peerClient: (peerId: string) => string): SwarmStats[] {
    const swarms: SwarmStats[] = [];
    for (const swarm of this.distinctSwarms()) swarms.push(swarm.stats(peerClient));
    return swarms;
  }

  /** The totals and every swarm with its peers. */
  stats(peerClient: (peerId: string) => string): TrackerStats {
    return { ...this.totals(), swarms: this.swarmStats(peerClient) };
  }

  private announce(session: Session, message: AnnounceMessage, now: number): void {
    const { infoHash, peerId } = message;
    let swarm = this.swarms.get(infoHash);
    let peer = swarm?.get(peerId);
    if (peer && peer.session !== session) {
      this.fail(
        session,
        failure('peer_id is in use in this swarm by another connection', 'announce', infoHash),
      );
      return;
    }
    this.counters.announces++;
    if (message.event === 'stopped') {
      if (peer) this.removePeer(peer, 'stopped');
      swarm = this.swarms.get(infoHash);
      session.connection.deliver(this.announceReply(infoHash, swarm));
      return;
    }
    if (!peer) {
      if (swarm && this.hasPeerIn(session, swarm)) {
        this.fail(
          session,
          failure('this connection already has another peer_id in this swarm', 'announce', infoHash),
        );
        return;
      }
      if (session.peerCount >= this.limits.maxSwarmsPerConnection) {
        this.fail(
          session,
          failure(
            `too many swarms on this connection (max ${this.limits.maxSwarmsPerConnection})`,
            'announce',
            infoHash,
          ),
        );
        return;
      }
      if (swarm && swarm.size >= this.limits.maxPeersPerSwarm) {
        // Full: the address with the most peers here gives up one, unless the newcomer's own has the most.
        const evicted = swarm.evictionFor(session.address.key);
        if (!evicted) {
          this.fail(
            session,
            failure(`swarm is full (max ${this.limits.maxPeersPerSwarm} peers)`, 'announce', infoHash),
          );
          return;
        }
        this.removePeer(evicted, 'evicted');
        this.counters.peersEvicted++;
        swarm = this.swarms.get(infoHash);
      }
      if (!swarm) {
        swarm = new Swarm(infoHash);
        this.swarms.set(infoHash, swarm);
      }
      peer = swarm.add(peerId, session, message, now);
      session.join(peer);
      this.peerTotal++;
      const name = clientName(peerId);
      this.clients.set(name, (this.clients.get(name) ?? 0) + 1);
    } else {
      swarm!.update(peer, message, now);
    }
    // A bound alias may move this swarm's peers into the other hash's swarm.
    if (message.alias !== undefined && this.bindAlias(swarm!, message.alias))
      swarm = this.swarms.get(infoHash);
    session.announced = true;
    const cluster = this.cluster;
    if (cluster?.up) {
      const local = swarm!;
      const from = peer;
      // Twice the candidates: an offer a candidate cannot take goes to the next one.
      const want = Math.min(2 * offersWanted(message), 2 * MAX_OFFERS_PER_ANNOUNCE);
      const address = session.address.key;
      const alias = message.alias;
      cluster.announce({ infoHash, peerId, complete: from.seeder, now, want, address, alias }).then(
        (result) => {
          if (result.inUse) {
            // Another process holds this peer id: the local peer made for it goes (Redis keeps the owner's).
            this.removePeer(from, 'stopped');
            if (!session.closed)
              this.fail(
                session,
                failure('peer_id is in use in this swarm by another connection', 'announce', infoHash),
              );
            return;
          }
          if (session.closed) return;
          const reply = this.announceReply(infoHash, local);
          reply.complete = result.complete;
          reply.incomplete = result.incomplete;
          // The cluster's binding (it may differ from this process's, which only sees its own claims).
          if (result.alias !== undefined) reply.info_hash_alias = result.alias;
          else delete reply.info_hash_alias;
          session.connection.deliver(reply);
          this.relayOffersInCluster(cluster, from, message, result.candidates, now);
        },
        () => {
          // Redis failed under us: this process's own swarm, from memory.
          if (session.closed) return;
          session.connection.deliver(this.announceReply(infoHash, local));
          this.relayOffers(local, from, message, now);
        },
      );
      return;
    }
    session.connection.deliver(this.announceReply(infoHash, swarm));
    this.relayOffers(swarm!, peer, message, now);
  }

  /**
   * Offers to peers the directory picked anywhere in the cluster (best first: one per client address, then any):
   * here directly, elsewhere through their process.
   */
  private relayOffersInCluster(
    cluster: ClusterDirectory,
    from: Peer,
    message: AnnounceMessage,
    candidates: Candidate[],
    now: number,
  ): void {
    const count = offersWanted(message);
    const sender = from.session.address.key;
    let next = 0;
    for (const candidate of candidates) {
      if (next >= count) break;
      if (candidate.peerId === from.peerId) continue;
      const offer = message.offers[next];
      // The candidate's own hash: in a swarm bound to an alias it may be the other one.
      const toHash = candidate.infoHash ?? message.infoHash;
      if (candidate.process === cluster.process) {
        const target = this.swarms.get(toHash)?.get(candidate.peerId);
        if (
          !target ||
          !this.offerTo(target, sender, from, message.infoHash, offer.offer_id, offer.offer, now)
        )
          continue;
      } else {
        void cluster
          .send(candidate.process, {
            kind: 'offer',
            infoHash: message.infoHash,
            ...(toHash === message.infoHash ? {} : { toHash }),
            to: candidate.peerId,
            from: from.peerId,
            fromProcess: cluster.process,
            fromAddress: sender,
            offerId: offer.offer_id,
            offer: offer.offer,
          })
          .catch(() => undefined);
        this.counters.offersRelayed++;
      }
      next++;
    }
  }

  private relayOffers(swarm: Swarm, from: Peer, message: AnnounceMessage, now: number): void {
    const count = offersWanted(message);
    if (count === 0) return;
    // Peers spread over addresses; an offer a peer cannot take goes to one of a second, larger pick.
    const sender = from.session.address.key;
    const targets = swarm.randomPeers(count, from, this.random);
    let next = 0;
    for (const target of targets) {
      const offer = message.offers[next];
      if (this.offerTo(target, sender, from, message.infoHash, offer.offer_id, offer.offer, now)) next++;
    }
    if (next === count || targets.length < count) return;
    for (const target of swarm.randomPeers(2 * count, from, this.random)) {
      if (next >= count) break;
      if (targets.includes(target)) continue;
      const offer = message.offers[next];
      if (this.offerTo(target, sender, from, message.infoHash, offer.offer_id, offer.offer, now)) next++;
    }
  }

  /**
   * Relays an offer to `target` if it can take it, else counts it dropped and returns false (the caller tries
   * another peer). The sender pays: an offer that would pass the target's backlog, its offers this second (from all,
   * or from this sender's address), or its pending offers is not sent, and it is never closed for what others sent
   * it. The offer reaches it under the hash it announced, and the answer goes back under `offerHash`, the one the
   * offerer announced (they differ in a swarm bound to an alias).
   */
  private offerTo(
    target: Peer,
    sender: string,
    offerer: Peer | RemotePeer,
    offerHash: string,
    offerId: string,
    offer: unknown,
    now: number,
  ): boolean {
    const { limits } = this;
    const to = target.session;
    const window = (to.offersIn ??= new OfferWindow());
    const fits =
      !to.closed &&
      (to.connection.unsentBytes?.() ?? 0) + offerBytes(offer) <= limits.maxRelayBacklogBytes &&
      window.allows(now, sender, limits.maxOffersPerSecondPerRecipient, limits.maxOffersPerSecondPerSender) &&
      this.rememberOffer(to, target.infoHash, sender, offerer, offerHash, offerId, now);
    if (!fits) {
      this.counters.offersDropped++;
      return false;
    }
    window.count(sender);
    to.connection.deliver(offerWire(target.infoHash, offerer.peerId, offerId, offer));
    this.counters.offersRelayed++;
    return true;
  }

  /**
   * Notes that `to` may answer `offerId` of `offerer` once, within the offer's lifetime. Fair per sender: past the
   * sender's share, or in a full list, the sender's own oldest offer is forgotten; false when the list is full of
   * other senders' offers (this one then goes elsewhere).
   */
  private rememberOffer(
    to: Session,
    toHash: string,
    sender: string,
    offerer: Peer | RemotePeer,
    offerHash: string,
    offerId: string,
    now: number,
  ): boolean {
    const pending = (to.pending ??= new Map());
    const key = pendingKey(toHash, offerer.peerId, offerId);
    pending.delete(key);
    // Oldest first (every offer lives equally long): drop the expired.
    for (const [oldKey, old] of pending) {
      if (old.expiresAt > now) break;
      pending.delete(oldKey);
    }
    const max = this.limits.maxPendingOffersPerConnection;
    let own = 0;
    let ownOldest: string | null = null;
    for (const [oldKey, old] of pending) {
      if (old.sender !== sender) continue;
      own++;
      ownOldest ??= oldKey;
    }
    if (pending.size >= max || own >= pendingShare(max)) {
      if (ownOldest === null) return false;
      pending.delete(ownOldest);
    }
    pending.set(key, { offerer, offerHash, sender, expiresAt: now + this.offerTtlMs });
    return true;
  }

  private answer(session: Session, message: AnswerMessage, now: number): void {
    const { infoHash, peerId, toPeerId } = message;
    const swarm = this.swarms.get(infoHash);
    const from = swarm?.get(peerId);
    if (!swarm || !from || from.session !== session) {
      this.fail(
        session,
        failure('answer from a peer that has not announced in this swarm', 'announce', infoHash),
      );
      return;
    }
    // Only the connection the offer was relayed to may answer it, once, to the peer that made it.
    const key = pendingKey(infoHash, toPeerId, message.offerId);
    const offer = session.pending?.get(key);
    if (offer) session.pending!.delete(key);
    if (!offer || offer.expiresAt <= now) {
      this.counters.answersRefused++;
      this.fail(
        session,
        failure(
          'answer to no offer: that offer_id from that peer was not relayed to this connection, ' +
            'is already answered or has expired',
          'announce',
          infoHash,
        ),
      );
      return;
    }
    const offerer = offer.offerer;
    if (!('session' in offerer)) {
      // The offerer's socket is on another process of the cluster: the answer goes there.
      const cluster = this.cluster;
      if (cluster) {
        void cluster
          .send(offerer.process, {
            kind: 'answer',
            infoHash: offer.offerHash,
            to: toPeerId,
            from: peerId,
            offerId: message.offerId,
            answer: message.answer,
          })
          .catch(() => undefined);
        this.counters.answersRelayed++;
      }
      return;
    }
    if (this.swarms.get(offerer.infoHash)?.get(offerer.peerId) !== offerer) {
      this.fail(session, failure('the peer that made this offer has left the swarm', 'announce', infoHash));
      return;
    }
    const to = offerer;
    const forward = answerWire(offer.offerHash, peerId, message.offerId, message.answer);
    to.session.connection.deliver(forward);
    this.counters.answersRelayed++;
  }

  private scrape(session: Session, message: ScrapeMessage, now: number): void {
    if (message.infoHashes === null) {
      // Listing every swarm would hand out every info hash, which is all a stranger needs to download.
      this.fail(session, failure('scrape needs info_hash: this tracker does not list its swarms', 'scrape'));
      return;
    }
    this.counters.scrapes++;
    const hashes = message.infoHashes;
    const cluster = this.cluster;
    if (cluster?.up) {
      cluster.counts(hashes, now).then(
        (counts) => {
          if (session.closed) return;
          const reply = this.scrapeReply(hashes);
          for (const [infoHash, count] of counts) {
            const file = reply.files[infoHash];
            if (file) Object.assign(file, count);
          }
          session.connection.deliver(reply);
        },
        () => {
          if (!session.closed) session.connection.deliver(this.scrapeReply(hashes));
        },
      );
      return;
    }
    session.connection.deliver(this.scrapeReply(hashes));
  }

  private scrapeReply(hashes: string[]): ScrapeResponseWire {
    const reply: ScrapeResponseWire = {
      action: 'scrape',
      files: {},
      flags: { min_request_interval: this.intervalSeconds },
    };
    for (const infoHash of hashes) {
      const swarm = this.swarms.get(infoHash);
      reply.files[infoHash] = {
        complete: swarm?.complete ?? 0,
        incomplete: swarm?.incomplete ?? 0,
        downloaded: swarm?.downloaded ?? 0,
      };
    }
    return reply;
  }

  private announceReply(infoHash: string, swarm: Swarm | undefined): AnnounceResponseWire {
    const reply: AnnounceResponseWire = {
      action: 'announce',
      info_hash: infoHash,
      interval: this.intervalSeconds,
      complete: swarm?.complete ?? 0,
      incomplete: swarm?.incomplete ?? 0,
    };
    const alias = otherHash(swarm, infoHash);
    if (alias !== undefined) reply.info_hash_alias = alias;
    return reply;
  }

  /** Whether `session` has a peer in `swarm` (under either of its hashes). */
  private hasPeerIn(session: Session, swarm: Swarm): boolean {
    return (
      session.peerIn(swarm.infoHash) !== null ||
      (swarm.alias !== null && session.peerIn(swarm.alias) !== null)
    );
  }

  /**
   * An announce in `swarm` named `alias` as the other info hash of its torrent (`info_hash_alias`). Nobody can
   * prove it, so the claim is bounded (docs/security.md, "Aliases"): it binds only when neither hash is bound yet
   * (the first claim wins, and a hash has at most one alias) and the two swarms share no peer id; the swarm with
   * fewer peers joins the other, and the binding goes when the swarm empties. False when refused.
   */
  private bindAlias(swarm: Swarm, alias: string): boolean {
    if (swarm.alias === alias || swarm.infoHash === alias) return true;
    const other = this.swarms.get(alias);
    if (swarm.alias !== null || (other && (other.alias !== null || swarm.sharesPeerIdWith(other)))) {
      this.counters.aliasesRefused++;
      return false;
    }
    if (other) {
      const [kept, joined] = other.size > swarm.size ? [other, swarm] : [swarm, other];
      kept.absorb(joined);
      kept.alias = joined.infoHash;
      this.swarms.set(joined.infoHash, kept);
    } else {
      swarm.alias = alias;
      this.swarms.set(alias, swarm);
    }
    this.aliasTotal++;
    this.counters.aliasesBound++;
    return true;
  }

  private removePeer(peer: Peer, reason: RemovalReason): void {
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
    for (const listener of this.removalListeners) listener(peer.infoHash, peer.peerId, reason);
  }
}

/** The other hash of a swarm bound to an alias, seen from `infoHash` (one of its two), or undefined. */
function otherHash(swarm: Swarm | undefined, infoHash: string): string | undefined {
  if (!swarm || swarm.alias === null) return undefined;
  return infoHash === swarm.infoHash ? swarm.alias : swarm.infoHash;
}

/** How many of an announce's offers are relayed: all of them, or `numwant` if fewer. */
function offersWanted(message: AnnounceMessage): number {
  return Math.min(message.offers.length, message.numwant || message.offers.length);
}

/** The pending offers one sender address may hold at one connection: a quarter of them (at least one). */
function pendingShare(maxPending: number): number {
  return Math.max(1, Math.floor(maxPending / 4));
}

/** About what an offer adds to its recipient's unsent bytes: its SDP and the message around it. */
function offerBytes(offer: unknown): number {
  const sdp = (offer as { sdp?: unknown } | null)?.sdp;
  return (typeof sdp === 'string' ? sdp.length : 0) + 160;
}

/** A connection's pending offers are keyed by swarm, offerer and offer id. */
function pendingKey(infoHash: string, offererId: string, offerId: string): string {
  return infoHash + offererId + offerId;
}

/** An offer as the tracker forwards it to the peer that is to answer it. */
function offerWire(infoHash: string, from: string, offerId: string, offer: unknown): OfferWire {
  return {
    action: 'announce',
    offer: offer as OfferWire['offer'],
    offer_id: offerId,
    peer_id: from,
    info_hash: infoHash,
  };
}

/** An answer as the tracker forwards it to the peer that made the offer. */
function answerWire(infoHash: string, from: string, offerId: string, answer: unknown): AnswerWire {
  return {
    action: 'announce',
    answer: answer as AnswerWire['answer'],
    offer_id: offerId,
    peer_id: from,
    info_hash: infoHash,
  };
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** A message from another process of the cluster has the shape we publish (a trusted peer, but checked anyway). */
function isClusterMessage(value: unknown): value is ClusterMessage {
  const m = value as Record<string, unknown> | null;
  if (typeof m !== 'object' || m === null) return false;
  if (!isText(m.infoHash) || !isText(m.to) || !isText(m.from) || !isText(m.offerId)) return false;
  if (m.kind === 'offer')
    return (
      isText(m.fromProcess) &&
      (m.toHash === undefined || isText(m.toHash)) &&
      (m.fromAddress === undefined || isText(m.fromAddress)) &&
      typeof m.offer === 'object' &&
      m.offer !== null
    );
  return m.kind === 'answer' && typeof m.answer === 'object' && m.answer !== null;
}

function failure(reason: string, action?: 'announce' | 'scrape', infoHash?: string): FailureWire {
  const message: FailureWire = { 'failure reason': reason };
  if (action) message.action = action;
  if (infoHash !== undefined) message.info_hash = infoHash;
  return message;
}
