// BEP 3 peer wire protocol: the handshake and the length-prefixed messages, plus the BEP 6 fast extension's messages
// (have-all, have-none, suggest-piece, reject-request, allowed-fast), the BEP 10 `extended` envelope and the BEP 52
// (BitTorrent v2) merkle hash messages (hash request, hashes, hash reject). Pure encoding and decoding; what a message
// means is the engine's business.

export const BLOCK_SIZE = 16 * 1024;
/** The largest message the decoder accepts (a 128 KiB block plus header, or a bitfield of a very large torrent). */
export const MAX_MESSAGE_LENGTH = 1024 * 1024 + 13;

/** `\x13BitTorrent protocol`: the protocol string length and the string itself. */
export const PROTOCOL_HEADER: Uint8Array = new Uint8Array([
  19,
  ...new TextEncoder().encode('BitTorrent protocol'),
]);
/** Bytes in a handshake: protocol header, 8 reserved bytes, info hash, peer id. */
export const HANDSHAKE_LENGTH = 68;

export interface Handshake {
  infoHash: Uint8Array; // 20 bytes
  peerId: Uint8Array; // 20 bytes
  reserved: Uint8Array; // 8 bytes; bit 0x10 of byte 5 = BEP 10, bit 0x04 of byte 7 = BEP 6 fast, bit 0x10 of byte 7 = BEP 52 v2
}

/**
 * BEP 52: a range of hashes of one file's merkle tree. `baseLayer` 0 is the leaves (16 KiB blocks); `length` hashes
 * (a power of two) from `index` (a multiple of `length`) of that layer; `proofLayers` layers above the base layer
 * whose uncle hashes prove them (the first log2(length) of those need none: the hashes themselves give them).
 */
export interface HashRange {
  /** The file's `pieces root`, 32 bytes. */
  piecesRoot: Uint8Array;
  baseLayer: number;
  index: number;
  length: number;
  proofLayers: number;
}

export type WireMessage =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  | { type: 'bitfield'; bytes: Uint8Array }
  | { type: 'request'; index: number; begin: number; length: number }
  | { type: 'piece'; index: number; begin: number; block: Uint8Array }
  | { type: 'cancel'; index: number; begin: number; length: number }
  | { type: 'port'; port: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  /** BEP 6: "you might like this piece". */
  | { type: 'suggest-piece'; index: number }
  /** BEP 6: the sender will not serve this request (it must answer every request with a block or a reject). */
  | { type: 'reject-request'; index: number; begin: number; length: number }
  /** BEP 6: the sender serves requests for this piece even while it chokes us. */
  | { type: 'allowed-fast'; index: number }
  | { type: 'extended'; id: number; payload: Uint8Array }
  /** BEP 52: send me these hashes of a file's tree (with their proof). */
  | ({ type: 'hash-request' } & HashRange)
  /** BEP 52: the requested hashes, then the uncle hashes from the lowest proof layer up, concatenated (32 bytes
   * each; `hashCount(range)` of them). */
  | ({ type: 'hashes'; hashes: Uint8Array } & HashRange)
  /** BEP 52: the sender will not send these hashes. */
  | ({ type: 'hash-reject' } & HashRange);

/** One item of a peer's byte stream, as the decoder yields it. */
export type WireItem =
  { kind: 'handshake'; handshake: Handshake } | { kind: 'message'; message: WireMessage };

export class WireError extends Error {
  override name = 'WireError';
}

/** Message ids on the wire (BEP 3, BEP 6, BEP 10). */
export const MESSAGE_ID = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  'not-interested': 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9,
  'suggest-piece': 0x0d,
  'have-all': 0x0e,
  'have-none': 0x0f,
  'reject-request': 0x10,
  'allowed-fast': 0x11,
  extended: 20,
  'hash-request': 21,
  hashes: 22,
  'hash-reject': 23,
} as const;

const EXTENDED_BYTE = 5;
const EXTENDED_BIT = 0x10;
const FAST_BYTE = 7;
const FAST_BIT = 0x04;
const V2_BYTE = 7;
const V2_BIT = 0x10;

