// sd_pex (docs/protocols.md, "Peer exchange and relayed signalling"): the bencoded payloads of the BEP 10 extension
// by which peers name their neighbours to each other and relay WebRTC signalling one hop. Every bound a decoder
// needs is checked here: a payload that breaks one is a PexError, and the peer that sent it is closed.
import { decode, encode, type BDict, type BValue } from './bencode';

/** The extension's name in the extended handshake's `m`. */
export const SD_PEX = 'sd_pex';
/** The largest sd_pex payload, bencoded. */
export const MAX_PEX_MESSAGE = 10_240;
/** The largest signalling payload (an SDP with its candidates is 1 to 3 KB). */
export const MAX_SIGNAL_PAYLOAD = 8_192;
/** The most entries in a peers message's `a`, and in its `d`. */
export const MAX_PEX_ENTRIES = 50;
/** A peer's progress in thousandths of the pieces: 1000 is a seed. */
export const PROGRESS_SCALE = 1000;
const ID_BYTES = 20;

export type SignalKind = 'offer' | 'answer' | 'decline';
const KINDS: readonly SignalKind[] = ['offer', 'answer', 'decline'];

/** What an error message says (`e`): other codes are kept as numbers and read as a refusal. */
export const PEX_ERROR = { notNeighbour: 1, busy: 2, notIntroduced: 3 } as const;

export interface PexPeer {
  id: Uint8Array;
  /** Thousandths of the pieces it has (PROGRESS_SCALE: a seed). */
  progress: number;
}

export type PexMessage =
  | { t: 'peers'; added: PexPeer[]; dropped: Uint8Array[]; full: boolean }
  | { t: 'relay'; to: Uint8Array; kind: SignalKind; payload: Uint8Array }
  | { t: 'signal'; from: Uint8Array; kind: SignalKind; payload: Uint8Array }
  | { t: 'error'; to: Uint8Array; code: number }
  /** A `t` this version does not know: ignored (room for later messages). */
  | { t: 'unknown' };

/** A malformed sd_pex payload: the sender is closed. */
export class PexError extends Error {
  override name = 'PexError';
}

const TYPE_CODES = { peers: 0, relay: 1, signal: 2, error: 3 } as const;

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}

function asPeerId(value: BValue | undefined, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== ID_BYTES)
    throw new PexError(`sd_pex: ${what} is not a 20-byte peer id`);
  return value;
}

function asList(value: BValue | undefined, what: string): BValue[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new PexError(`sd_pex: ${what} is not a list`);
  if (value.length > MAX_PEX_ENTRIES)
    throw new PexError(`sd_pex: ${what} holds more than ${MAX_PEX_ENTRIES}`);
  return value;
}

function asEntry(value: BValue): PexPeer {
  if (typeof value !== 'object' || value instanceof Uint8Array || Array.isArray(value))
    throw new PexError('sd_pex: a peers entry is not a dictionary');
  const progress = value.p ?? 0;
  if (!isCount(progress, PROGRESS_SCALE)) throw new PexError('sd_pex: progress is not from 0 to 1000');
  return { id: asPeerId(value.i, 'i'), progress };
}

function asKind(value: BValue | undefined): SignalKind {
  const kind = isCount(value, KINDS.length - 1) ? KINDS[value] : undefined;
  if (!kind) throw new PexError('sd_pex: k is not 0, 1 or 2');
  return kind;
}

function asPayload(value: BValue | undefined, kind: SignalKind): Uint8Array {
  if (value === undefined) {
    if (kind === 'decline') return new Uint8Array(0);
    throw new PexError(`sd_pex: an ${kind} without its payload`);
  }
  if (!(value instanceof Uint8Array)) throw new PexError('sd_pex: x is not a string');
  if (value.length > MAX_SIGNAL_PAYLOAD) throw new PexError(`sd_pex: x is over ${MAX_SIGNAL_PAYLOAD} bytes`);
  if (value.length === 0 && kind !== 'decline') throw new PexError(`sd_pex: an empty ${kind}`);
  return value;
}

