// Who may talk to the tracker: connections per client address, the announce deadline of a new connection, and
// the messages and bytes per second of a connection and of its address. Over a limit, the connection is closed.
import type { FailureWire } from '../../../shared/codec/tracker-protocol';
import type { TrackerCounters } from './counters';
import type { TrackerLimits } from './limits';
import {
  CLOSE_POLICY,
  newClientAddress,
  Session,
  type ClientAddress,
  type Connection,
} from './socket-session';
import type { SwarmRegistry } from './swarm-registry';

export class Admission {
  /** Client addresses with open connections. */
  private readonly addresses = new Map<string, ClientAddress>();
  /** Connections in the order they came, for the announce deadline (from `newestHead` on). */
  private readonly newest: Session[] = [];
  private newestHead = 0;
  private sessionTotal = 0;
  /** The serial of the last connection made. */
  private lastSerial = 0;

  constructor(
    private readonly limits: TrackerLimits,
    private readonly counters: TrackerCounters,
    private readonly swarms: SwarmRegistry,
    private readonly announceDeadlineMs: number,
  ) {}

  get connectionCount(): number {
    return this.sessionTotal;
  }

  /** Client addresses with open connections (what the per-address table holds). */
  get addressCount(): number {
    return this.addresses.size;
  }

  /** Whether a new connection from `address` (an addressKey) would be accepted. */
  acceptsConnectionFrom(address: string): boolean {
    return (this.addresses.get(address)?.connections ?? 0) < this.limits.maxConnectionsPerAddress;
  }

  /** A new connection from `address`; null when that address already has the most connections allowed. */
  connect(connection: Connection, address: string, now: number): Session | null {
    let client = this.addresses.get(address);
    if (client && client.connections >= this.limits.maxConnectionsPerAddress) {
      this.counters.connectionsRefused++;
      return null;
    }
    if (!client) {
      client = newClientAddress(address);
      this.addresses.set(address, client);
    }
    client.connections++;
    this.sessionTotal++;
    const session = new Session(connection, client, now, ++this.lastSerial);
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
    for (const peer of session.peers()) this.swarms.remove(peer, 'closed');
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

  /** Counts a message of `bytes` against the rate limits; false (and the connection closed) when it is over. */
  admit(session: Session, now: number, bytes: number): boolean {
    if (session.closed) return false;
    this.counters.messages++;
    const reason = this.overLimit(session, now, bytes);
    if (reason === null) return true;
    this.fail(session, { 'failure reason': reason });
    this.abuse(session, 'rate limit exceeded');
    return false;
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

  /** Counts the message in every window (whichever refuses it); the first limit it passes, or null. */
  private overLimit(session: Session, now: number, bytes: number): string | null {
    const { limits } = this;
    const address = session.address;
    const addressMessages = address.messages.admit(now, limits.maxMessagesPerSecondPerAddress);
    const addressBytes = address.bytes.admit(now, limits.maxBytesPerSecondPerAddress, bytes);
    const ownBytes = session.bytes.admit(now, limits.maxBytesPerSecond, bytes);
    if (!session.messages.admit(now, limits.maxMessagesPerSecond))
      return `rate limit exceeded: over ${limits.maxMessagesPerSecond} messages per second`;
    if (!ownBytes) return `rate limit exceeded: over ${limits.maxBytesPerSecond} bytes per second`;
    if (!addressMessages)
      return `rate limit exceeded: over ${limits.maxMessagesPerSecondPerAddress} messages per second from this address`;
    if (!addressBytes)
      return `rate limit exceeded: over ${limits.maxBytesPerSecondPerAddress} bytes per second from this address`;
    return null;
  }
}