/** Reserved bytes announcing BEP 10 (unless `extended: false`), BEP 6 when `fast` and BEP 52 when `v2`. */
export function reservedBytes(options?: { extended?: boolean; fast?: boolean; v2?: boolean }): Uint8Array {
  const reserved = new Uint8Array(8);
  if (options?.extended ?? true) reserved[EXTENDED_BYTE] |= EXTENDED_BIT;
  if (options?.fast) reserved[FAST_BYTE] |= FAST_BIT;
  if (options?.v2) reserved[V2_BYTE] |= V2_BIT;
  return reserved;
}
/** BEP 52: the peer speaks BitTorrent v2 (it may send and answer hash requests). */
export function supportsV2(reserved: Uint8Array): boolean {
  return reserved.length === 8 && (reserved[V2_BYTE] & V2_BIT) !== 0;
}
export function supportsExtended(reserved: Uint8Array): boolean {
  return reserved.length === 8 && (reserved[EXTENDED_BYTE] & EXTENDED_BIT) !== 0;
}
export function supportsFast(reserved: Uint8Array): boolean {
  return reserved.length === 8 && (reserved[FAST_BYTE] & FAST_BIT) !== 0;
}

function checkBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

function checkUint(value: unknown, name: string, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer from 0 to ${max}, got ${String(value)}`);
  }
}

const UINT32_MAX = 0xffffffff;

export function encodeHandshake(handshake: Handshake): Uint8Array {
  checkBytes(handshake.reserved, 'reserved', 8);
  checkBytes(handshake.infoHash, 'infoHash', 20);
  checkBytes(handshake.peerId, 'peerId', 20);
  const out = new Uint8Array(HANDSHAKE_LENGTH);
  out.set(PROTOCOL_HEADER, 0);
  out.set(handshake.reserved, 20);
  out.set(handshake.infoHash, 28);
  out.set(handshake.peerId, 48);
  return out;
}

function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** A message frame: length prefix, id, then `size - 1` bytes for the caller to fill from offset 5. */
function frame(id: number, size: number): Uint8Array {
  if (size > UINT32_MAX) throw new RangeError(`message of ${size} bytes does not fit a 32-bit length prefix`);
  const out = new Uint8Array(4 + size);
  writeUint32(out, 0, size);
  out[4] = id;
  return out;
}

function encodeTriple(id: number, index: number, begin: number, length: number): Uint8Array {
  checkUint(index, 'index', UINT32_MAX);
  checkUint(begin, 'begin', UINT32_MAX);
  checkUint(length, 'length', UINT32_MAX);
  const out = frame(id, 13);
  writeUint32(out, 5, index);
  writeUint32(out, 9, begin);
  writeUint32(out, 13, length);
  return out;
}

/** Length-prefixed encoding of one message. Throws TypeError or RangeError on invalid input. */
export function encodeMessage(message: WireMessage): Uint8Array {
  if (typeof message !== 'object' || message === null) throw new TypeError('message must be an object');
  switch (message.type) {
    case 'keep-alive':
      return new Uint8Array(4);
    case 'choke':
    case 'unchoke':
    case 'interested':
    case 'not-interested':
    case 'have-all':
    case 'have-none':
      return frame(MESSAGE_ID[message.type], 1);
    case 'have':
    case 'suggest-piece':
    case 'allowed-fast': {
      checkUint(message.index, 'index', UINT32_MAX);
      const out = frame(MESSAGE_ID[message.type], 5);
      writeUint32(out, 5, message.index);
      return out;
    }
    case 'bitfield': {
      checkBytes(message.bytes, 'bitfield bytes');
      const out = frame(MESSAGE_ID.bitfield, 1 + message.bytes.length);
      out.set(message.bytes, 5);
      return out;
    }
    case 'request':
    case 'cancel':
    case 'reject-request':
      return encodeTriple(MESSAGE_ID[message.type], message.index, message.begin, message.length);
    case 'piece': {
      checkUint(message.index, 'index', UINT32_MAX);
      checkUint(message.begin, 'begin', UINT32_MAX);
      checkBytes(message.block, 'block');
      const out = frame(MESSAGE_ID.piece, 9 + message.block.length);
      writeUint32(out, 5, message.index);
      writeUint32(out, 9, message.begin);
      out.set(message.block, 13);
      return out;
    }
    case 'port': {
      checkUint(message.port, 'port', 0xffff);
      const out = frame(MESSAGE_ID.port, 3);
      out[5] = message.port >>> 8;
      out[6] = message.port & 0xff;
      return out;
    }
    case 'extended': {
      checkUint(message.id, 'extended message id', 0xff);
      checkBytes(message.payload, 'extended payload');
      const out = frame(MESSAGE_ID.extended, 2 + message.payload.length);
      out[5] = message.id;
      out.set(message.payload, 6);
      return out;
    }
    case 'hash-request':
    case 'hash-reject':
      return encodeHashMessage(MESSAGE_ID[message.type], message, EMPTY);
    case 'hashes':
      checkBytes(message.hashes, 'hashes');
      return encodeHashMessage(MESSAGE_ID.hashes, message, message.hashes);
    default:
      throw new TypeError(`unknown message type ${String((message as { type?: unknown }).type)}`);
  }
}

/** Bytes of a BEP 52 hash message before its hashes: pieces root, base layer, index, length, proof layers. */
export const HASH_RANGE_BYTES = 32 + 4 * 4;
/** Bytes per hash in a `hashes` message. */
export const HASH_BYTES = 32;
/** Most proof layers a range may ask for: a tree of 2^63 leaves is beyond any file. */
export const MAX_PROOF_LAYERS = 63;

/** log2 of a power of two. */
function log2(powerOfTwo: number): number {
  return 31 - Math.clz32(powerOfTwo);
}

/**
 * Why a hash range is malformed, or undefined when it is well formed: `length` a power of two of at least 1,
 * `index` a multiple of it, every field a uint32 and at most MAX_PROOF_LAYERS proof layers. (Whether it fits a file's
 * tree is the engine's business.)
 */
export function hashRangeProblem(range: HashRange): string | undefined {
  const { baseLayer, index, length, proofLayers } = range;
  for (const [name, value] of [
    ['base layer', baseLayer],
    ['index', index],
    ['length', length],
    ['proof layers', proofLayers],
  ] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX)
      return `${name} ${String(value)} is not a 32-bit unsigned integer`;
  }
  if (length === 0 || length > 0x80000000 || (length & (length - 1)) !== 0)
    return `length ${length} is not a power of two`;
  if (index % length !== 0) return `index ${index} is not a multiple of length ${length}`;
  if (proofLayers > MAX_PROOF_LAYERS) return `${proofLayers} proof layers are more than ${MAX_PROOF_LAYERS}`;
  return undefined;
}

/** Hashes in the `hashes` answer to a well-formed range: its `length` base hashes, then one uncle per proof layer
 * above the log2(length) layers the base hashes give. */
export function hashCount(range: HashRange): number {
  return range.length + Math.max(0, range.proofLayers - log2(range.length));
}

function encodeHashMessage(id: number, range: HashRange, hashes: Uint8Array): Uint8Array {
  checkBytes(range.piecesRoot, 'piecesRoot', 32);
  const problem = hashRangeProblem(range);
  if (problem !== undefined) throw new RangeError(`hash range: ${problem}`);
  if (id === MESSAGE_ID.hashes && hashes.length !== hashCount(range) * HASH_BYTES)
    throw new RangeError(
      `a hashes message for this range carries ${hashCount(range)} hashes, not ${hashes.length / HASH_BYTES}`,
    );
  const out = frame(id, 1 + HASH_RANGE_BYTES + hashes.length);
  out.set(range.piecesRoot, 5);
  writeUint32(out, 37, range.baseLayer);
  writeUint32(out, 41, range.index);
  writeUint32(out, 45, range.length);
  writeUint32(out, 49, range.proofLayers);
  out.set(hashes, 5 + HASH_RANGE_BYTES);
  return out;
}

/** The hash range at the start of a hash message's body; throws WireError when it is malformed. */
function parseHashRange(body: Uint8Array): HashRange {
  const range: HashRange = {
    piecesRoot: body.subarray(0, 32),
    baseLayer: readUint32(body, 32),
    index: readUint32(body, 36),
    length: readUint32(body, 40),
    proofLayers: readUint32(body, 44),
  };
  const problem = hashRangeProblem(range);
  if (problem !== undefined) throw new WireError(`hash range: ${problem}`);
  return range;
}

function parseHashMessage(id: number, body: Uint8Array): WireMessage {
  const range = parseHashRange(body);
  if (id === MESSAGE_ID['hash-request']) return { type: 'hash-request', ...range };
  if (id === MESSAGE_ID['hash-reject']) return { type: 'hash-reject', ...range };
  const hashes = body.subarray(HASH_RANGE_BYTES);
  if (hashes.length !== hashCount(range) * HASH_BYTES)
    throw new WireError(
      `a hashes message for this range carries ${hashCount(range)} hashes, not ${hashes.length / HASH_BYTES}`,
    );
  return { type: 'hashes', ...range, hashes };
}

/**
 * Checks a message's declared length (id byte included) against its id before its body is buffered,
 * so that a peer cannot make us allocate a large buffer for a message that can only be small.
 */
function checkFrame(id: number, length: number): void {
  let ok: boolean;
  switch (id) {
    case MESSAGE_ID.choke:
    case MESSAGE_ID.unchoke:
    case MESSAGE_ID.interested:
    case MESSAGE_ID['not-interested']:
    case MESSAGE_ID['have-all']:
    case MESSAGE_ID['have-none']:
      ok = length === 1;
      break;
    case MESSAGE_ID.have:
    case MESSAGE_ID['suggest-piece']:
    case MESSAGE_ID['allowed-fast']:
      ok = length === 5;
      break;
    case MESSAGE_ID.request:
    case MESSAGE_ID.cancel:
    case MESSAGE_ID['reject-request']:
      ok = length === 13;
      break;
    case MESSAGE_ID.port:
      ok = length === 3;
      break;
    case MESSAGE_ID.bitfield:
      ok = true;
      break;
    case MESSAGE_ID.piece:
      ok = length >= 9;
      break;
    case MESSAGE_ID.extended:
      ok = length >= 2;
      break;
    case MESSAGE_ID['hash-request']:
    case MESSAGE_ID['hash-reject']:
      ok = length === 1 + HASH_RANGE_BYTES;
      break;
    case MESSAGE_ID.hashes:
      ok = length >= 1 + HASH_RANGE_BYTES + HASH_BYTES && (length - 1 - HASH_RANGE_BYTES) % HASH_BYTES === 0;
      break;
    default:
      throw new WireError(`unknown message id ${id}`);
  }
  if (!ok) throw new WireError(`message id ${id} with invalid length ${length}`);
}

/** Builds a message from its id and body (the bytes after the id). The body's bytes are used, not copied. */
function parseMessage(id: number, body: Uint8Array): WireMessage {
  switch (id) {
    case MESSAGE_ID.choke:
      return { type: 'choke' };
    case MESSAGE_ID.unchoke:
      return { type: 'unchoke' };
    case MESSAGE_ID.interested:
      return { type: 'interested' };
    case MESSAGE_ID['not-interested']:
      return { type: 'not-interested' };
    case MESSAGE_ID['have-all']:
      return { type: 'have-all' };
    case MESSAGE_ID['have-none']:
      return { type: 'have-none' };
    case MESSAGE_ID.have:
      return { type: 'have', index: readUint32(body, 0) };
    case MESSAGE_ID['suggest-piece']:
      return { type: 'suggest-piece', index: readUint32(body, 0) };
    case MESSAGE_ID['allowed-fast']:
      return { type: 'allowed-fast', index: readUint32(body, 0) };
    case MESSAGE_ID.bitfield:
      return { type: 'bitfield', bytes: body };
    case MESSAGE_ID.request:
    case MESSAGE_ID.cancel:
    case MESSAGE_ID['reject-request']:
      return {
        type: id === MESSAGE_ID.request ? 'request' : id === MESSAGE_ID.cancel ? 'cancel' : 'reject-request',
        index: readUint32(body, 0),
        begin: readUint32(body, 4),
        length: readUint32(body, 8),
      };
    case MESSAGE_ID.piece:
      return {
        type: 'piece',
        index: readUint32(body, 0),
        begin: readUint32(body, 4),
        block: body.subarray(8),
      };
    case MESSAGE_ID.port:
      return { type: 'port', port: (body[0] << 8) | body[1] };
    case MESSAGE_ID.extended:
      return { type: 'extended', id: body[0], payload: body.subarray(1) };
    case MESSAGE_ID['hash-request']:
    case MESSAGE_ID.hashes:
    case MESSAGE_ID['hash-reject']:
      return parseHashMessage(id, body);
    default:
      throw new WireError(`unknown message id ${id}`);
  }
}

/** What the decoder waits for next. */
const State = { Handshake: 0, Length: 1, Id: 2, Body: 3, Failed: 4 } as const;
type State = (typeof State)[keyof typeof State];

const EMPTY = new Uint8Array(0);

/**
 * Incremental decoder of one peer's byte stream: push any split or coalesced chunks, get whole items back.
 * The first item is always the handshake (unless `expectHandshake: false`). Throws WireError on malformed input
 * (the caller closes the peer); after a throw the decoder is unusable.
 *
 * No copies: a message lying wholly inside one pushed chunk is returned as views of that chunk (a `piece`'s
 * block, a `bitfield`'s bytes, an `extended` payload), so do not modify a chunk after pushing it. A message
 * split across chunks is assembled in a buffer allocated once at its final size and never reused.
 */
export class WireDecoder {
  private readonly maxMessageLength: number;
  private state: State;
  /** Small buffer for the handshake or a split length prefix. */
  private readonly head = new Uint8Array(HANDSHAKE_LENGTH);
  private headFill = 0;
  /** Declared length of the current message (id byte included). */
  private length = 0;
  private id = 0;
  /** The current message's body (after the id) while it arrives in pieces. */
  private body: Uint8Array = EMPTY;
  private bodyFill = 0;

  constructor(options?: { maxMessageLength?: number; expectHandshake?: boolean }) {
    const max = options?.maxMessageLength ?? MAX_MESSAGE_LENGTH;
    checkUint(max, 'maxMessageLength', UINT32_MAX);
    this.maxMessageLength = max;
    this.state = (options?.expectHandshake ?? true) ? State.Handshake : State.Length;
  }

  push(chunk: Uint8Array): WireItem[] {
    if (this.state === State.Failed) throw new WireError('decoder already failed');
    if (!(chunk instanceof Uint8Array)) throw new TypeError('chunk must be a Uint8Array');
    try {
      return this.consume(chunk);
    } catch (error) {
      this.state = State.Failed;
      this.body = EMPTY;
      throw error;
    }
  }

  private consume(chunk: Uint8Array): WireItem[] {
    const items: WireItem[] = [];
    const end = chunk.length;
    let at = 0;
    while (at < end) {
      switch (this.state) {
        case State.Handshake: {
          const take = Math.min(HANDSHAKE_LENGTH - this.headFill, end - at);
          this.head.set(chunk.subarray(at, at + take), this.headFill);
          // Check the protocol string as soon as its bytes arrive: a stranger is refused before 68 bytes.
          const checked = Math.min(this.headFill + take, PROTOCOL_HEADER.length);
          for (let i = this.headFill; i < checked; i++) {
            if (this.head[i] !== PROTOCOL_HEADER[i]) throw new WireError('not the BitTorrent protocol');
          }
          this.headFill += take;
          at += take;
          if (this.headFill === HANDSHAKE_LENGTH) {
            items.push({
              kind: 'handshake',
              handshake: {
                reserved: this.head.slice(20, 28),
                infoHash: this.head.slice(28, 48),
                peerId: this.head.slice(48, 68),
              },
            });
            this.headFill = 0;
            this.state = State.Length;
          }
          break;
        }
        case State.Length: {
          if (this.headFill === 0 && end - at >= 4) {
            this.length = readUint32(chunk, at);
            at += 4;
          } else {
            const take = Math.min(4 - this.headFill, end - at);
            this.head.set(chunk.subarray(at, at + take), this.headFill);
            this.headFill += take;
            at += take;
            if (this.headFill < 4) break;
            this.headFill = 0;
            this.length = readUint32(this.head, 0);
          }
          if (this.length === 0) {
            items.push({ kind: 'message', message: { type: 'keep-alive' } });
          } else if (this.length > this.maxMessageLength) {
            throw new WireError(`message length ${this.length} exceeds the maximum ${this.maxMessageLength}`);
          } else {
            this.state = State.Id;
          }
          break;
        }
        case State.Id: {
          this.id = chunk[at++];
          checkFrame(this.id, this.length);
          const size = this.length - 1;
          if (end - at >= size) {
            // The whole body is in this chunk: use it in place.
            items.push({ kind: 'message', message: parseMessage(this.id, chunk.subarray(at, at + size)) });
            at += size;
            this.state = State.Length;
          } else {
            this.body = new Uint8Array(size);
            this.bodyFill = end - at;
            this.body.set(chunk.subarray(at), 0);
            at = end;
            this.state = State.Body;
          }
          break;
        }
        case State.Body: {
          const take = Math.min(this.body.length - this.bodyFill, end - at);
          this.body.set(chunk.subarray(at, at + take), this.bodyFill);
          this.bodyFill += take;
          at += take;
          if (this.bodyFill === this.body.length) {
            items.push({ kind: 'message', message: parseMessage(this.id, this.body) });
            this.body = EMPTY;
            this.state = State.Length;
          }
          break;
        }
        case State.Failed:
          throw new WireError('decoder already failed');
      }
    }
    return items;
  }
}
