// Cross-check of our wire codec with WebTorrent's `bittorrent-protocol`: each side parses what the other writes.
import Wire from 'bittorrent-protocol';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { until } from '../testing/until';
import {
  WireDecoder,
  encodeHandshake,
  encodeMessage,
  reservedBytes,
  type Handshake,
  type WireItem,
  type WireMessage,
} from './wire';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
/** Short enough for a readable failure message: length and SHA-1. */
const digest = (bytes: Uint8Array): string =>
  `${bytes.length} bytes sha1 ${createHash('sha1').update(bytes).digest('hex')}`;
const filled = (length: number, start: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (start * 7 + i * 13) & 0xff);

// The BEP 52 bit is set as a v2 session sets it: WebTorrent, which knows nothing of v2, must still see BEP 6 and 10.
const ours: Handshake = {
  reserved: reservedBytes({ fast: true, v2: true }),
  infoHash: filled(20, 1),
  peerId: filled(20, 2),
};
const theirPeerId = filled(20, 3);

interface Event {
  name: string;
  args: unknown[];
}

/** A bittorrent-protocol Wire with everything it emits and writes recorded. */
function reference() {
  const wire = new Wire();
  const events: Event[] = [];
  const written: Uint8Array[] = [];
  for (const name of ['handshake', 'keep-alive', 'choke', 'unchoke', 'interested', 'uninterested', 'have']) {
    wire.on(name, (...args: unknown[]) => events.push({ name, args }));
  }
  for (const name of [
    'bitfield',
    'request',
    'piece',
    'cancel',
    'port',
    'have-all',
    'have-none',
    'suggest',
    'reject',
    'allowed-fast',
    'extended',
  ]) {
    wire.on(name, (...args: unknown[]) => events.push({ name, args }));
  }
  wire.on('unknownmessage', (...args: unknown[]) => events.push({ name: 'unknownmessage', args }));
  wire.on('data', (chunk: Uint8Array) => written.push(new Uint8Array(chunk)));
  return { wire, events, written };
}

/** The streams run between checks (streamx processes writes asynchronously): up to 1,000 turns of the event loop. */
const STREAMS = { polls: 1000, intervalMs: 0 } as const;

describe('bittorrent-protocol reads what we write', () => {
  it('parses our handshake and every message into the same values', async () => {
    const { wire, events } = reference();
    const block = filled(16384, 4);
    const bitfield = Uint8Array.of(0xff, 0x00, 0xa5, 0x80);
    const extendedPayload = new TextEncoder().encode('d1:md11:ut_metadatai2ee13:metadata_sizei31337ee');
    const metadataPayload = new TextEncoder().encode('d8:msg_typei0e5:piecei1ee');
    const sent: WireMessage[] = [
      { type: 'keep-alive' },
      { type: 'unchoke' },
      { type: 'interested' },
      { type: 'have', index: 0x7ffffffe },
      { type: 'bitfield', bytes: bitfield },
      { type: 'request', index: 5, begin: 16384, length: 16384 },
      { type: 'piece', index: 5, begin: 16384, block },
      { type: 'cancel', index: 5, begin: 32768, length: 1024 },
      { type: 'port', port: 51413 },
      { type: 'suggest-piece', index: 9 },
      { type: 'allowed-fast', index: 0x01020304 },
      { type: 'reject-request', index: 5, begin: 16384, length: 16384 },
      { type: 'have-none' },
      { type: 'have-all' },
      { type: 'not-interested' },
      { type: 'choke' },
      { type: 'extended', id: 0, payload: extendedPayload },
      { type: 'extended', id: 3, payload: metadataPayload },
    ];
    const stream = Buffer.concat([encodeHandshake(ours), ...sent.map(encodeMessage)]);
    // Its own handshake with fast first: it accepts BEP 6 messages only when both sides set the bit.
    wire.handshake(hex(ours.infoHash), hex(theirPeerId), { fast: true });
    wire.unchoke(); // it ignores requests from a peer it chokes
    // In awkward pieces, to exercise its buffering as well.
    for (let at = 0; at < stream.length; at += 1000) wire.write(stream.subarray(at, at + 1000));
    await until(() => events.some((e) => e.name === 'extended' && e.args[0] !== 'handshake'), STREAMS);

    const summary = events.map(({ name, args }) => [
      name,
      ...args.map((arg) => (arg instanceof Uint8Array ? digest(arg) : arg)),
    ]);
    const handshake = summary.shift();
    expect(handshake).toEqual([
      'handshake',
      hex(ours.infoHash),
      hex(ours.peerId),
      { dht: false, fast: true, extended: true },
    ]);
    const bitfieldEvent = events.find((e) => e.name === 'bitfield');
    const theirBitfield = bitfieldEvent?.args[0] as { buffer: Uint8Array };
    expect(hex(theirBitfield.buffer)).toBe(hex(bitfield));
    const extendedHandshake = events.find((e) => e.name === 'extended' && e.args[0] === 'handshake');
    expect(extendedHandshake?.args[1]).toMatchObject({ metadata_size: 31337 });
    expect(summary.filter(([name]) => name !== 'bitfield' && name !== 'extended')).toEqual([
      ['keep-alive'],
      ['unchoke'],
      ['interested'],
      ['have', 0x7ffffffe],
      ['request', 5, 16384, 16384, expect.any(Function)],
      ['piece', 5, 16384, digest(block)],
      ['cancel', 5, 32768, 1024],
      ['port', 51413],
      ['suggest', 9],
      ['allowed-fast', 0x01020304],
      ['reject', 5, 16384, 16384],
      ['have-none'],
      ['have-all'],
      ['uninterested'],
      ['choke'],
    ]);
    const metadata = events.find((e) => e.name === 'extended' && e.args[0] === 3);
    expect(hex(metadata?.args[1] as Uint8Array)).toBe(hex(metadataPayload));
    expect(events.some((e) => e.name === 'unknownmessage')).toBe(false);
    wire.destroy();
  });
});

