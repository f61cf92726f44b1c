import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExtensionError,
  MAX_METADATA_SIZE,
  METADATA_PIECE_SIZE,
  decodeExtendedHandshake,
  decodeMetadataMessage,
  encodeExtendedHandshake,
  encodeMetadataMessage,
  metadataPieceCount,
  metadataPieceLength,
  type ExtendedHandshake,
  type MetadataMessage,
} from './extension';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('extended handshake', () => {
  it('encodes the BEP 10 dictionary with sorted keys', () => {
    const encoded = encodeExtendedHandshake({
      m: { ut_metadata: 3, ut_pex: 0 },
      metadataSize: 31235,
      client: 'SwarmDrop 0.1 é',
      reqq: 250,
    });
    expect(text(encoded)).toBe(
      'd1:md11:ut_metadatai3e6:ut_pexi0ee13:metadata_sizei31235e4:reqqi250e1:v16:SwarmDrop 0.1 \xc3\xa9e',
    );
    expect(text(encodeExtendedHandshake({ m: {} }))).toBe('d1:mdee');
  });

  it('decodes a handshake, ignoring unknown keys and accepting keys in any order', () => {
    const payload = bytes(
      'd1:v14:Transmission 413:metadata_sizei100e1:md6:ut_pexi2e11:ut_metadatai1ee4:reqqi512e6:yourip4:\x7f\x00\x00\x011:pi6881ee',
    );
    expect(decodeExtendedHandshake(payload)).toEqual({
      m: { ut_pex: 2, ut_metadata: 1 },
      metadataSize: 100,
      client: 'Transmission 4',
      reqq: 512,
    });
    expect(decodeExtendedHandshake(bytes('de'))).toEqual({ m: {} });
    expect(decodeExtendedHandshake(bytes('d1:mde4:reqqi0ee'))).toEqual({ m: {} });
  });

  it.each([
    ['not bencode', 'd1:m'],
    ['a list', 'le'],
    ['an integer', 'i3e'],
    ['trailing data', 'd1:mdeex'],
    ['m not a dictionary', 'd1:mi1ee'],
    ['an id above 255', 'd1:md11:ut_metadatai256eee'],
    ['a negative id', 'd1:md11:ut_metadatai-1eee'],
    ['an id that is a string', 'd1:md11:ut_metadata1:1ee'],
    ['a negative metadata_size', 'd1:mde13:metadata_sizei-5ee'],
    ['a string metadata_size', 'd1:mde13:metadata_size3:100e'],
    ['a v that is a number', 'd1:mde1:vi3ee'],
    ['a negative reqq', 'd1:mde4:reqqi-1ee'],
    ['duplicate keys', 'd1:mde1:mdee'],
  ])('rejects %s', (_what, payload) => {
    expect(() => decodeExtendedHandshake(bytes(payload))).toThrow(ExtensionError);
  });

  it.each<[string, ExtendedHandshake]>([
    ['an id above 255', { m: { ut_metadata: 256 } }],
    ['a fractional id', { m: { ut_metadata: 1.5 } }],
    ['an empty name', { m: { '': 1 } }],
    ['a name with spaces', { m: { 'ut metadata': 1 } }],
    ['a negative metadata size', { m: {}, metadataSize: -1 }],
    ['a zero reqq', { m: {}, reqq: 0 }],
  ])('refuses to encode %s', (_what, handshake) => {
    expect(() => encodeExtendedHandshake(handshake)).toThrow(RangeError);
  });

  it('keeps an extension named __proto__ as an ordinary key both ways', () => {
    const handshake: ExtendedHandshake = { m: JSON.parse('{"__proto__":0,"ut_metadata":3}') };
    const decoded = decodeExtendedHandshake(encodeExtendedHandshake(handshake));
    expect(Object.keys(decoded.m)).toEqual(['__proto__', 'ut_metadata']);
    expect(decoded.m['__proto__']).toBe(0);
  });

  it('round trips any valid handshake', () => {
    const name = fc.stringMatching(/^[a-z_]{1,20}$/);
    const handshakeArb: fc.Arbitrary<ExtendedHandshake> = fc.record(
      {
        m: fc.dictionary(name, fc.integer({ min: 0, max: 255 }), { maxKeys: 6 }),
        metadataSize: fc.nat(),
        client: fc.string({ unit: 'grapheme', maxLength: 30 }),
        reqq: fc.integer({ min: 1, max: 100000 }),
      },
      { requiredKeys: ['m'] },
    );
    fc.assert(
      fc.property(handshakeArb, (handshake) => {
        expect(decodeExtendedHandshake(encodeExtendedHandshake(handshake))).toEqual(handshake);
      }),
    );
  });
});

