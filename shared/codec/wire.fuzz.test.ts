// Property tests of the wire codec: round trips through any split of the stream, and garbage handling.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  WireDecoder,
  WireError,
  encodeHandshake,
  encodeMessage,
  hashCount,
  type Handshake,
  type WireItem,
  type WireMessage,
} from './wire';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

const messageArb: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.constantFrom<WireMessage>(
    { type: 'keep-alive' },
    { type: 'choke' },
    { type: 'unchoke' },
    { type: 'interested' },
    { type: 'not-interested' },
    { type: 'have-all' },
    { type: 'have-none' },
  ),
  fc.record({ type: fc.constant('have' as const), index: uint32 }),
  fc.record({ type: fc.constant('bitfield' as const), bytes: bytes(64) }),
  fc.record({ type: fc.constant('request' as const), index: uint32, begin: uint32, length: uint32 }),
  fc.record({ type: fc.constant('cancel' as const), index: uint32, begin: uint32, length: uint32 }),
  fc.record({ type: fc.constant('reject-request' as const), index: uint32, begin: uint32, length: uint32 }),
  fc.record({ type: fc.constant('suggest-piece' as const), index: uint32 }),
  fc.record({ type: fc.constant('allowed-fast' as const), index: uint32 }),
  fc.record({ type: fc.constant('piece' as const), index: uint32, begin: uint32, block: bytes(300) }),
  fc.record({ type: fc.constant('port' as const), port: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({
    type: fc.constant('extended' as const),
    id: fc.integer({ min: 0, max: 255 }),
    payload: bytes(64),
  }),
);

/** BEP 52 hash ranges: a power-of-two length, an index that is a multiple of it. */
const hashRangeArb = fc
  .record({
    piecesRoot: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    baseLayer: uint32,
    slot: fc.integer({ min: 0, max: 0xffff }),
    lengthLog: fc.integer({ min: 0, max: 10 }),
    proofLayers: fc.integer({ min: 0, max: 63 }),
  })
  .map(({ piecesRoot, baseLayer, slot, lengthLog, proofLayers }) => ({
    piecesRoot,
    baseLayer,
    index: (slot << lengthLog) >>> 0,
    length: 1 << lengthLog,
    proofLayers,
  }));

const hashMessageArb: fc.Arbitrary<WireMessage> = fc.oneof(
  hashRangeArb.map((range) => ({ type: 'hash-request' as const, ...range })),
  hashRangeArb.map((range) => ({ type: 'hash-reject' as const, ...range })),
  hashRangeArb
    .filter((range) => hashCount(range) <= 64)
    .chain((range) =>
      fc
        .uint8Array({ minLength: hashCount(range) * 32, maxLength: hashCount(range) * 32 })
        .map((hashes) => ({ type: 'hashes' as const, ...range, hashes })),
    ),
);

const anyMessageArb = fc.oneof(messageArb, hashMessageArb);

const handshakeArb: fc.Arbitrary<Handshake> = fc.record({
  reserved: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  infoHash: fc.uint8Array({ minLength: 20, maxLength: 20 }),
  peerId: fc.uint8Array({ minLength: 20, maxLength: 20 }),
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Splits `stream` at the given cut points (taken modulo its length), giving fresh copies of each chunk. */
function split(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, stream.length]) {
    chunks.push(stream.slice(from, point));
    from = point;
  }
  return chunks;
}

function decodeAll(decoder: WireDecoder, chunks: Uint8Array[]): WireItem[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

function expected(handshake: Handshake, messages: WireMessage[]): WireItem[] {
  return [
    { kind: 'handshake', handshake },
    ...messages.map((message) => ({ kind: 'message' as const, message })),
  ];
}

describe('wire codec properties', () => {
  it('round trips message sequences through random splits', () => {
    fc.assert(
      fc.property(
        handshakeArb,
        fc.array(anyMessageArb, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (handshake, messages, cuts) => {
          const stream = concat([encodeHandshake(handshake), ...messages.map(encodeMessage)]);
          expect(decodeAll(new WireDecoder(), split(stream, cuts))).toEqual(expected(handshake, messages));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round trips through 1-byte chunks and one coalesced chunk', () => {
    fc.assert(
      fc.property(handshakeArb, fc.array(anyMessageArb, { maxLength: 15 }), (handshake, messages) => {
        const stream = concat([encodeHandshake(handshake), ...messages.map(encodeMessage)]);
        const single = [...stream].map((byte) => Uint8Array.of(byte));
        expect(decodeAll(new WireDecoder(), single)).toEqual(expected(handshake, messages));
        expect(new WireDecoder().push(stream)).toEqual(expected(handshake, messages));
      }),
      { numRuns: 100 },
    );
  });

  it('turns garbage after a handshake into messages or a WireError, and nothing else', () => {
    // Garbage is random bytes, or valid messages with bytes flipped, inserted or dropped.
    const mutated = fc
      .tuple(
        fc.array(anyMessageArb, { minLength: 1, maxLength: 10 }),
        fc.array(
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'drop')),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
      )
      .map(([messages, edits]) => {
        const bytes = [...concat(messages.map(encodeMessage))];
        for (const [position, value, kind] of edits) {
          const at = position % (bytes.length + 1);
          if (kind === 'insert') bytes.splice(at, 0, value);
          else if (kind === 'drop') bytes.splice(at, 1);
          else if (at < bytes.length) bytes[at] ^= value || 1;
        }
        return Uint8Array.from(bytes);
      });
    fc.assert(
      fc.property(
        handshakeArb,
        fc.oneof(bytes(200), mutated),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 16, max: 4096 }),
        (handshake, garbage, cuts, maxMessageLength) => {
          const decoder = new WireDecoder({ maxMessageLength });
          const items: WireItem[] = [...decoder.push(encodeHandshake(handshake))];
          let failed = false;
          for (const chunk of split(garbage, cuts)) {
            try {
              items.push(...decoder.push(chunk));
            } catch (error) {
              expect(error).toBeInstanceOf(WireError);
              failed = true;
              break;
            }
          }
          if (failed) expect(() => decoder.push(new Uint8Array(1))).toThrow(WireError);
          // What was decoded is exactly a prefix of the garbage: re-encoding it gives those bytes back.
          const decoded = items.slice(1).map((item) => {
            if (item.kind !== 'message') throw new Error('a second handshake');
            return encodeMessage(item.message);
          });
          const prefix = concat(decoded);
          expect(prefix.length).toBeLessThanOrEqual(garbage.length);
          expect(prefix).toEqual(garbage.subarray(0, prefix.length));
          expect(items[0]).toEqual({ kind: 'handshake', handshake });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('turns any body of a hash message into a well-formed message or a WireError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(21, 22, 23),
        fc.oneof(bytes(200), fc.uint8Array({ minLength: 48, maxLength: 48 + 32 * 4 })),
        (id, body) => {
          const frame = new Uint8Array(5 + body.length);
          new DataView(frame.buffer).setUint32(0, body.length + 1);
          frame[4] = id;
          frame.set(body, 5);
          let items: WireItem[];
          try {
            items = new WireDecoder({ expectHandshake: false }).push(frame);
          } catch (error) {
            expect(error).toBeInstanceOf(WireError);
            return;
          }
          const [item] = items;
          if (item.kind !== 'message') throw new Error('not a message');
          const message = item.message;
          if (message.type !== 'hash-request' && message.type !== 'hashes' && message.type !== 'hash-reject')
            throw new Error(`decoded as ${message.type}`);
          expect(message.length & (message.length - 1)).toBe(0);
          expect(message.index % message.length).toBe(0);
          expect(message.proofLayers).toBeLessThanOrEqual(63);
          if (message.type === 'hashes') expect(message.hashes.length).toBe(hashCount(message) * 32);
          expect(encodeMessage(message)).toEqual(frame);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses any length prefix above the maximum, wherever the prefix is split', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1 << 20 }),
        fc.integer({ min: 1, max: 0xffffffff }),
        fc.integer({ min: 0, max: 4 }),
        (maxMessageLength, length, cut) => {
          fc.pre(length > maxMessageLength);
          const prefix = new Uint8Array(4);
          new DataView(prefix.buffer).setUint32(0, length);
          const decoder = new WireDecoder({ maxMessageLength, expectHandshake: false });
          if (cut > 0 && cut < 4) expect(decoder.push(prefix.slice(0, cut))).toEqual([]);
          expect(() => decoder.push(prefix.slice(cut > 0 && cut < 4 ? cut : 0))).toThrow(WireError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a handshake with any wrong protocol byte', () => {
    fc.assert(
      fc.property(
        handshakeArb,
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: 1, max: 255 }),
        (handshake, at, flip) => {
          const bytes = encodeHandshake(handshake);
          bytes[at] ^= flip;
          const decoder = new WireDecoder();
          expect(() => decodeAll(decoder, split(bytes, [at + 1]))).toThrow(WireError);
        },
      ),
      { numRuns: 100 },
    );
  });
});
