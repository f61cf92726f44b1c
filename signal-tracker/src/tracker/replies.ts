// The messages the tracker sends: failures, announce and scrape replies, and relayed offers and answers, in the
// WebTorrent tracker's wire shape.
import type {
  AnnounceResponseWire,
  AnswerWire,
  FailureWire,
  OfferWire,
  ScrapeResponseWire,
} from '../../../shared/codec/tracker-protocol';
import { otherHash } from './aliases';
import type { Swarm } from './socket-session';

/**
 * The failure reasons of a refused claim of a peer id, in one process or across the cluster (clients may tell them
 * apart by their text: it stays as it is).
 */
export const PEER_ID_IN_USE = 'peer_id is in use in this swarm by another connection';
export const SECOND_PEER_ID = 'this connection already has another peer_id in this swarm';

export function failure(reason: string, action?: 'announce' | 'scrape', infoHash?: string): FailureWire {
  const message: FailureWire = { 'failure reason': reason };
  if (action) message.action = action;
  if (infoHash !== undefined) message.info_hash = infoHash;
  return message;
}

/** The reply to an announce under `infoHash`: the swarm's counts and, when bound, its other hash. */
export function announceReply(
  infoHash: string,
  swarm: Swarm | undefined,
  intervalSeconds: number,
): AnnounceResponseWire {
  const reply: AnnounceResponseWire = {
    action: 'announce',
    info_hash: infoHash,
    interval: intervalSeconds,
    complete: swarm?.complete ?? 0,
    incomplete: swarm?.incomplete ?? 0,
  };
  const alias = otherHash(swarm, infoHash);
  if (alias !== undefined) reply.info_hash_alias = alias;
  return reply;
}

/** The reply to a scrape: each asked hash with its swarm's counts (zero for a swarm not here). */
export function scrapeReply(
  hashes: string[],
  swarmOf: (infoHash: string) => Swarm | undefined,
  intervalSeconds: number,
): ScrapeResponseWire {
  const reply: ScrapeResponseWire = {
    action: 'scrape',
    files: {},
    flags: { min_request_interval: intervalSeconds },
  };
  for (const infoHash of hashes) {
    const swarm = swarmOf(infoHash);
    reply.files[infoHash] = {
      complete: swarm?.complete ?? 0,
      incomplete: swarm?.incomplete ?? 0,
      downloaded: swarm?.downloaded ?? 0,
    };
  }
  return reply;
}

/** An offer as the tracker forwards it to the peer that is to answer it. */
export function offerWire(infoHash: string, from: string, offerId: string, offer: unknown): OfferWire {
  return {
    action: 'announce',
    offer: offer as OfferWire['offer'],
    offer_id: offerId,
    peer_id: from,
    info_hash: infoHash,
  };
}

/** An answer as the tracker forwards it to the peer that made the offer. */
export function answerWire(infoHash: string, from: string, offerId: string, answer: unknown): AnswerWire {
  return {
    action: 'announce',
    answer: answer as AnswerWire['answer'],
    offer_id: offerId,
    peer_id: from,
    info_hash: infoHash,
  };
}
