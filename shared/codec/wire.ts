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

import {
  checkBytes,
  checkUint,
  EMPTY,
  readUint32,
  UINT32_MAX,
  WireError,
  type Handshake,
  type WireItem,
} from './wire-frame';
import { checkFrame, parseMessage } from './wire-messages';

export {
  MESSAGE_ID,
  WireError,
  type Handshake,
  type HashRange,
  type WireItem,
  type WireMessage,
} from './wire-frame';
export { HASH_BYTES, HASH_RANGE_BYTES, hashCount, hashRangeProblem, MAX_PROOF_LAYERS } from './wire-hashes';
export { encodeMessage } from './wire-messages';

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

/** What the decoder waits for next. */
const State = { Handshake: 0, Length: 1, Id: 2, Body: 3, Failed: 4 } as const;
type State = (typeof State)[keyof typeof State];

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

  /** Reads `chunk` state by state; each step reads from `at` and returns where it stopped. */
  private consume(chunk: Uint8Array): WireItem[] {
    const items: WireItem[] = [];
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case State.Handshake:
          at = this.readHandshake(chunk, at, items);
          break;
        case State.Length:
          at = this.readLength(chunk, at, items);
          break;
        case State.Id:
          at = this.readId(chunk, at, items);
          break;
        case State.Body:
          at = this.readBody(chunk, at, items);
          break;
        case State.Failed:
          throw new WireError('decoder already failed');
      }
    }
    return items;
  }

  private readHandshake(chunk: Uint8Array, at: number, items: WireItem[]): number {
    const take = Math.min(HANDSHAKE_LENGTH - this.headFill, chunk.length - at);
    this.head.set(chunk.subarray(at, at + take), this.headFill);
    // Check the protocol string as soon as its bytes arrive: a stranger is refused before 68 bytes.
    const checked = Math.min(this.headFill + take, PROTOCOL_HEADER.length);
    for (let i = this.headFill; i < checked; i++) {
      if (this.head[i] !== PROTOCOL_HEADER[i]) throw new WireError('not the BitTorrent protocol');
    }
    this.headFill += take;
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
    return at + take;
  }

  private readLength(chunk: Uint8Array, at: number, items: WireItem[]): number {
    if (this.headFill === 0 && chunk.length - at >= 4) {
      this.length = readUint32(chunk, at);
      at += 4;
    } else {
      const take = Math.min(4 - this.headFill, chunk.length - at);
      this.head.set(chunk.subarray(at, at + take), this.headFill);
      this.headFill += take;
      at += take;
      if (this.headFill < 4) return at;
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
    return at;
  }

  private readId(chunk: Uint8Array, at: number, items: WireItem[]): number {
    this.id = chunk[at++];
    checkFrame(this.id, this.length);
    const size = this.length - 1;
    if (chunk.length - at >= size) {
      // The whole body is in this chunk: use it in place.
      items.push({ kind: 'message', message: parseMessage(this.id, chunk.subarray(at, at + size)) });
      this.state = State.Length;
      return at + size;
    }
    this.body = new Uint8Array(size);
    this.bodyFill = chunk.length - at;
    this.body.set(chunk.subarray(at), 0);
    this.state = State.Body;
    return chunk.length;
  }

  private readBody(chunk: Uint8Array, at: number, items: WireItem[]): number {
    const take = Math.min(this.body.length - this.bodyFill, chunk.length - at);
    this.body.set(chunk.subarray(at, at + take), this.bodyFill);
    this.bodyFill += take;
    if (this.bodyFill === this.body.length) {
      items.push({ kind: 'message', message: parseMessage(this.id, this.body) });
      this.body = EMPTY;
      this.state = State.Length;
    }
    return at + take;
  }
}
