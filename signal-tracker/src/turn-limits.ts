// How many TURN credentials one client address may get: a token bucket per address (IPv4, or IPv6 /64), so a page
// load or a refresh costs one and a burst of tabs is served, while a script asking in a loop gets a few and then a
// refusal that says when to come back. The table of addresses is bounded: a bucket that has refilled whole is the
// same as none and is forgotten first; with every place taken by addresses still short of tokens, a new address is
// refused until the soonest of them has refilled, so no one can reset an address's count by filling the table.

export interface CredentialLimits {
  /** Credentials one address may get at once: the bucket's size. */
  burst: number;
  /** One more credential for an address this often, in ms: the bucket's refill. */
  refillMs: number;
  /** Addresses remembered at once. */
  maxAddresses: number;
}

/**
 * 20 at once serves a household or office behind one address opening its tabs together (a tab asks once on load and
 * once per refresh); one more every 30 s is 120 an hour, enough for 60 open tabs refreshing every 30 minutes from
 * one address. A script gets 20, then one every 30 s.
 */
export const DEFAULT_CREDENTIAL_LIMITS: CredentialLimits = {
  burst: 20,
  refillMs: 30_000,
  maxAddresses: 10_000,
};

interface Bucket {
  tokens: number;
  /** When `tokens` was counted, in ms. */
  at: number;
}

/** A credential may be handed out, or not before `retryAfterMs` from now. */
export type CredentialGrant = { granted: true } | { granted: false; retryAfterMs: number };

export class CredentialBuckets {
  private readonly buckets = new Map<string, Bucket>();
  /** With a full table: no bucket refills whole before this time, so no sweep before it can free a place. */
  private noPlaceBefore = -Infinity;
  /** Requests refused, for the stats and the tests. */
  refused = 0;

  constructor(private readonly limits: CredentialLimits) {}

  /** Addresses in the table now. */
  get addressCount(): number {
    return this.buckets.size;
  }

  /** Takes one credential's token for `address` (an addressKey) at `now`, or says how long to wait. */
  take(address: string, now: number): CredentialGrant {
    let bucket = this.buckets.get(address);
    if (bucket) {
      this.refill(bucket, now);
    } else {
      const wait = this.makeRoom(now);
      if (wait > 0) return this.refuse(wait);
      bucket = { tokens: this.limits.burst, at: now };
      this.buckets.set(address, bucket);
    }
    if (bucket.tokens < 1) return this.refuse((1 - bucket.tokens) * this.limits.refillMs);
    bucket.tokens -= 1;
    return { granted: true };
  }

  private refuse(retryAfterMs: number): CredentialGrant {
    this.refused++;
    return { granted: false, retryAfterMs: Math.ceil(retryAfterMs) };
  }

  private refill(bucket: Bucket, now: number): void {
    const { burst, refillMs } = this.limits;
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) / refillMs);
    bucket.at = now;
  }

  /** 0 when a new address has a place (after forgetting whole buckets if the table is full), else the wait in ms. */
  private makeRoom(now: number): number {
    if (this.buckets.size < this.limits.maxAddresses) return 0;
    if (now < this.noPlaceBefore) return this.noPlaceBefore - now;
    const { burst, refillMs } = this.limits;
    let soonestWhole = Infinity;
    for (const [address, bucket] of this.buckets) {
      this.refill(bucket, now);
      if (bucket.tokens >= burst) this.buckets.delete(address);
      else soonestWhole = Math.min(soonestWhole, now + (burst - bucket.tokens) * refillMs);
    }
    if (this.buckets.size < this.limits.maxAddresses) return 0;
    this.noPlaceBefore = soonestWhole;
    return soonestWhole - now;
  }
}