function decodeDict(payload: Uint8Array): BDict {
  if (payload.length > MAX_PEX_MESSAGE) throw new PexError(`sd_pex: over ${MAX_PEX_MESSAGE} bytes`);
  let value: BValue;
  try {
    value = decode(payload, { strictKeyOrder: false, maxDepth: 4 });
  } catch (error) {
    throw new PexError(`sd_pex: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value instanceof Uint8Array || Array.isArray(value))
    throw new PexError('sd_pex: not a dictionary');
  return value;
}

/** Decodes one sd_pex payload, or throws PexError. Byte strings in the result are views of `payload`. */
export function decodePexMessage(payload: Uint8Array): PexMessage {
  const dict = decodeDict(payload);
  const { t } = dict;
  if (typeof t !== 'number' || !Number.isSafeInteger(t)) throw new PexError('sd_pex: t is not an integer');
  switch (t) {
    case TYPE_CODES.peers: {
      if (dict.f !== undefined && dict.f !== 0 && dict.f !== 1) throw new PexError('sd_pex: f is not 0 or 1');
      const added = asList(dict.a, 'a').map(asEntry);
      const dropped = asList(dict.d, 'd').map((id) => asPeerId(id, 'an entry of d'));
      return { t: 'peers', added, dropped, full: dict.f === 1 };
    }
    case TYPE_CODES.relay:
    case TYPE_CODES.signal: {
      const kind = asKind(dict.k);
      const payload = asPayload(dict.x, kind);
      if (t === TYPE_CODES.relay) return { t: 'relay', to: asPeerId(dict.to, 'to'), kind, payload };
      return { t: 'signal', from: asPeerId(dict.from, 'from'), kind, payload };
    }
    case TYPE_CODES.error:
      if (!isCount(dict.e, 255)) throw new PexError('sd_pex: e is not an error code');
      return { t: 'error', to: asPeerId(dict.to, 'to'), code: dict.e };
    default:
      return { t: 'unknown' };
  }
}

function checkId(id: Uint8Array): Uint8Array {
  if (!(id instanceof Uint8Array) || id.length !== ID_BYTES) throw new RangeError('a peer id is 20 bytes');
  return id;
}

function signalDict(kind: SignalKind, payload: Uint8Array): BDict {
  const k = KINDS.indexOf(kind);
  if (k < 0) throw new RangeError(`unknown signal kind ${String(kind)}`);
  if (payload.length > MAX_SIGNAL_PAYLOAD) throw new RangeError(`a payload over ${MAX_SIGNAL_PAYLOAD} bytes`);
  if (payload.length === 0 && kind !== 'decline') throw new RangeError(`an empty ${kind}`);
  return payload.length > 0 ? { k, x: payload } : { k };
}

/** Encodes one sd_pex message (throws RangeError when it breaks a bound: the caller splits peers lists). */
export function encodePexMessage(message: Exclude<PexMessage, { t: 'unknown' }>): Uint8Array {
  switch (message.t) {
    case 'peers': {
      if (message.added.length > MAX_PEX_ENTRIES || message.dropped.length > MAX_PEX_ENTRIES)
        throw new RangeError(`a peers message names at most ${MAX_PEX_ENTRIES} added and dropped`);
      const a = message.added.map(({ id, progress }) => {
        if (!isCount(progress, PROGRESS_SCALE)) throw new RangeError('progress is from 0 to 1000');
        return { i: checkId(id), p: progress };
      });
      const dict: BDict = { t: TYPE_CODES.peers, a, d: message.dropped.map(checkId) };
      if (message.full) dict.f = 1;
      return encode(dict);
    }
    case 'relay':
      return encode({
        t: TYPE_CODES.relay,
        to: checkId(message.to),
        ...signalDict(message.kind, message.payload),
      });
    case 'signal':
      return encode({
        t: TYPE_CODES.signal,
        from: checkId(message.from),
        ...signalDict(message.kind, message.payload),
      });
    case 'error':
      if (!isCount(message.code, 255)) throw new RangeError('an error code is from 0 to 255');
      return encode({ t: TYPE_CODES.error, to: checkId(message.to), e: message.code });
  }
}
