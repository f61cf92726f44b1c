// The tracker: swarms by info hash, peers per swarm, announce/scrape/offer/answer handling, limits and expiry. It
// knows nothing of sockets: a connection is anything that can send a JSON-able object and close, and the time
// comes in as an argument, so the tests drive it with a virtual clock. Each job is a room beside this file; the
// tracker builds them, hands frames to the dispatcher and answers for the totals.
import type { ClientMessageLimits, FailureWire } from '../../../shared/codec/tracker-protocol';
import type { ClusterDirectory } from '../cluster/directory';
import type { Admission } from './admission';
import type { ClusterBridge } from './cluster-bridge';
import { newCounters, type TrackerCounters } from './counters';
import { dispatchFrame } from './dispatch';
import { messageLimits, resolveLimits, type TrackerLimits } from './limits';
import { createRooms, type TrackerRooms } from './rooms';
import type { Connection, Session } from './socket-session';
import type { SwarmStats } from './swarm';
import type { RemovalListener, SwarmRegistry } from './swarm-registry';

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

export class Tracker {
  readonly intervalMs: number;
  readonly graceMs: number;
  readonly limits: TrackerLimits;
  readonly counters: TrackerCounters = newCounters();
  readonly offerTtlMs: number;
  readonly announceDeadlineMs: number;
  private readonly swarms: SwarmRegistry;
  private readonly admission: Admission;
  private readonly cluster: ClusterBridge;
  private readonly rooms: TrackerRooms;
  /** What parseClientMessage checks each message against (made once, not per message). */
  private readonly messageLimits: ClientMessageLimits;

  constructor(options: TrackerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 120_000;
    this.graceMs = options.graceMs ?? 30_000;
    if (!(this.intervalMs > 0) || !(this.graceMs >= 0))
      throw new RangeError('interval must be > 0, grace >= 0');
    this.limits = resolveLimits(options.limits);
    this.offerTtlMs = options.offerTtlMs ?? 50_000;
    this.announceDeadlineMs = options.announceDeadlineMs ?? 30_000;
    this.messageLimits = messageLimits(this.limits);
    this.rooms = createRooms({
      limits: this.limits,
      counters: this.counters,
      intervalSeconds: this.intervalSeconds,
      offerTtlMs: this.offerTtlMs,
      announceDeadlineMs: this.announceDeadlineMs,
      random: options.random ?? Math.random,
    });
    this.swarms = this.rooms.swarms;
    this.admission = this.rooms.admission;
    this.cluster = this.rooms.cluster;
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
    return this.swarms.swarmCount;
  }

  get peerCount(): number {
    return this.swarms.peerCount;
  }

  get connectionCount(): number {
    return this.admission.connectionCount;
  }

  /** Client addresses with open connections (what the per-address table holds). */
  get addressCount(): number {
    return this.admission.addressCount;
  }

  /** Calls `listener` whenever a peer leaves a swarm; returns the unsubscribe function. */
  onRemoval(listener: RemovalListener): () => void {
    return this.swarms.onRemoval(listener);
  }

  /**
   * Makes this tracker one process of a cluster: announces are registered in the directory, offers go to peers
   * anywhere in it, answers back to the process of the offerer. Peers that leave here leave the directory.
   */
  joinCluster(cluster: ClusterDirectory): void {
    this.cluster.join(cluster);
  }

  /** Registers every local peer again (Redis came back, perhaps empty); in batches, without offers. */
  registerLocalPeers(now: number): Promise<void> {
    return this.cluster.registerLocalPeers(now);
  }

  /** An offer or answer another process published for a peer whose socket is here. */
  receiveFromCluster(message: unknown, now: number): void {
    this.cluster.receive(message, now);
  }

  /** Whether a new connection from `address` (an addressKey) would be accepted. */
  acceptsConnectionFrom(address: string): boolean {
    return this.admission.acceptsConnectionFrom(address);
  }

  /**
   * A new connection from `address` (see addressKey; connections without one share `local`). Null when that
   * address already has the most connections allowed: the caller closes it.
   */
  connect(connection: Connection, address = 'local', now = 0): Session | null {
    return this.admission.connect(connection, address, now);
  }

  /** The connection closed: it counts as `stopped` in every swarm it joined. */
  disconnect(session: Session): void {
    this.admission.disconnect(session);
  }

  /** Closes every connection older than the announce deadline that has not announced; returns how many. */
  closeSilent(now: number): number {
    return this.admission.closeSilent(now);
  }

  /**
   * Handles one text frame from a connection (`bytes` long on the wire). Never throws for anything a client sends.
   * The frame's rate and shape are checked before it is parsed, so a hostile frame costs no more than a valid one.
   */
  receive(session: Session, text: string, now: number, bytes = text.length): void {
    dispatchFrame(this.rooms, this.messageLimits, session, text, now, bytes);
  }

  /** Handles a frame the socket layer could not read (such as binary that is not UTF-8): a failure reason. */
  receiveUnreadable(session: Session, reason: string, now: number, bytes = 0): void {
    if (!this.admission.admit(session, now, bytes)) return;
    this.fail(session, { 'failure reason': reason });
  }

  /** Drops every peer not heard from within the timeout; returns how many. */
  expire(now: number): number {
    const dropped = this.swarms.expire(now - this.timeoutMs);
    this.counters.peersExpired += dropped;
    return dropped;
  }

  /** Sends a failure reason to a connection and counts it. */
  fail(session: Session, message: FailureWire): void {
    this.admission.fail(session, message);
  }

  /** Closes a connection for abuse. */
  abuse(session: Session, reason: string): void {
    this.admission.abuse(session, reason);
  }

  /** The totals anyone may see. */
  totals(): TrackerTotals {
    let seeders = 0;
    for (const swarm of this.swarms.distinct()) seeders += swarm.complete;
    const peerCount = this.swarms.peerCount;
    return {
      swarmCount: this.swarmCount,
      peerCount,
      seeders,
      leechers: peerCount - seeders,
      connections: this.connectionCount,
      clients: this.swarms.clientCounts(),
      intervalSeconds: this.intervalSeconds,
    };
  }

  /** Every swarm with its peers (for the holder of the stats token only). */
  swarmStats(peerClient: (peerId: string) => string): SwarmStats[] {
    const swarms: SwarmStats[] = [];
    for (const swarm of this.swarms.distinct()) swarms.push(swarm.stats(peerClient));
    return swarms;
  }

  /** The totals and every swarm with its peers. */
  stats(peerClient: (peerId: string) => string): TrackerStats {
    return { ...this.totals(), swarms: this.swarmStats(peerClient) };
  }
}
