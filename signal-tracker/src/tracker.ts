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
  type FailureWire,
  type OfferWire,
  type ScrapeMessage,
  type ScrapeResponseWire,
} from '../../shared/tracker-protocol';
import { Swarm, type Peer } from './swarm';

export interface TrackerLimits {
  /** Offers accepted in one announce; more is rejected (at most 10). */
  maxOffersPerAnnounce: number;
  /** numwant is clamped to this (at most 10). */
  maxNumwant: number;
  /** Messages one connection may send per second; more closes it. */
  maxMessagesPerSecond: number;
  /** Swarm memberships (info hash and peer id pairs) per connection. */
  maxSwarmsPerConnection: number;
  /** Peers per swarm; a new peer in a full swarm is rejected. */
  maxPeersPerSwarm: number;
  /** Info hashes in one scrape request. */
  maxScrapeHashes: number;
  /** Swarms in a scrape of every swarm (no info_hash); the rest are left out. */
  maxScrapeAll: number;
}

export const DEFAULT_LIMITS: TrackerLimits = {
  maxOffersPerAnnounce: MAX_OFFERS_PER_ANNOUNCE,
  maxNumwant: MAX_OFFERS_PER_ANNOUNCE,
  maxMessagesPerSecond: 50,
  maxSwarmsPerConnection: 200,
  maxPeersPerSwarm: 5000,
  maxScrapeHashes: 100,
  maxScrapeAll: 1000,
};

export interface TrackerOptions {
  /** The announce interval given to clients, in milliseconds (default 120 s). */
  intervalMs?: number;
  /** Extra time after two missed intervals before a peer is dropped (default 30 s). */
  graceMs?: number;
  limits?: Partial<TrackerLimits>;
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
}

export type RemovalReason = 'stopped' | 'closed' | 'expired';

export interface PeerStats {
  peerId: string; // hex
  client: string;
  role: 'seeder' | 'leecher';
  left: number | null;
  uploaded: number;
  downloaded: number;
  lastAnnounce: number; // ms, tracker clock
}

export interface SwarmStats {
  infoHash: string; // hex
  complete: number;
  incomplete: number;
  downloaded: number;
  peers: PeerStats[];
}

export interface TrackerStats {
  swarms: SwarmStats[];
  swarmCount: number;
  peerCount: number;
  seeders: number;
  leechers: number;
  connections: number;
  intervalSeconds: number;
}

export interface TrackerCounters {
  announces: number;
  scrapes: number;
  offersRelayed: number;
  answersRelayed: number;
  failures: number;
  peersExpired: number;
  connectionsClosedForAbuse: number;
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
  private windowStart = -Infinity;
  private windowCount = 0;

  constructor(readonly connection: Connection) {}

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

  /** Counts a message; false when it is over the per-second limit. */
  admit(now: number, limit: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount++;
    return this.windowCount <= limit;
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
  };
  private readonly swarms = new Map<string, Swarm>();
  private sessionTotal = 0;
  private readonly random: () => number;
  private readonly removalListeners = new Set<RemovalListener>();
  private peerTotal = 0;

