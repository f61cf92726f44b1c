// What one client address may spend on the keeper's HTTP routes: requests per second, and request body bytes at a
// steady rate. A body is paid for before a byte of it is read: its declared length (or, without one, its route's
// bound) is taken from the address's bytes, and what it did not use is given back once it is read. An address in
// debt is refused until its bytes have come back, so one body larger than a second's worth still passes, and a
// flood of them costs the tracker no more than the rate.

export interface KeepBudgetLimits {
  /** Requests to the keeper's routes per second from one address. */
  requestsPerSecond: number;
  /** Body bytes per second from one address (the tracker's per-address WebSocket byte rate by default). */
  bytesPerSecond: number;
}

/** The app polls a kept share's status once a second, and a keep is two requests (its challenge, then its proof);
 * 20 leaves room for several cards and tabs behind one address. */
export const DEFAULT_KEEP_REQUESTS_PER_SECOND = 20;

interface Spend {
  /** The start of the current one-second window of requests, and the requests in it. */
  windowStart: number;
  requests: number;
  /** Bytes the address may still send (negative: in debt), as of `at`. */
  balance: number;
  at: number;
}

export class KeepBudget {
  private readonly spends = new Map<string, Spend>();
  private lastSweep = -Infinity;

  constructor(private readonly limits: KeepBudgetLimits) {}

  /** Addresses with something spent that has not come back yet (what the table holds). */
  get size(): number {
    return this.spends.size;
  }

  /** Counts one request from `address`; false when it is over the requests of this second. */
  request(address: string, now: number): boolean {
    const spend = this.spendOf(address, now);
    if (now - spend.windowStart >= 1000) {
      spend.windowStart = now;
      spend.requests = 0;
    }
    spend.requests++;
    return spend.requests <= this.limits.requestsPerSecond;
  }

  /** Takes `bytes` from `address` before a body is read; false (nothing taken) while the address is in debt. */
  reserve(address: string, now: number, bytes: number): boolean {
    const spend = this.spendOf(address, now);
    if (spend.balance <= 0) return false;
    spend.balance -= bytes;
    return true;
  }

  /** Gives back what a reserved body did not use. */
  refund(address: string, now: number, bytes: number): void {
    const spend = this.spendOf(address, now);
    spend.balance = Math.min(this.limits.bytesPerSecond, spend.balance + bytes);
  }

  /** Whole seconds until `address` has its bytes back for another body (at least 1: a new second of requests). */
  retryAfter(address: string, now: number): number {
    const debt = Math.max(0, -this.spendOf(address, now).balance);
    return Math.max(1, Math.ceil((debt + 1) / this.limits.bytesPerSecond));
  }

  /** The address's spend, its bytes refilled up to `now`; addresses whose spend has all come back are forgotten
   * (at most once a second), since a fresh one is the same. */
  private spendOf(address: string, now: number): Spend {
    if (now - this.lastSweep >= 1000) this.sweep(now);
    let spend = this.spends.get(address);
    if (!spend) {
      spend = { windowStart: -Infinity, requests: 0, balance: this.limits.bytesPerSecond, at: now };
      this.spends.set(address, spend);
    }
    const refill = ((now - spend.at) * this.limits.bytesPerSecond) / 1000;
    spend.balance = Math.min(this.limits.bytesPerSecond, spend.balance + Math.max(0, refill));
    spend.at = now;
    return spend;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    const { bytesPerSecond } = this.limits;
    for (const [address, spend] of this.spends) {
      const balance = spend.balance + ((now - spend.at) * bytesPerSecond) / 1000;
      if (balance >= bytesPerSecond && now - spend.windowStart >= 1000) this.spends.delete(address);
    }
  }
}
