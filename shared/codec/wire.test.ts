import { describe, expect, it } from 'vitest';
import {
  HANDSHAKE_LENGTH,
  MAX_MESSAGE_LENGTH,
  WireDecoder,
  WireError,
  encodeHandshake,
  encodeMessage,
  reservedBytes,
  supportsExtended,
  supportsFast,
  supportsV2,
  type Handshake,
  type WireItem,
  type WireMessage,
} from './wire';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const filled = (length: number, start: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);

const handshake: Handshake = {
  reserved: reservedBytes({ fast: true }),
  infoHash: filled(20, 0xa0),
  peerId: filled(20, 0x30),
};

function messages(items: WireItem[]): WireMessage[] {
  return items.map((item) => {
    if (item.kind !== 'message') throw new Error('expected a message');
    return item.message;
  });
}

describe('reserved bytes', () => {
  it('sets the BEP 10 bit by default and the BEP 6 bit on request', () => {
    expect(hex(reservedBytes())).toBe('0000000000100000');
    expect(hex(reservedBytes({ fast: true }))).toBe('0000000000100004');
    expect(hex(reservedBytes({ extended: false, fast: true }))).toBe('0000000000000004');
    expect(hex(reservedBytes({ extended: false }))).toBe('0000000000000000');
  });

  it('reads the bits back, ignoring the others', () => {
    const other = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xef, 0xff, 0xfb]);
    expect(supportsExtended(other)).toBe(false);
    expect(supportsFast(other)).toBe(false);
    expect(supportsExtended(reservedBytes())).toBe(true);
    expect(supportsFast(reservedBytes())).toBe(false);
    expect(supportsFast(reservedBytes({ fast: true }))).toBe(true);
    expect(supportsExtended(new Uint8Array(5))).toBe(false);
  });
});

describe('the BEP 52 bit', () => {
  it('is bit 0x10 of the last reserved byte, beside the others', () => {
    expect(hex(reservedBytes({ v2: true }))).toBe('0000000000100010');
    expect(hex(reservedBytes({ fast: true, v2: true }))).toBe('0000000000100014');
    expect(supportsV2(reservedBytes({ fast: true, v2: true }))).toBe(true);
    expect(supportsV2(reservedBytes({ fast: true }))).toBe(false);
    expect(supportsV2(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xef]))).toBe(false);
    expect(supportsV2(new Uint8Array(7).fill(0xff))).toBe(false);
  });
});

describe('handshake', () => {
  it('encodes the 68 bytes of BEP 3', () => {
    const bytes = encodeHandshake(handshake);
    expect(bytes.length).toBe(HANDSHAKE_LENGTH);
    expect(hex(bytes)).toBe(
      '13' +
        Buffer.from('BitTorrent protocol').toString('hex') +
        '0000000000100004' +
        hex(handshake.infoHash) +
        hex(handshake.peerId),
    );
  });

  it('refuses fields of the wrong size', () => {
    expect(() => encodeHandshake({ ...handshake, infoHash: new Uint8Array(19) })).toThrow(RangeError);
    expect(() => encodeHandshake({ ...handshake, peerId: new Uint8Array(21) })).toThrow(RangeError);
    expect(() => encodeHandshake({ ...handshake, reserved: new Uint8Array(7) })).toThrow(RangeError);
  });

  it('decodes as the first item, then messages', () => {
    const decoder = new WireDecoder();
    const stream = concat([encodeHandshake(handshake), encodeMessage({ type: 'unchoke' })]);
    expect(decoder.push(stream)).toEqual([
      { kind: 'handshake', handshake },
      { kind: 'message', message: { type: 'unchoke' } },
    ]);
  });

  it('refuses another protocol as soon as its first wrong byte arrives', () => {
    const decoder = new WireDecoder();
    expect(decoder.push(Uint8Array.of(19, 0x42))).toEqual([]);
    expect(() => decoder.push(new TextEncoder().encode('itTorrent protocal'))).toThrow(WireError);
    expect(() => decoder.push(new Uint8Array(1))).toThrow(WireError);
    expect(() => new WireDecoder().push(Uint8Array.of(20))).toThrow(/not the BitTorrent protocol/);
    const http = new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n');
    expect(() => new WireDecoder().push(http)).toThrow(WireError);
  });

  it('is skipped with expectHandshake: false', () => {
    const decoder = new WireDecoder({ expectHandshake: false });
    expect(messages(decoder.push(encodeMessage({ type: 'have', index: 7 })))).toEqual([
      { type: 'have', index: 7 },
    ]);
  });
});

