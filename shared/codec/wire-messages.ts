// The length-prefixed messages of the peer wire (BEP 3, BEP 6, BEP 10, BEP 52): each kind's encoder, the length
// its id allows, and its parser, in tables keyed by the kind and by the id.
import {
  checkBytes,
  checkUint,
  EMPTY,
  frame,
  MESSAGE_ID,
  readUint32,
  UINT32_MAX,
  WireError,
  writeUint32,
  type WireMessage,
} from './wire-frame';
import { encodeHashMessage, HASH_BYTES, HASH_RANGE_BYTES, parseHashMessage } from './wire-hashes';

type MessageOf<T extends WireMessage['type']> = Extract<WireMessage, { type: T }>;
type Encoder<T extends WireMessage['type']> = (message: MessageOf<T>) => Uint8Array;

/** A message that is its id alone. */
const idOnly = (message: { type: keyof typeof MESSAGE_ID }): Uint8Array => frame(MESSAGE_ID[message.type], 1);

function encodeIndex(message: MessageOf<'have' | 'suggest-piece' | 'allowed-fast'>): Uint8Array {
  checkUint(message.index, 'index', UINT32_MAX);
  const out = frame(MESSAGE_ID[message.type], 5);
  writeUint32(out, 5, message.index);
  return out;
}

/** A request, a cancel or a reject: index, begin, length. */
function encodeTriple(message: MessageOf<'request' | 'cancel' | 'reject-request'>): Uint8Array {
  const { index, begin, length } = message;
  checkUint(index, 'index', UINT32_MAX);
  checkUint(begin, 'begin', UINT32_MAX);
  checkUint(length, 'length', UINT32_MAX);
  const out = frame(MESSAGE_ID[message.type], 13);
  writeUint32(out, 5, index);
  writeUint32(out, 9, begin);
  writeUint32(out, 13, length);
  return out;
}

function encodeBitfield(message: MessageOf<'bitfield'>): Uint8Array {
  checkBytes(message.bytes, 'bitfield bytes');
  const out = frame(MESSAGE_ID.bitfield, 1 + message.bytes.length);
  out.set(message.bytes, 5);
  return out;
}

function encodePiece(message: MessageOf<'piece'>): Uint8Array {
  checkUint(message.index, 'index', UINT32_MAX);
  checkUint(message.begin, 'begin', UINT32_MAX);
  checkBytes(message.block, 'block');
  const out = frame(MESSAGE_ID.piece, 9 + message.block.length);
  writeUint32(out, 5, message.index);
  writeUint32(out, 9, message.begin);
  out.set(message.block, 13);
  return out;
}

function encodePort(message: MessageOf<'port'>): Uint8Array {
  checkUint(message.port, 'port', 0xffff);
  const out = frame(MESSAGE_ID.port, 3);
  out[5] = message.port >>> 8;
  out[6] = message.port & 0xff;
  return out;
}

function encodeExtended(message: MessageOf<'extended'>): Uint8Array {
  checkUint(message.id, 'extended message id', 0xff);
  checkBytes(message.payload, 'extended payload');
  const out = frame(MESSAGE_ID.extended, 2 + message.payload.length);
  out[5] = message.id;
  out.set(message.payload, 6);
  return out;
}

function encodeHashes(message: MessageOf<'hashes'>): Uint8Array {
  checkBytes(message.hashes, 'hashes');
  return encodeHashMessage(MESSAGE_ID.hashes, message, message.hashes);
}

const ENCODERS: { [T in WireMessage['type']]: Encoder<T> } = {
  'keep-alive': () => new Uint8Array(4),
  choke: idOnly,
  unchoke: idOnly,
  interested: idOnly,
  'not-interested': idOnly,
  'have-all': idOnly,
  'have-none': idOnly,
  have: encodeIndex,
  'suggest-piece': encodeIndex,
  'allowed-fast': encodeIndex,
  bitfield: encodeBitfield,
  request: encodeTriple,
  cancel: encodeTriple,
  'reject-request': encodeTriple,
  piece: encodePiece,
  port: encodePort,
  extended: encodeExtended,
  'hash-request': (message) => encodeHashMessage(MESSAGE_ID[message.type], message, EMPTY),
  'hash-reject': (message) => encodeHashMessage(MESSAGE_ID[message.type], message, EMPTY),
  hashes: encodeHashes,
};

/** Length-prefixed encoding of one message. Throws TypeError or RangeError on invalid input. */
export function encodeMessage(message: WireMessage): Uint8Array {
  if (typeof message !== 'object' || message === null) throw new TypeError('message must be an object');
  const type: unknown = message.type;
  if (typeof type !== 'string' || !Object.hasOwn(ENCODERS, type))
    throw new TypeError(`unknown message type ${String(type)}`);
  return (ENCODERS[message.type] as Encoder<WireMessage['type']>)(message);
}