  constructor(options: TrackerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 120_000;
    this.graceMs = options.graceMs ?? 30_000;
    if (!(this.intervalMs > 0) || !(this.graceMs >= 0))
      throw new RangeError('interval must be > 0, grace >= 0');
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.limits.maxOffersPerAnnounce = Math.min(this.limits.maxOffersPerAnnounce, MAX_OFFERS_PER_ANNOUNCE);
    this.limits.maxNumwant = Math.min(this.limits.maxNumwant, MAX_OFFERS_PER_ANNOUNCE);
    this.random = options.random ?? Math.random;
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
    return this.swarms.size;
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

  connect(connection: Connection): Session {
    this.sessionTotal++;
    return new Session(connection);
  }

  /** The connection closed: it counts as `stopped` in every swarm it joined. */
  disconnect(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    this.sessionTotal--;
    for (const peer of session.peers()) this.removePeer(peer, 'closed');
  }

  /** Handles one text frame from a connection. Never throws for anything a client sends. */
  receive(session: Session, text: string, now: number): void {
    if (!this.admit(session, now)) return;
    const parsed = parseClientMessage(text, {
      maxOffers: this.limits.maxOffersPerAnnounce,
      maxNumwant: this.limits.maxNumwant,
      maxScrapeHashes: this.limits.maxScrapeHashes,
    });
    if (!parsed.ok) {
      this.fail(session, failure(parsed.error, parsed.action, parsed.infoHash));
      return;
    }
    const message = parsed.message;
    if (message.kind === 'announce') this.announce(session, message, now);
    else if (message.kind === 'answer') this.answer(session, message);
    else this.scrape(session, message);
  }

  /** Handles a frame the socket layer could not read (such as binary that is not UTF-8): a failure reason. */
  receiveUnreadable(session: Session, reason: string, now: number): void {
    if (!this.admit(session, now)) return;
    this.fail(session, { 'failure reason': reason });
  }

  /** Counts a message against the rate limit; false (and the connection closed) when it is over. */
  private admit(session: Session, now: number): boolean {
    if (session.closed) return false;
    if (session.admit(now, this.limits.maxMessagesPerSecond)) return true;
    this.fail(session, {
      'failure reason': `rate limit exceeded: over ${this.limits.maxMessagesPerSecond} messages per second`,
    });
    this.abuse(session, 'rate limit exceeded');
    return false;
  }

  /** Drops every peer not heard from within the timeout; returns how many. */
  expire(now: number): number {
    const deadline = now - this.timeoutMs;
    let dropped = 0;
    for (const swarm of [...this.swarms.values()]) {
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

  stats(peerClient: (peerId: string) => string): TrackerStats {
    let seeders = 0;
    const swarms: SwarmStats[] = [];
    for (const swarm of this.swarms.values()) {
      seeders += swarm.complete;
      swarms.push(swarm.stats(peerClient));
    }
    return {
      swarms,
      swarmCount: this.swarms.size,
      peerCount: this.peerTotal,
      seeders,
      leechers: this.peerTotal - seeders,
      connections: this.sessionTotal,
      intervalSeconds: this.intervalSeconds,
    };
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
        this.fail(
          session,
          failure(`swarm is full (max ${this.limits.maxPeersPerSwarm} peers)`, 'announce', infoHash),
        );
        return;
      }
      if (!swarm) {
        swarm = new Swarm(infoHash);
        this.swarms.set(infoHash, swarm);
      }
      peer = swarm.add(peerId, session, message, now);
      session.join(peer);
      this.peerTotal++;
    } else {
      swarm!.update(peer, message, now);
    }
    session.connection.deliver(this.announceReply(infoHash, swarm));
    this.relayOffers(swarm!, peer, message);
  }

  private relayOffers(swarm: Swarm, from: Peer, message: AnnounceMessage): void {
    const count = Math.min(message.offers.length, message.numwant || message.offers.length);
    if (count === 0) return;
    const targets = swarm.randomPeers(count, from, this.random);
    for (let i = 0; i < targets.length; i++) {
      const offer = message.offers[i];
      const forward: OfferWire = {
        action: 'announce',
        offer: offer.offer,
        offer_id: offer.offer_id,
        peer_id: from.peerId,
        info_hash: swarm.infoHash,
      };
      targets[i].session.connection.deliver(forward);
      this.counters.offersRelayed++;
    }
  }

  private answer(session: Session, message: AnswerMessage): void {
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
    const to = swarm.get(toPeerId);
    if (!to) {
      this.fail(session, failure('no peer with that to_peer_id in this swarm', 'announce', infoHash));
      return;
    }
    const forward: AnswerWire = {
      action: 'announce',
      answer: message.answer,
      offer_id: message.offerId,
      peer_id: peerId,
      info_hash: infoHash,
    };
    to.session.connection.deliver(forward);
    this.counters.answersRelayed++;
  }

  private scrape(session: Session, message: ScrapeMessage): void {
    this.counters.scrapes++;
    const reply: ScrapeResponseWire = {
      action: 'scrape',
      files: {},
      flags: { min_request_interval: this.intervalSeconds },
    };
    const hashes = message.infoHashes ?? [...this.swarms.keys()].slice(0, this.limits.maxScrapeAll);
    for (const infoHash of hashes) {
      const swarm = this.swarms.get(infoHash);
      reply.files[infoHash] = {
        complete: swarm?.complete ?? 0,
        incomplete: swarm?.incomplete ?? 0,
        downloaded: swarm?.downloaded ?? 0,
      };
    }
    session.connection.deliver(reply);
  }

  private announceReply(infoHash: string, swarm: Swarm | undefined): AnnounceResponseWire {
    return {
      action: 'announce',
      info_hash: infoHash,
      interval: this.intervalSeconds,
      complete: swarm?.complete ?? 0,
      incomplete: swarm?.incomplete ?? 0,
    };
  }

  private removePeer(peer: Peer, reason: RemovalReason): void {
    const swarm = this.swarms.get(peer.infoHash);
    if (!swarm || swarm.get(peer.peerId) !== peer) return;
    swarm.remove(peer);
    peer.session.leave(peer);
    this.peerTotal--;
    if (swarm.size === 0) this.swarms.delete(peer.infoHash);
    for (const listener of this.removalListeners) listener(peer.infoHash, peer.peerId, reason);
  }
}

function failure(reason: string, action?: 'announce' | 'scrape', infoHash?: string): FailureWire {
  const message: FailureWire = { 'failure reason': reason };
  if (action) message.action = action;
  if (infoHash !== undefined) message.info_hash = infoHash;
  return message;
}