// Each message with its exact bytes on the wire (length prefix, id, payload).
const cases: Array<[WireMessage, string]> = [
  [{ type: 'keep-alive' }, '00000000'],
  [{ type: 'choke' }, '0000000100'],
  [{ type: 'unchoke' }, '0000000101'],
  [{ type: 'interested' }, '0000000102'],
  [{ type: 'not-interested' }, '0000000103'],
  [{ type: 'have', index: 0x01020304 }, '000000050401020304'],
  [{ type: 'have', index: 0xffffffff }, '0000000504ffffffff'],
  [{ type: 'bitfield', bytes: Uint8Array.of(0xf0, 0x81) }, '0000000305f081'],
  [{ type: 'bitfield', bytes: new Uint8Array(0) }, '0000000105'],
  [{ type: 'request', index: 1, begin: 0x4000, length: 0x4000 }, '0000000d06000000010000400000004000'],
  [
    { type: 'piece', index: 2, begin: 0x8000, block: Uint8Array.of(9, 8, 7) },
    '0000000c070000000200008000090807',
  ],
  [{ type: 'piece', index: 0, begin: 0, block: new Uint8Array(0) }, '00000009070000000000000000'],
  [{ type: 'cancel', index: 3, begin: 0, length: 0x1000 }, '0000000d08000000030000000000001000'],
  [{ type: 'port', port: 6881 }, '00000003091ae1'],
  [{ type: 'have-all' }, '000000010e'],
  [{ type: 'have-none' }, '000000010f'],
  [{ type: 'suggest-piece', index: 7 }, '000000050d00000007'],
  [{ type: 'reject-request', index: 3, begin: 0x4000, length: 0x4000 }, '0000000d10000000030000400000004000'],
  [{ type: 'allowed-fast', index: 0x01020304 }, '000000051101020304'],
  [{ type: 'extended', id: 0, payload: new TextEncoder().encode('d1:md11:ut_metadatai3eee') }, ''],
  [{ type: 'extended', id: 255, payload: new Uint8Array(0) }, '0000000214ff'],
];
// The extended handshake case: 0x14, id 0, then the bencoded dictionary.
cases[19][1] = '0000001a1400' + Buffer.from('d1:md11:ut_metadatai3eee').toString('hex');