describe('ut_metadata messages', () => {
  const piece = (length: number, seed: number): Uint8Array =>
    Uint8Array.from({ length }, (_, i) => (seed + i * 31) & 0xff);

  it('encodes request, reject and data as BEP 9 shows them', () => {
    expect(text(encodeMetadataMessage({ msgType: 'request', piece: 0 }))).toBe('d8:msg_typei0e5:piecei0ee');
    expect(text(encodeMetadataMessage({ msgType: 'reject', piece: 7 }))).toBe('d8:msg_typei2e5:piecei7ee');
    const data = bytes('xyz');
    const encoded = encodeMetadataMessage({ msgType: 'data', piece: 1, totalSize: 16387, data });
    expect(text(encoded)).toBe('d8:msg_typei1e5:piecei1e10:total_sizei16387eexyz');
  });

  it('decodes them back, the data as a view of the payload', () => {
    expect(decodeMetadataMessage(bytes('d8:msg_typei0e5:piecei3ee'))).toEqual({
      msgType: 'request',
      piece: 3,
    });
    expect(decodeMetadataMessage(bytes('d5:piecei3e8:msg_typei2ee'))).toEqual({
      msgType: 'reject',
      piece: 3,
    });
    const full = piece(METADATA_PIECE_SIZE, 1);
    const payload = encodeMetadataMessage({ msgType: 'data', piece: 0, totalSize: 20000, data: full });
    const decoded = decodeMetadataMessage(payload);
    expect(decoded.msgType === 'data' && Buffer.from(decoded.data).equals(full)).toBe(true);
    expect({ ...decoded, data: undefined }).toEqual({
      msgType: 'data',
      piece: 0,
      totalSize: 20000,
      data: undefined,
    });
    expect(decoded.msgType === 'data' && decoded.data.buffer).toBe(payload.buffer);
    // A dictionary whose last value ends in "e" right before data that starts with "e" is still split right.
    const tricky = encodeMetadataMessage({ msgType: 'data', piece: 0, totalSize: 2, data: bytes('ee') });
    expect(decodeMetadataMessage(tricky)).toEqual({
      msgType: 'data',
      piece: 0,
      totalSize: 2,
      data: bytes('ee'),
    });
  });

  it.each([
    ['an unknown msg_type', 'd8:msg_typei3e5:piecei0ee'],
    ['a msg_type string', 'd8:msg_type1:05:piecei0ee'],
    ['no msg_type', 'd5:piecei0ee'],
    ['a negative piece', 'd8:msg_typei0e5:piecei-1ee'],
    ['no piece', 'd8:msg_typei0ee'],
    ['a piece string', 'd8:msg_typei0e5:piece1:0e'],
    ['trailing bytes after a request', 'd8:msg_typei0e5:piecei0eexx'],
    ['a data message without total_size', 'd8:msg_typei1e5:piecei0eexyz'],
    ['a data message with a negative total_size', 'd8:msg_typei1e5:piecei0e10:total_sizei-3eexyz'],
    ['a zero total_size', 'd8:msg_typei1e5:piecei0e10:total_sizei0ee'],
    ['a total_size above the limit', `d8:msg_typei1e5:piecei0e10:total_sizei${MAX_METADATA_SIZE + 1}eexyz`],
    ['data shorter than its piece', 'd8:msg_typei1e5:piecei0e10:total_sizei4eexyz'],
    ['data longer than its piece', 'd8:msg_typei1e5:piecei0e10:total_sizei2eexyz'],
    ['a piece beyond total_size', 'd8:msg_typei1e5:piecei1e10:total_sizei3eexyz'],
    ['a list', 'li0ee'],
    ['garbage', 'hello'],
  ])('rejects %s', (_what, payload) => {
    expect(() => decodeMetadataMessage(bytes(payload))).toThrow(ExtensionError);
  });

  it('rejects a data message holding more than 16 KiB', () => {
    const dict = bytes(`d8:msg_typei1e5:piecei0e10:total_sizei${METADATA_PIECE_SIZE + 1}ee`);
    const payload = new Uint8Array(dict.length + METADATA_PIECE_SIZE + 1);
    payload.set(dict);
    expect(() => decodeMetadataMessage(payload)).toThrow(/exceeds 16384/);
    expect(() =>
      encodeMetadataMessage({
        msgType: 'data',
        piece: 0,
        totalSize: METADATA_PIECE_SIZE + 1,
        data: new Uint8Array(METADATA_PIECE_SIZE + 1),
      }),
    ).toThrow(RangeError);
  });

  it.each<[string, MetadataMessage]>([
    ['a negative piece', { msgType: 'request', piece: -1 }],
    ['a fractional piece', { msgType: 'reject', piece: 0.5 }],
    ['an unknown type', { msgType: 'ack', piece: 0 } as unknown as MetadataMessage],
    ['data of the wrong size', { msgType: 'data', piece: 0, totalSize: 10, data: new Uint8Array(9) }],
  ])('refuses to encode %s', (_what, message) => {
    expect(() => encodeMetadataMessage(message)).toThrow(/must|unknown|beyond/);
  });

  it('counts pieces and their lengths', () => {
    expect(metadataPieceCount(1)).toBe(1);
    expect(metadataPieceCount(METADATA_PIECE_SIZE)).toBe(1);
    expect(metadataPieceCount(METADATA_PIECE_SIZE + 1)).toBe(2);
    expect(metadataPieceLength(0, 100)).toBe(100);
    expect(metadataPieceLength(1, METADATA_PIECE_SIZE + 5)).toBe(5);
    expect(metadataPieceLength(0, 3 * METADATA_PIECE_SIZE)).toBe(METADATA_PIECE_SIZE);
    expect(metadataPieceLength(3, 3 * METADATA_PIECE_SIZE)).toBe(-1);
    expect(metadataPieceLength(-1, 100)).toBe(-1);
  });

  it('round trips any valid message', () => {
    const messageArb: fc.Arbitrary<MetadataMessage> = fc.oneof(
      fc.record({ msgType: fc.constantFrom('request' as const, 'reject' as const), piece: fc.nat() }),
      fc.tuple(fc.integer({ min: 1, max: 200_000 }), fc.nat(), fc.nat()).map(([totalSize, pick, seed]) => {
        const index = pick % metadataPieceCount(totalSize);
        const data = piece(metadataPieceLength(index, totalSize), seed);
        return { msgType: 'data' as const, piece: index, totalSize, data };
      }),
    );
    fc.assert(
      fc.property(messageArb, (message) => {
        // Byte arrays compared as hex: toEqual walks 16 KiB arrays element by element, slowly.
        const flat = (m: MetadataMessage) =>
          m.msgType === 'data' ? { ...m, data: Buffer.from(m.data).toString('hex') } : m;
        expect(flat(decodeMetadataMessage(encodeMetadataMessage(message)))).toEqual(flat(message));
      }),
      { numRuns: 200 },
    );
  });

  it('throws only ExtensionError on garbage and mutated messages', () => {
    const valid = encodeMetadataMessage({
      msgType: 'data',
      piece: 1,
      totalSize: 16390,
      data: bytes('abcdef'),
    });
    const mutated = fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })
      .map((edits) => {
        const out = valid.slice();
        for (const [at, value] of edits) out[at % out.length] = value;
        return out;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated), (payload) => {
        for (const decodeFn of [decodeMetadataMessage, decodeExtendedHandshake]) {
          try {
            decodeFn(payload);
          } catch (error) {
            expect(error).toBeInstanceOf(ExtensionError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