describe('we read what bittorrent-protocol writes', () => {
  it('decodes its handshake, extended handshake and messages into the same values', async () => {
    const { wire, written } = reference();
    // Our handshake first, so that it knows we speak BEP 10 and BEP 6 and sends its extended handshake.
    wire.write(encodeHandshake(ours));
    wire.write(encodeMessage({ type: 'unchoke' }));
    await until(() => !wire.peerChoking, STREAMS);

    const block = filled(16384, 9);
    wire.handshake(hex(ours.infoHash), hex(theirPeerId), { fast: true });
    wire.keepAlive();
    wire.unchoke();
    wire.interested();
    wire.have(0x7ffffffe);
    wire.bitfield(Uint8Array.of(0x80, 0x01));
    wire.request(7, 0, 16384, () => {});
    wire.piece(7, 16384, block);
    wire.cancel(7, 0, 16384);
    wire.port(6881);
    wire.uninterested();
    wire.choke();
    wire.haveAll();
    wire.haveNone();
    // BEP 6 calls (not in shared/testing/bittorrent-protocol.d.ts's minimal types).
    const fast = wire as unknown as {
      suggest(index: number): void;
      allowedFast(index: number): void;
      reject(index: number, begin: number, length: number): void;
    };
    fast.suggest(3);
    fast.allowedFast(4);
    fast.reject(7, 0, 16384);
    wire.extended(2, Uint8Array.of(1, 2, 3));
    wire.extended(0, { m: { ut_metadata: 1 } });
    const decode = (): WireItem[] => {
      const decoder = new WireDecoder();
      return written.flatMap((chunk) => decoder.push(chunk));
    };
    await until(() => decode().length >= 20, STREAMS);
    const items = decode();
    const [first, ...rest] = items;
    expect(first).toEqual({
      kind: 'handshake',
      handshake: { reserved: reservedBytes({ fast: true }), infoHash: ours.infoHash, peerId: theirPeerId },
    });
    const messages = rest.map((item) => (item.kind === 'message' ? item.message : item));
    const mapping = new TextEncoder().encode('d1:md11:ut_metadatai1eee');
    // It sends its own extended handshake (ext 0) right after its handshake, then our calls in order.
    expect(messages).toEqual([
      { type: 'extended', id: 0, payload: new TextEncoder().encode('d1:mdee') },
      { type: 'keep-alive' },
      { type: 'unchoke' },
      { type: 'interested' },
      { type: 'have', index: 0x7ffffffe },
      { type: 'bitfield', bytes: Uint8Array.of(0x80, 0x01) },
      { type: 'request', index: 7, begin: 0, length: 16384 },
      { type: 'piece', index: 7, begin: 16384, block },
      { type: 'cancel', index: 7, begin: 0, length: 16384 },
      { type: 'port', port: 6881 },
      { type: 'not-interested' },
      { type: 'choke' },
      { type: 'have-all' },
      { type: 'have-none' },
      { type: 'suggest-piece', index: 3 },
      { type: 'allowed-fast', index: 4 },
      { type: 'reject-request', index: 7, begin: 0, length: 16384 },
      { type: 'extended', id: 2, payload: Uint8Array.of(1, 2, 3) },
      { type: 'extended', id: 0, payload: mapping },
    ]);
    wire.destroy();
  });
});