describe('messages', () => {
  it.each(cases)('encodes %o to its exact bytes and decodes them back', (message, bytes) => {
    const encoded = encodeMessage(message);
    expect(hex(encoded)).toBe(bytes);
    const decoder = new WireDecoder({ expectHandshake: false });
    expect(messages(decoder.push(encoded))).toEqual([message]);
  });

  it('decodes every message in one coalesced chunk and in single bytes alike', () => {
    const all = concat([encodeHandshake(handshake), ...cases.map(([m]) => encodeMessage(m))]);
    const whole = new WireDecoder().push(all);
    const single = new WireDecoder();
    const bytewise = [...all].flatMap((byte) => single.push(Uint8Array.of(byte)));
    const expected: WireItem[] = [
      { kind: 'handshake', handshake },
      ...cases.map(([message]) => ({ kind: 'message' as const, message })),
    ];
    expect(whole).toEqual(expected);
    expect(bytewise).toEqual(expected);
  });

  it.each([
    '000000020000', // choke with a payload
    '000000020e00', // have-all with a payload
    '000000040400000001', // have of 4 bytes
    '000000060400000001ff', // have of 6 bytes
    '0000000c060000000100004000000040', // request of 12
    '0000000e0800000003000000000000100000', // cancel of 14
    '0000000209ff', // port of 2
    '000000080700000000000000', // piece shorter than its header
    '0000000114', // extended without its id
    '000000040d000000', // suggest-piece of 4
    '0000000c100000000100004000000040', // reject-request of 12
    '000000061100000001ff', // allowed-fast of 6
  ])('refuses the malformed message %s', (bytes) => {
    const decoder = new WireDecoder({ expectHandshake: false });
    expect(() => decoder.push(Buffer.from(bytes, 'hex'))).toThrow(/invalid length/);
  });

  it('checks a fixed-size message before its body arrives', () => {
    // A "have" that claims a megabyte is refused on its id byte, before any buffering.
    const decoder = new WireDecoder({ expectHandshake: false });
    expect(() => decoder.push(Uint8Array.of(0, 0x10, 0, 0, 4))).toThrow(/invalid length/);
  });

  it('refuses unknown message ids', () => {
    for (const id of [10, 11, 12, 18, 19, 24, 255]) {
      const decoder = new WireDecoder({ expectHandshake: false });
      expect(() => decoder.push(Uint8Array.of(0, 0, 0, 1, id)), String(id)).toThrow(/unknown message id/);
    }
  });

  it('refuses a length prefix above the maximum before buffering the message', () => {
    const decoder = new WireDecoder({ expectHandshake: false });
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, MAX_MESSAGE_LENGTH + 1);
    expect(() => decoder.push(prefix)).toThrow(/exceeds the maximum/);
    const small = new WireDecoder({ expectHandshake: false, maxMessageLength: 100 });
    expect(small.push(Uint8Array.of(0, 0, 0))).toEqual([]);
    expect(() => small.push(Uint8Array.of(101))).toThrow(WireError);
    const exact = new WireDecoder({ expectHandshake: false, maxMessageLength: 100 });
    expect(exact.push(encodeMessage({ type: 'bitfield', bytes: new Uint8Array(99) }))).toHaveLength(1);
  });

  it('is unusable after an error', () => {
    const decoder = new WireDecoder({ expectHandshake: false });
    expect(() => decoder.push(Uint8Array.of(0, 0, 0, 1, 99))).toThrow(WireError);
    expect(() => decoder.push(encodeMessage({ type: 'choke' }))).toThrow(/already failed/);
  });

  it('returns a whole-chunk block in place and assembles a split one in its own buffer', () => {
    const block = filled(16384, 5);
    const encoded = encodeMessage({ type: 'piece', index: 4, begin: 16384, block });
    const chunk = new Uint8Array(encoded.length + 10);
    chunk.set(encoded, 3);
    const [whole] = messages(new WireDecoder({ expectHandshake: false }).push(chunk.subarray(3)));
    expect(whole.type === 'piece' && whole.block.buffer).toBe(chunk.buffer);
    expect(whole).toEqual({ type: 'piece', index: 4, begin: 16384, block });

    const decoder = new WireDecoder({ expectHandshake: false });
    const split: WireMessage[] = [];
    for (let at = 0; at < encoded.length; at += 1000) {
      const part = encoded.slice(at, at + 1000);
      split.push(...messages(decoder.push(part)));
      part.fill(0); // the decoder must not keep views of a split message's chunks
    }
    expect(split).toEqual([{ type: 'piece', index: 4, begin: 16384, block }]);
  });

  it('decodes a maximum-size message arriving in small chunks', () => {
    const block = filled(MAX_MESSAGE_LENGTH - 9, 1);
    const encoded = encodeMessage({ type: 'piece', index: 0, begin: 0, block });
    const decoder = new WireDecoder({ expectHandshake: false });
    const out: WireItem[] = [];
    for (let at = 0; at < encoded.length; at += 997)
      out.push(...decoder.push(encoded.subarray(at, at + 997)));
    const [message] = messages(out);
    expect(out).toHaveLength(1);
    expect(message.type === 'piece' && Buffer.from(message.block).equals(block)).toBe(true);
  });
});

describe('encodeMessage validation', () => {
  const bad: unknown[] = [
    { type: 'have', index: -1 },
    { type: 'have', index: 2 ** 32 },
    { type: 'have', index: 1.5 },
    { type: 'have', index: Number.NaN },
    { type: 'have', index: '3' },
    { type: 'have' },
    { type: 'request', index: 0, begin: -4, length: 16384 },
    { type: 'cancel', index: 0, begin: 0, length: Infinity },
    { type: 'piece', index: 0, begin: 0, block: [1, 2, 3] },
    { type: 'piece', index: 0, begin: 2 ** 40, block: new Uint8Array(1) },
    { type: 'bitfield', bytes: 'ff' },
    { type: 'port', port: 65536 },
    { type: 'extended', id: 256, payload: new Uint8Array(0) },
    { type: 'extended', id: 1, payload: null },
    { type: 'suggest', index: 1 },
    null,
    'choke',
  ];
  it.each(bad)('throws on %o', (message) => {
    expect(() => encodeMessage(message as WireMessage)).toThrow(/must be|unknown message type|object/);
  });
});
