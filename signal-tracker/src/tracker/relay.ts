// Offers from an announcing peer to others of its swarm, and the pending offers each connection may answer once.
// The sender pays for what it sends: an offer a peer cannot take goes to another peer, and no peer is ever closed
// for what others sent it.
import type { AnnounceMessage, SignalDescription } from '../../../shared/codec/tracker-protocol';
import type { TrackerCounters } from './counters';
import { OfferWindow, type TrackerLimits } from './limits';
import type { PendingOffer, Peer, RemotePeer, Session, Swarm } from './socket-session';
import { offerWire } from './replies';

/** One offer to relay: whose, under which hash, from which sender address. */
export interface OfferToRelay {
  offerer: Peer | RemotePeer;
  /** The info hash the offerer announced it under (its answer goes back under it). */
  offerHash: string;
  /** The offerer's client address (or its process and peer id), for the per-sender limits. */
  sender: string;
  offerId: string;
  offer: SignalDescription;
}

export class Relay {
  constructor(
    private readonly limits: TrackerLimits,
    private readonly counters: TrackerCounters,
    private readonly offerTtlMs: number,
    private readonly random: () => number,
  ) {}

  /** Relays an announce's offers to random peers of `swarm` (spread over addresses), as many as it wants. */
  relayOffers(swarm: Swarm, from: Peer, message: AnnounceMessage, now: number): void {
    const count = offersWanted(message);
    if (count === 0) return;
    // Peers spread over addresses; an offer a peer cannot take goes to one of a second, larger pick.
    const targets = swarm.randomPeers(count, from, this.random);
    let next = 0;
    for (const target of targets) if (this.offerTo(target, offerFrom(from, message, next), now)) next++;
    if (next === count || targets.length < count) return;
    for (const target of swarm.randomPeers(2 * count, from, this.random)) {
      if (next >= count) break;
      if (targets.includes(target)) continue;
      if (this.offerTo(target, offerFrom(from, message, next), now)) next++;
    }
  }

  /**
   * Relays an offer to `target` if it can take it, else counts it dropped and returns false (the caller tries
   * another peer). An offer that would pass the target's backlog, its offers this second (from all, or from this
   * sender's address), or its pending offers is not sent. The offer reaches it under the hash it announced, and
   * the answer goes back under `offerHash`, the one the offerer announced (they differ in a swarm bound to an alias).
   */
  offerTo(target: Peer, offer: OfferToRelay, now: number): boolean {
    const { limits } = this;
    const to = target.session;
    const window = (to.offersIn ??= new OfferWindow());
    const fits =
      !to.closed &&
      (to.connection.unsentBytes?.() ?? 0) + offerBytes(offer.offer) <= limits.maxRelayBacklogBytes &&
      window.allows(
        now,
        offer.sender,
        limits.maxOffersPerSecondPerRecipient,
        limits.maxOffersPerSecondPerSender,
      ) &&
      this.rememberOffer(to, target.infoHash, offer, now);
    if (!fits) {
      this.counters.offersDropped++;
      return false;
    }
    window.count(offer.sender);
    to.connection.deliver(offerWire(target.infoHash, offer.offerer.peerId, offer.offerId, offer.offer));
    this.counters.offersRelayed++;
    return true;
  }

  /**
   * The offer relayed to `session` under `infoHash` from `offererId` with `offerId`, taken off its pending list
   * (it can be answered once); undefined when there is none or it has expired.
   */
  takeOffer(
    session: Session,
    infoHash: string,
    offererId: string,
    offerId: string,
    now: number,
  ): PendingOffer | undefined {
    const key = pendingKey(infoHash, offererId, offerId);
    const offer = session.pending?.get(key);
    if (offer) session.pending!.delete(key);
    return offer && offer.expiresAt > now ? offer : undefined;
  }

  /**
   * Notes that `to` may answer the offer once, within the offer's lifetime. Fair per sender: past the sender's
   * share, or in a full list, the sender's own oldest offer is forgotten; false when the list is full of other
   * senders' offers (this one then goes elsewhere).
   */
  private rememberOffer(to: Session, toHash: string, offer: OfferToRelay, now: number): boolean {
    const pending = (to.pending ??= new Map<string, PendingOffer>());
    const key = pendingKey(toHash, offer.offerer.peerId, offer.offerId);
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
      if (old.sender !== offer.sender) continue;
      own++;
      ownOldest ??= oldKey;
    }
    if (pending.size >= max || own >= pendingShare(max)) {
      if (ownOldest === null) return false;
      pending.delete(ownOldest);
    }
    const { offerer, offerHash, sender } = offer;
    pending.set(key, { offerer, offerHash, sender, expiresAt: now + this.offerTtlMs });
    return true;
  }
}

/** The announce's offer number `index`, from `from` under the hash it announced. */
export function offerFrom(from: Peer, message: AnnounceMessage, index: number): OfferToRelay {
  const offer = message.offers[index];
  return {
    offerer: from,
    offerHash: message.infoHash,
    sender: from.session.address.key,
    offerId: offer.offer_id,
    offer: offer.offer,
  };
}

/** How many of an announce's offers are relayed: all of them, or `numwant` if fewer. */
export function offersWanted(message: AnnounceMessage): number {
  return Math.min(message.offers.length, message.numwant || message.offers.length);
}

/** The pending offers one sender address may hold at one connection: a quarter of them (at least one). */
function pendingShare(maxPending: number): number {
  return Math.max(1, Math.floor(maxPending / 4));
}

/** About what an offer adds to its recipient's unsent bytes: its SDP and the message around it. */
function offerBytes(offer: SignalDescription): number {
  return offer.sdp.length + 160;
}

/** A connection's pending offers are keyed by swarm, offerer and offer id. */
function pendingKey(infoHash: string, offererId: string, offerId: string): string {
  return infoHash + offererId + offerId;
}
