// What a tracker reads from its clients (WebTorrent's tracker protocol, tracker-protocol.ts): announces with their
// offers, answers and scrapes, each field checked against the protocol and the tracker's limits.
import {
  describe,
  isBinaryId,
  isCount,
  isObject,
  MAX_OFFERS_PER_ANNOUNCE,
  readSignal,
  Rejection,
  type AnnounceMessage,
  type AnswerMessage,
  type ClientMessage,
  type ClientMessageLimits,
  type ParseResult,
  type ScrapeMessage,
  type SignalDescription,
  type TrackerEvent,
  type WireOffer,
} from './tracker-messages';

function clampLimit(value: number | undefined, fallback: number): number {
  return Math.max(0, Math.min(value ?? fallback, MAX_OFFERS_PER_ANNOUNCE));
}

/** Reads a byte count that may be absent or null (then `whenMissing`). */
function readCount<T>(object: Record<string, unknown>, field: string, whenMissing: T): number | T {
  const value = object[field];
  if (value === undefined || value === null) return whenMissing;
  if (!isCount(value))
    throw new Rejection(`invalid ${field}: ${describe(value)} is not a non-negative integer`);
  return value;
}

function readEvent(value: unknown): TrackerEvent {
  if (value === undefined || value === null || value === '' || value === 'empty' || value === 'update') {
    return 'update';
  }
  if (value === 'started' || value === 'stopped' || value === 'completed' || value === 'paused') return value;
  throw new Rejection(`invalid event: ${describe(value)}`);
}

/** Refuses an SDP longer than the limit. */
function checkSdp(signal: SignalDescription, what: string, maxSdpLength: number | undefined): void {
  if (maxSdpLength !== undefined && signal.sdp.length > maxSdpLength)
    throw new Rejection(`${what}.sdp too long: ${signal.sdp.length} characters (max ${maxSdpLength})`);
}

function readOffers(value: unknown, maxOffers: number, maxSdpLength?: number): WireOffer[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Rejection('invalid offers: not an array');
  if (value.length > maxOffers) throw new Rejection(`too many offers: ${value.length} (max ${maxOffers})`);
  return value.map((item: unknown, i) => {
    if (!isObject(item)) throw new Rejection(`invalid offers[${i}]: not an object`);
    if (!isBinaryId(item.offer_id)) {
      throw new Rejection(`invalid offers[${i}].offer_id: must be a 20-character binary string`);
    }
    const offer = readSignal(item.offer);
    if (!offer) throw new Rejection(`invalid offers[${i}].offer: needs string type and sdp`);
    checkSdp(offer, `offers[${i}].offer`, maxSdpLength);
    return { offer, offer_id: item.offer_id };
  });
}

function readAnnounce(
  object: Record<string, unknown>,
  limits: ClientMessageLimits,
): AnnounceMessage | AnswerMessage {
  const infoHash = object.info_hash;
  const peerId = object.peer_id;
  if (!isBinaryId(peerId)) throw new Rejection('invalid peer_id: must be a 20-character binary string');
  if (object.answer !== undefined) {
    if (!isBinaryId(object.to_peer_id)) {
      throw new Rejection('invalid to_peer_id (required with answer): must be a 20-character binary string');
    }
    if (!isBinaryId(object.offer_id)) {
      throw new Rejection('invalid offer_id (required with answer): must be a 20-character binary string');
    }
    const answer = readSignal(object.answer);
    if (!answer) throw new Rejection('invalid answer: needs string type and sdp');
    checkSdp(answer, 'answer', limits.maxSdpLength);
    return {
      kind: 'answer',
      infoHash: infoHash as string,
      peerId,
      toPeerId: object.to_peer_id,
      offerId: object.offer_id,
      answer,
    };
  }
  const event = readEvent(object.event);
  const maxOffers = clampLimit(limits.maxOffers, MAX_OFFERS_PER_ANNOUNCE);
  const offers = event === 'stopped' ? [] : readOffers(object.offers, maxOffers, limits.maxSdpLength);
  const numwant = readCount(object, 'numwant', offers.length);
  const alias = object.info_hash_alias;
  if (alias !== undefined && !isBinaryId(alias))
    throw new Rejection('invalid info_hash_alias: must be a 20-character binary string');
  return {
    kind: 'announce',
    infoHash: infoHash as string,
    peerId,
    event,
    numwant: Math.min(numwant, clampLimit(limits.maxNumwant, MAX_OFFERS_PER_ANNOUNCE)),
    uploaded: readCount(object, 'uploaded', 0),
    downloaded: readCount(object, 'downloaded', 0),
    left: readCount(object, 'left', null),
    offers,
    ...(alias === undefined || alias === infoHash ? {} : { alias }),
  };
}

function readScrape(object: Record<string, unknown>, limits: ClientMessageLimits): ScrapeMessage {
  const value = object.info_hash;
  if (value === undefined || value === null) return { kind: 'scrape', infoHashes: null };
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const max = limits.maxScrapeHashes ?? 100;
  if (list.length > max)
    throw new Rejection(`too many info_hash values in scrape: ${list.length} (max ${max})`);
  return {
    kind: 'scrape',
    infoHashes: list.map((item, i) => {
      if (!isBinaryId(item)) {
        throw new Rejection(
          `invalid info_hash${Array.isArray(value) ? `[${i}]` : ''}: must be a 20-character binary string`,
        );
      }
      return item;
    }),
  };
}

/** Validates one message a client sent to the tracker. Never throws. */
export function parseClientMessage(
  text: string,
  limits: ClientMessageLimits = {},
): ParseResult<ClientMessage> {
  let object: unknown;
  try {
    object = JSON.parse(text);
  } catch {
    return { ok: false, error: 'invalid message: not JSON' };
  }
  if (!isObject(object)) return { ok: false, error: 'invalid message: not a JSON object' };
  const action = object.action;
  if (action !== 'announce' && action !== 'scrape') {
    return { ok: false, error: `invalid action: ${describe(action)}` };
  }
  const infoHash = isBinaryId(object.info_hash) ? object.info_hash : undefined;
  try {
    if (action === 'scrape') return { ok: true, message: readScrape(object, limits) };
    if (infoHash === undefined)
      throw new Rejection('invalid info_hash: must be a 20-character binary string');
    return { ok: true, message: readAnnounce(object, limits) };
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return { ok: false, error: error.message, action, ...(infoHash === undefined ? {} : { infoHash }) };
  }
}

// ---- Tracker -> client, validated (for the browser's tracker client) ----