/** The lengths (id byte included) each id allows. */
const FRAME_LENGTHS = new Map<number, (length: number) => boolean>([
  ...[
    MESSAGE_ID.choke,
    MESSAGE_ID.unchoke,
    MESSAGE_ID.interested,
    MESSAGE_ID['not-interested'],
    MESSAGE_ID['have-all'],
    MESSAGE_ID['have-none'],
  ].map((id): [number, (length: number) => boolean] => [id, (length) => length === 1]),
  ...[MESSAGE_ID.have, MESSAGE_ID['suggest-piece'], MESSAGE_ID['allowed-fast']].map(
    (id): [number, (length: number) => boolean] => [id, (length) => length === 5],
  ),
  ...[MESSAGE_ID.request, MESSAGE_ID.cancel, MESSAGE_ID['reject-request']].map(
    (id): [number, (length: number) => boolean] => [id, (length) => length === 13],
  ),
  [MESSAGE_ID.port, (length) => length === 3],
  [MESSAGE_ID.bitfield, () => true],
  [MESSAGE_ID.piece, (length) => length >= 9],
  [MESSAGE_ID.extended, (length) => length >= 2],
  [MESSAGE_ID['hash-request'], (length) => length === 1 + HASH_RANGE_BYTES],
  [MESSAGE_ID['hash-reject'], (length) => length === 1 + HASH_RANGE_BYTES],
  [
    MESSAGE_ID.hashes,
    (length) =>
      length >= 1 + HASH_RANGE_BYTES + HASH_BYTES && (length - 1 - HASH_RANGE_BYTES) % HASH_BYTES === 0,
  ],
]);

/**
 * Checks a message's declared length (id byte included) against its id before its body is buffered,
 * so that a peer cannot make us allocate a large buffer for a message that can only be small.
 */
export function checkFrame(id: number, length: number): void {
  const allowed = FRAME_LENGTHS.get(id);
  if (!allowed) throw new WireError(`unknown message id ${id}`);
  if (!allowed(length)) throw new WireError(`message id ${id} with invalid length ${length}`);
}

type Parser = (body: Uint8Array, id: number) => WireMessage;

/** A request, a cancel or a reject: index, begin, length. */
const tripleParser =
  (type: 'request' | 'cancel' | 'reject-request'): Parser =>
  (body) => ({ type, index: readUint32(body, 0), begin: readUint32(body, 4), length: readUint32(body, 8) });

const PARSERS = new Map<number, Parser>([
  [MESSAGE_ID.choke, () => ({ type: 'choke' })],
  [MESSAGE_ID.unchoke, () => ({ type: 'unchoke' })],
  [MESSAGE_ID.interested, () => ({ type: 'interested' })],
  [MESSAGE_ID['not-interested'], () => ({ type: 'not-interested' })],
  [MESSAGE_ID['have-all'], () => ({ type: 'have-all' })],
  [MESSAGE_ID['have-none'], () => ({ type: 'have-none' })],
  [MESSAGE_ID.have, (body) => ({ type: 'have', index: readUint32(body, 0) })],
  [MESSAGE_ID['suggest-piece'], (body) => ({ type: 'suggest-piece', index: readUint32(body, 0) })],
  [MESSAGE_ID['allowed-fast'], (body) => ({ type: 'allowed-fast', index: readUint32(body, 0) })],
  [MESSAGE_ID.bitfield, (body) => ({ type: 'bitfield', bytes: body })],
  [MESSAGE_ID.request, tripleParser('request')],
  [MESSAGE_ID.cancel, tripleParser('cancel')],
  [MESSAGE_ID['reject-request'], tripleParser('reject-request')],
  [
    MESSAGE_ID.piece,
    (body) => ({
      type: 'piece',
      index: readUint32(body, 0),
      begin: readUint32(body, 4),
      block: body.subarray(8),
    }),
  ],
  [MESSAGE_ID.port, (body) => ({ type: 'port', port: (body[0] << 8) | body[1] })],
  [MESSAGE_ID.extended, (body) => ({ type: 'extended', id: body[0], payload: body.subarray(1) })],
  [MESSAGE_ID['hash-request'], (body, id) => parseHashMessage(id, body)],
  [MESSAGE_ID.hashes, (body, id) => parseHashMessage(id, body)],
  [MESSAGE_ID['hash-reject'], (body, id) => parseHashMessage(id, body)],
]);

/** Builds a message from its id and body (the bytes after the id). The body's bytes are used, not copied. */
export function parseMessage(id: number, body: Uint8Array): WireMessage {
  const parse = PARSERS.get(id);
  if (!parse) throw new WireError(`unknown message id ${id}`);
  return parse(body, id);
}
