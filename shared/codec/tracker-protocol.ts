// The WebTorrent WebSocket tracker protocol: JSON messages over one WebSocket per tracker, as implemented by the
// `bittorrent-tracker` package (server.js, lib/server/parse-websocket.js, lib/client/websocket-tracker.js).
// `info_hash`, `peer_id`, `to_peer_id` and `offer_id` are 20-character binary strings (one char per byte).
// It is pure (no DOM, no Node API), so the tracker server and the browser's tracker client share it. This module
// reads what a tracker sends its clients (parseServerMessage) and is the protocol's one entry: the message types
// are tracker-messages.ts's, what a tracker reads from its clients (parseClientMessage) tracker-client-messages.ts's.
import {
  describe,
  isBinaryId,
  isCount,
  isObject,
  readSignal,
  Rejection,
  type ParseResult,
  type ScrapeFileStats,
  type SignalDescription,
} from './tracker-messages';

export {
  BINARY_ID_LENGTH,
  MAX_OFFERS_PER_ANNOUNCE,
  binaryToBytes,
  binaryToHex,
  bytesToBinary,
  hexToBinary,
  isBinaryId,
  type AnnounceMessage,
  type AnnounceRequestWire,
  type AnnounceResponseWire,
  type AnswerMessage,
  type AnswerRequestWire,
  type AnswerWire,
  type ClientMessage,
  type ClientMessageLimits,
  type FailureWire,
  type OfferWire,
  type ParseResult,
  type ProtocolError,
  type ScrapeFileStats,
  type ScrapeMessage,
  type ScrapeRequestWire,
  type ScrapeResponseWire,
  type SignalDescription,
  type TrackerEvent,
  type WireOffer,
} from './tracker-messages';
export { parseClientMessage } from './tracker-client-messages';

export type ServerMessage =
  | {
      kind: 'announce';
      infoHash: string;
      interval: number;
      complete: number;
      incomplete: number;
      /** `info_hash_alias`: the swarm's other hash, when the tracker serves both as one swarm. */
      alias?: string;
    }
  | { kind: 'offer'; infoHash: string; peerId: string; offerId: string; offer: SignalDescription }
  | { kind: 'answer'; infoHash: string; peerId: string; offerId: string; answer: SignalDescription }
  | { kind: 'scrape'; files: Map<string, ScrapeFileStats> }
  | { kind: 'failure'; reason: string; action?: 'announce' | 'scrape'; infoHash?: string }
  | { kind: 'warning'; message: string; infoHash?: string };

function readStats(value: unknown): ScrapeFileStats {
  if (!isObject(value)) throw new Rejection('invalid scrape entry: not an object');
  for (const field of ['complete', 'incomplete'] as const) {
    if (!isCount(value[field])) throw new Rejection(`invalid scrape entry: ${field} is not a count`);
  }
  const downloaded = value.downloaded ?? 0;
  if (!isCount(downloaded)) throw new Rejection('invalid scrape entry: downloaded is not a count');
  return { complete: value.complete as number, incomplete: value.incomplete as number, downloaded };
}

/**
 * Validates one message a tracker sent. An announce reply may carry counts and an offer or answer at once in
 * other trackers' dialects; this returns the most specific reading (offer, answer, then counts).
 */
export function parseServerMessage(text: string): ParseResult<ServerMessage> {
  let object: unknown;
  try {
    object = JSON.parse(text);
  } catch {
    return { ok: false, error: 'invalid tracker message: not JSON' };
  }
  if (!isObject(object)) return { ok: false, error: 'invalid tracker message: not a JSON object' };
  const action: 'announce' | 'scrape' | undefined =
    object.action === 'announce' || object.action === 'scrape' ? object.action : undefined;
  const infoHash = isBinaryId(object.info_hash) ? object.info_hash : undefined;
  /** What a failure or a rejection says it is about, when the message tells. */
  const about: { action?: 'announce' | 'scrape'; infoHash?: string } = {
    ...(action ? { action } : {}),
    ...(infoHash ? { infoHash } : {}),
  };
  const failure = object['failure reason'];
  if (failure !== undefined) {
    const reason = typeof failure === 'string' ? failure : describe(failure);
    return { ok: true, message: { kind: 'failure', reason, ...about } };
  }
  try {
    return { ok: true, message: readServerMessage(object, action, infoHash) };
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return { ok: false, error: error.message, ...about };
  }
}

/** A tracker's message other than a failure, by its action; throws Rejection when it is malformed. */
function readServerMessage(
  object: Record<string, unknown>,
  action: 'announce' | 'scrape' | undefined,
  infoHash: string | undefined,
): ServerMessage {
  if (action === 'scrape') return readScrapeReply(object);
  if (action !== 'announce')
    throw new Rejection(`invalid action in tracker message: ${describe(object.action)}`);
  if (infoHash === undefined) throw new Rejection('invalid info_hash in tracker message');
  if (object.offer !== undefined || object.answer !== undefined) return readRelayedSignal(object, infoHash);
  if (typeof object['warning message'] === 'string') {
    return { kind: 'warning', message: object['warning message'], infoHash };
  }
  return readAnnounceReply(object, infoHash);
}

function readScrapeReply(object: Record<string, unknown>): ServerMessage {
  if (!isObject(object.files)) throw new Rejection('invalid scrape reply: files is not an object');
  const files = new Map<string, ScrapeFileStats>();
  for (const [key, value] of Object.entries(object.files)) {
    if (!isBinaryId(key)) throw new Rejection('invalid scrape reply: a key is not a binary info hash');
    files.set(key, readStats(value));
  }
  return { kind: 'scrape', files };
}

/** An offer or an answer another peer sent us through the tracker. */
function readRelayedSignal(object: Record<string, unknown>, infoHash: string): ServerMessage {
  if (!isBinaryId(object.peer_id)) throw new Rejection('invalid peer_id in tracker message');
  if (!isBinaryId(object.offer_id)) throw new Rejection('invalid offer_id in tracker message');
  const base = { infoHash, peerId: object.peer_id, offerId: object.offer_id };
  if (object.offer !== undefined) {
    const offer = readSignal(object.offer);
    if (!offer) throw new Rejection('invalid offer in tracker message');
    return { kind: 'offer', ...base, offer };
  }
  const answer = readSignal(object.answer);
  if (!answer) throw new Rejection('invalid answer in tracker message');
  return { kind: 'answer', ...base, answer };
}

function readAnnounceReply(object: Record<string, unknown>, infoHash: string): ServerMessage {
  const interval = object.interval ?? object['min interval'];
  if (!isCount(interval) || !isCount(object.complete) || !isCount(object.incomplete)) {
    throw new Rejection('invalid announce reply: interval, complete and incomplete must be counts');
  }
  return {
    kind: 'announce',
    infoHash,
    interval,
    complete: object.complete,
    incomplete: object.incomplete,
    ...(isBinaryId(object.info_hash_alias) ? { alias: object.info_hash_alias } : {}),
  };
}
