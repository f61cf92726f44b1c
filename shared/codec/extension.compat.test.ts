// Cross-check of our BEP 10 / BEP 9 payloads with WebTorrent's `bittorrent-protocol` and `ut_metadata`:
// metadata fetched from their seeder by our messages, and served by our messages to their fetcher.
import Wire from 'bittorrent-protocol';
import { createHash } from 'node:crypto';
import utMetadata from 'ut_metadata';
import { describe, expect, it } from 'vitest';
import { encode } from './bencode';
import { until } from '../testing/until';
import {
  METADATA_PIECE_SIZE,
  decodeExtendedHandshake,
  decodeMetadataMessage,
  encodeExtendedHandshake,
  encodeMetadataMessage,
  metadataPieceCount,
  type MetadataMessage,
} from './extension';
import { WireDecoder, encodeHandshake, encodeMessage, reservedBytes, type WireMessage } from './wire';

const OUR_UT_METADATA = 3;

/** An info dictionary of three metadata pieces, and its info hash. */
function metadataFixture(): { metadata: Uint8Array; infoHash: Uint8Array } {
  const pieces = Uint8Array.from({ length: 20 * 1800 }, (_, i) => (i * 131 + 7) & 0xff);
  const metadata = encode({
    length: 1800 * 16384,
    name: new TextEncoder().encode('fixture.bin'),
    'piece length': 16384,
    pieces,
  });
  return { metadata, infoHash: new Uint8Array(createHash('sha1').update(metadata).digest()) };
}

/** A reference wire whose output we decode with our own decoder, after our handshake and theirs. */
async function connect(extension: unknown, infoHash: Uint8Array, seeding: boolean) {
  const wire = new Wire();
  wire.use(extension);
  const decoder = new WireDecoder();
  const received: WireMessage[] = [];
  wire.on('data', (chunk: Uint8Array) => {
    for (const item of decoder.push(new Uint8Array(chunk)))
      if (item.kind === 'message') received.push(item.message);
  });
  // A seeding ut_metadata first checks the metadata it was given (asynchronously).
  await until(() => !seeding || wire.extendedHandshake.metadata_size !== undefined, STREAMS);
  wire.write(encodeHandshake({ reserved: reservedBytes(), infoHash, peerId: new Uint8Array(20).fill(1) }));
  await new Promise((resolve) => setImmediate(resolve)); // one turn: the wire reads our handshake
  wire.handshake(infoHash, new Uint8Array(20).fill(2));
  await until(() => received.length > 0, STREAMS);
  const first = received.shift();
  if (first?.type !== 'extended' || first.id !== 0)
    throw new Error('expected their extended handshake first');
  return { wire, received, theirHandshake: decodeExtendedHandshake(first.payload) };
}

/** The streams run between checks (streamx processes writes asynchronously): up to 1,000 turns of the event loop. */
const STREAMS = { polls: 1000, intervalMs: 0 } as const;

/** Takes the ut_metadata messages addressed to us out of `received`. */
function metadataMessages(received: WireMessage[]): MetadataMessage[] {
  return received.splice(0).map((message) => {
    if (message.type !== 'extended' || message.id !== OUR_UT_METADATA)
      throw new Error(`unexpected ${message.type}`);
    return decodeMetadataMessage(message.payload);
  });
}

describe('ut_metadata interop with WebTorrent', () => {
  it('fetches the metadata from their seeder', async () => {
    const { metadata, infoHash } = metadataFixture();
    const { wire, received, theirHandshake } = await connect(utMetadata(metadata), infoHash, true);
    expect(theirHandshake.metadataSize).toBe(metadata.length);
    const theirId = theirHandshake.m.ut_metadata;
    expect(theirId).toBeGreaterThan(0);

    const ours = encodeExtendedHandshake({ m: { ut_metadata: OUR_UT_METADATA }, client: 'test' });
    wire.write(encodeMessage({ type: 'extended', id: 0, payload: ours }));
    const count = metadataPieceCount(metadata.length);
    expect(count).toBe(3);
    for (let piece = count - 1; piece >= 0; piece--) {
      const request = encodeMetadataMessage({ msgType: 'request', piece });
      wire.write(encodeMessage({ type: 'extended', id: theirId, payload: request }));
    }
    await until(() => received.length >= count, STREAMS);

    const assembled = new Uint8Array(metadata.length);
    const answers = metadataMessages(received);
    expect(answers.map((m) => m.msgType === 'data' && [m.piece, m.totalSize, m.data.length])).toEqual([
      [2, metadata.length, metadata.length - 2 * METADATA_PIECE_SIZE],
      [1, metadata.length, METADATA_PIECE_SIZE],
      [0, metadata.length, METADATA_PIECE_SIZE],
    ]);
    for (const m of answers) if (m.msgType === 'data') assembled.set(m.data, m.piece * METADATA_PIECE_SIZE);
    expect(Buffer.from(assembled).equals(metadata)).toBe(true);
    wire.destroy();
  });

  it('serves the metadata to their fetcher, which verifies it against the info hash', async () => {
    const { metadata, infoHash } = metadataFixture();
    const { wire, received, theirHandshake } = await connect(utMetadata(), infoHash, false);
    const extension = wire.ut_metadata;
    if (!extension) throw new Error('ut_metadata not installed');
    let fetched: Uint8Array | undefined;
    extension.on('metadata', (torrent: Uint8Array) => (fetched = torrent));
    extension.fetch();

    const ours = encodeExtendedHandshake({
      m: { ut_metadata: OUR_UT_METADATA },
      metadataSize: metadata.length,
    });
    wire.write(encodeMessage({ type: 'extended', id: 0, payload: ours }));
    await until(() => received.length >= 3, STREAMS);
    const requests = metadataMessages(received);
    expect(requests).toEqual([0, 1, 2].map((piece) => ({ msgType: 'request', piece })));

    const send = (message: MetadataMessage): void => {
      const payload = encodeMetadataMessage(message);
      wire.write(encodeMessage({ type: 'extended', id: theirHandshake.m.ut_metadata, payload }));
    };
    // A reject makes it ask again for the same piece.
    send({ msgType: 'reject', piece: 1 });
    await until(() => received.length >= 1, STREAMS);
    expect(metadataMessages(received)).toEqual([{ msgType: 'request', piece: 1 }]);

    for (let piece = 0; piece < 3; piece++) {
      const data = metadata.subarray(piece * METADATA_PIECE_SIZE, (piece + 1) * METADATA_PIECE_SIZE);
      send({ msgType: 'data', piece, totalSize: metadata.length, data });
    }
    await until(() => fetched !== undefined, STREAMS);
    // It emits `{info: <metadata>}`, bencoded.
    const expected = Buffer.concat([Buffer.from('d4:info'), metadata, Buffer.from('e')]);
    expect(Buffer.from(fetched as Uint8Array).equals(expected)).toBe(true);
    wire.destroy();
  });
});
