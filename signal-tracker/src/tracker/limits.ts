// The tracker's limits: what one connection, one client address and one swarm may cost, their defaults, and the
// one-second windows that count messages, bytes and relayed offers against them.
import { MAX_OFFERS_PER_ANNOUNCE, type ClientMessageLimits } from '../../../shared/codec/tracker-protocol';

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

/** The defaults with `overrides` over them; offers and numwant never pass what the protocol allows. */
export function resolveLimits(overrides: Partial<TrackerLimits> = {}): TrackerLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  limits.maxOffersPerAnnounce = Math.min(limits.maxOffersPerAnnounce, MAX_OFFERS_PER_ANNOUNCE);
  limits.maxNumwant = Math.min(limits.maxNumwant, MAX_OFFERS_PER_ANNOUNCE);
  return limits;
}

/** What parseClientMessage checks each message against (made once, not per message). */
export function messageLimits(limits: TrackerLimits): ClientMessageLimits {
  return {
    maxOffers: limits.maxOffersPerAnnounce,
    maxNumwant: limits.maxNumwant,
    maxScrapeHashes: limits.maxScrapeHashes,
    maxSdpLength: limits.maxSdpLength,
  };
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
