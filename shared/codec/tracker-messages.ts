// The WebTorrent tracker protocol's messages (see tracker-protocol.ts): their types in both directions, the
// binary-string identifiers, and the small readers both directions' parsers share.

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
export function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = typeof value;
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `{type, sdp}` of a session description, or null when it is not one. */
export function readSignal(value: unknown): SignalDescription | null {
  if (!isObject(value) || typeof value.type !== 'string' || typeof value.sdp !== 'string') return null;
  return { type: value.type, sdp: value.sdp };
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A message that breaks the protocol: its reader throws this, its parser reports it as a ProtocolError. */
export class Rejection extends Error {}
