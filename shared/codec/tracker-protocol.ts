// The WebTorrent WebSocket tracker protocol: JSON messages over one WebSocket per tracker, as implemented by the
// `bittorrent-tracker` package (server.js, lib/server/parse-websocket.js, lib/client/websocket-tracker.js).
// `info_hash`, `peer_id`, `to_peer_id` and `offer_id` are 20-character binary strings (one char per byte).
// This module holds the message types and the validation of both directions; it is pure (no DOM, no Node API),
// so the tracker server and the browser's tracker client share it.

/** Length of the binary-string identifiers (`info_hash`, `peer_id`, `to_peer_id`, `offer_id`). */
export const BINARY_ID_LENGTH = 20;
/** The most offers (and peers wanted) one announce may carry, whatever a tracker's own limit. */
export const MAX_OFFERS_PER_ANNOUNCE = 10;

/** Announce events; `update` is a periodic announce (sent without `event`, or as `empty`). */
export type TrackerEvent = 'started' | 'stopped' | 'completed' | 'update' | 'paused';

/**
 * A WebRTC session description as simple-peer emits it without trickle: `{type: 'offer'|'answer', sdp}`.
 * Validation keeps only these two fields, so nothing else a client sends is ever relayed.
 */
export interface SignalDescription {
  type: string;
  sdp: string;
}

export interface WireOffer {
  offer: SignalDescription;
  offer_id: string;
}

// ---- Client -> tracker, on the wire ----

export interface AnnounceRequestWire {
  action: 'announce';
  info_hash: string;
  peer_id: string;
  event?: 'started' | 'stopped' | 'completed' | 'paused' | 'update' | 'empty';
  numwant?: number;
  uploaded?: number;
  downloaded?: number;
  /** Bytes left; null or absent when unknown (a magnet without metadata). */
  left?: number | null;
  offers?: WireOffer[];
  trackerid?: string;
  /**
   * The other info hash of the same hybrid (BEP 52) torrent, binary: a v1 announce names the v2 hash truncated
   * to 20 bytes. Our tracker then serves both hashes as one swarm; other trackers ignore the field.
   */
  info_hash_alias?: string;
}

export interface AnswerRequestWire {
  action: 'announce';
  info_hash: string;
  peer_id: string;
  to_peer_id: string;
  answer: SignalDescription;
  offer_id: string;
  trackerid?: string;
}

export interface ScrapeRequestWire {
  action: 'scrape';
  /** One info hash, several, or absent for every swarm. */
  info_hash?: string | string[];
}

// ---- Tracker -> client, on the wire ----

export interface AnnounceResponseWire {
  action: 'announce';
  info_hash: string;
  interval: number;
  complete: number;
  incomplete: number;
  /** The swarm's other info hash when it is bound to one (a hybrid torrent's v1 and v2 hashes). */
  info_hash_alias?: string;
}

export interface OfferWire {
  action: 'announce';
  info_hash: string;
  peer_id: string;
  offer: SignalDescription;
  offer_id: string;
}

export interface AnswerWire {
  action: 'announce';
  info_hash: string;
  peer_id: string;
  answer: SignalDescription;
  offer_id: string;
}

export interface ScrapeFileStats {
  complete: number;
  incomplete: number;
  downloaded: number;
}

export interface ScrapeResponseWire {
  action: 'scrape';
  files: Record<string, ScrapeFileStats>;
  flags?: { min_request_interval: number };
}

export interface FailureWire {
  action?: 'announce' | 'scrape';
  info_hash?: string;
  'failure reason': string;
}

// ---- Validated messages ----

export interface AnnounceMessage {
  kind: 'announce';
  infoHash: string; // binary string
  peerId: string; // binary string
  event: TrackerEvent;
  /** Peers wanted, clamped to the limit; absent means as many as offers. */
  numwant: number;
  uploaded: number;
  downloaded: number;
  /** null when the client does not know (yet). */
  left: number | null;
  offers: WireOffer[];
  /** `info_hash_alias`: the other info hash of the same hybrid torrent (binary), when the client names one. */
  alias?: string;
}

export interface AnswerMessage {
  kind: 'answer';
  infoHash: string;
  peerId: string;
  toPeerId: string;
  offerId: string;
  answer: SignalDescription;
}

export interface ScrapeMessage {
  kind: 'scrape';
  /** Binary info hashes, or null for every swarm. */
  infoHashes: string[] | null;
}

export type ClientMessage = AnnounceMessage | AnswerMessage | ScrapeMessage;

/** A rejected message: the reason, and the action and info hash when they were readable (for the reply). */
export interface ProtocolError {
  error: string;
  action?: 'announce' | 'scrape';
  infoHash?: string;
}

export type ParseResult<T> = { ok: true; message: T } | ({ ok: false } & ProtocolError);

export interface ClientMessageLimits {
  /** Offers accepted in one announce (more is an error); at most MAX_OFFERS_PER_ANNOUNCE. */
  maxOffers?: number;
  /** numwant is clamped to this; at most MAX_OFFERS_PER_ANNOUNCE. */
  maxNumwant?: number;
  /** Info hashes accepted in one scrape (more is an error). */
  maxScrapeHashes?: number;
  /** Longest SDP accepted in an offer or an answer, in characters (more is an error; default: no limit). */
  maxSdpLength?: number;
}

// Any 20 UTF-16 code units none of which is above 0xff.
const BINARY_ID = /^[^\u0100-\uffff]{20}$/;

/** True for a 20-character string whose characters are all bytes (code points 0-255). */
export function isBinaryId(value: unknown): value is string {
  return typeof value === 'string' && BINARY_ID.test(value);
}

/** Lower-case hex of a binary string (one char per byte). */
export function binaryToHex(binary: string): string {
  let hex = '';
  for (let i = 0; i < binary.length; i++) {
    const code = binary.charCodeAt(i);
    if (code > 0xff) throw new RangeError(`character ${i} of the binary string is not a byte`);
    hex += (code < 16 ? '0' : '') + code.toString(16);
  }
  return hex;
}

/** Binary string (one char per byte) of a hex string. */
export function hexToBinary(hex: string): string {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError('not a hex string');
  let binary = '';
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return binary;
}

/** Binary string of bytes, for ids made as Uint8Array. */
export function bytesToBinary(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return binary;
}

/** Bytes of a binary string. Throws RangeError on a character above 255. */
export function binaryToBytes(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    const code = binary.charCodeAt(i);
    if (code > 0xff) throw new RangeError(`character ${i} of the binary string is not a byte`);
    bytes[i] = code;
  }
  return bytes;
}

/** A short, printable rendering of a client-supplied value for an error message. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = typeof value;
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `{type, sdp}` of a session description, or null when it is not one. */
function readSignal(value: unknown): SignalDescription | null {
  if (!isObject(value) || typeof value.type !== 'string' || typeof value.sdp !== 'string') return null;
  return { type: value.type, sdp: value.sdp };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

class Rejection extends Error {}

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
