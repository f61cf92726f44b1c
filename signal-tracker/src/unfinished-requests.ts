// Connections that have not finished their first request's headers, counted before anything else sees them: per
// address and in all, each with a short deadline. Node's own header timeout is only checked every 30 s, and nothing
// counted such connections before a WebSocket upgrade, so one address could hold thousands for about 90 s.
import type { Socket } from 'node:net';
import { addressKey } from './client-address';

export interface UnfinishedRequestLimits {
  /** Connections, from every address, that have not finished their request headers. */
  maxUnfinished: number;
  /** The same from one address (IPv4, or IPv6 /64): more are closed at once. */
  maxUnfinishedPerAddress: number;
  /** A connection that has not finished its request headers this long after it opened is closed, in ms. */
  headerTimeoutMs: number;
}

export const DEFAULT_UNFINISHED_REQUEST_LIMITS: UnfinishedRequestLimits = {
  maxUnfinished: 1024,
  maxUnfinishedPerAddress: 32,
  headerTimeoutMs: 10_000,
};

interface Waiting {
  address: string;
  deadline: number;
}

export class UnfinishedRequests {
  /** By socket, in order of arrival: every deadline is arrival + the same timeout, so the oldest expires first. */
  private readonly waiting = new Map<Socket, Waiting>();
  private readonly perAddress = new Map<string, number>();
  /** Connections closed on arrival because a limit was reached. */
  refused = 0;
  /** Connections closed because their headers did not arrive in time. */
  timedOut = 0;

  /**
   * @param countPerAddress false behind a trusted proxy: every connection then comes from the proxy, which reads a
   *   request's headers itself before it opens one to us, so only the total is counted.
   */
  constructor(
    private readonly limits: UnfinishedRequestLimits,
    private readonly countPerAddress = true,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** A new connection: counted until its headers are in, or closed at once when over a limit. */
  admit(socket: Socket, now: number): boolean {
    const address = addressKey(socket.remoteAddress);
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (
      this.waiting.size >= this.limits.maxUnfinished ||
      (this.countPerAddress && fromAddress >= this.limits.maxUnfinishedPerAddress)
    ) {
      this.refused++;
      socket.destroy();
      return false;
    }
    this.waiting.set(socket, { address, deadline: now + this.limits.headerTimeoutMs });
    this.perAddress.set(address, fromAddress + 1);
    socket.once('close', () => this.finished(socket));
    return true;
  }

  /** The connection's request headers are in (a request or an upgrade), or it closed: it no longer counts. */
  finished(socket: Socket): void {
    const entry = this.waiting.get(socket);
    if (!entry) return;
    this.waiting.delete(socket);
    const left = (this.perAddress.get(entry.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(entry.address, left);
    else this.perAddress.delete(entry.address);
  }

  /** Closes the connections whose headers are late (the oldest first, stopping at the first still in time). */
  expire(now: number): void {
    for (const [socket, entry] of this.waiting) {
      if (entry.deadline > now) break;
      this.finished(socket);
      this.timedOut++;
      socket.destroy();
    }
  }
}
