// The metadata exchange alone: fake ports that record what it sends, closes and hashes.
import { describe, expect, it } from 'vitest';
import {
  decodeMetadataMessage,
  encodeExtendedHandshake,
  encodeMetadataMessage,
  METADATA_PIECE_SIZE,
} from '../../codec/extension';
import type { TorrentInfo } from '../../codec/metainfo';
import { sha1Sync } from '../../testing/sha1';
import { reservedBytes } from '../../codec/wire';
import { MAX_METADATA_SERVES, MetadataExchange } from './metadata-exchange';
import { PeerState } from '../peer/peer';
import { acceptExtendedHandshake, acceptHandshake, UT_METADATA_ID } from '../peer/peer-wire';
import { randomTorrent } from '../testing/swarm';
import { UploadQueue } from '../peer/upload-queue';

const torrent = randomTorrent(7, 600 * 16 * 1024, { sha1: sha1Sync, pieceLength: 16 * 1024 });
const { info } = torrent;
const pieces = Math.ceil(info.infoBytes.length / METADATA_PIECE_SIZE);

function setup(known: TorrentInfo | undefined) {
  const peers = new Map<string, PeerState>();
  const sent: { peer: string; type: string; piece: number }[] = [];
  const closed: { peer: string; reason: string }[] = [];
  const hashed: Uint8Array[] = [];
  const exchange = new MetadataExchange(info.infoHash, {
    peer: (key) => peers.get(key),
    send: (peer, message) => {
      if (message.type !== 'extended') throw new Error(`unexpected ${message.type}`);
      expect(message.id).toBe(9); // the id the peer asked for
      const decoded = decodeMetadataMessage(message.payload);
      sent.push({ peer: peer.key, type: decoded.msgType, piece: decoded.piece });
    },
    close: (peer, reason) => {
      closed.push({ peer: peer.key, reason });
      peers.delete(peer.key);
    },
    hash: (bytes) => void hashed.push(bytes),
    info: () => known,
    fail: (reason) => {
      throw new Error(reason);
    },
  });
  /** A peer that speaks ut_metadata under id 9 and offers `size` bytes of it (extended handshake not yet handed on). */
  const connect = (key: string, size?: number) => {
    const peer = new PeerState(key, peers.size, 0, new UploadQueue(undefined, 0));
    acceptHandshake(
      peer,
      { infoHash: info.infoHash, peerId: new Uint8Array(20), reserved: reservedBytes() },
      key,
    );
    const payload = encodeExtendedHandshake({ m: { ut_metadata: 9 }, metadataSize: size });
    acceptExtendedHandshake(peer, payload);
    peers.set(key, peer);
    return { peer, payload };
  };
  return { exchange, sent, closed, hashed, connect };
}

const request = (piece: number) => encodeMetadataMessage({ msgType: 'request', piece });
const data = (piece: number) =>
  encodeMetadataMessage({
    msgType: 'data',
    piece,
    totalSize: info.infoBytes.length,
    data: info.infoBytes.subarray(piece * METADATA_PIECE_SIZE, (piece + 1) * METADATA_PIECE_SIZE),
  });

describe('MetadataExchange', () => {
  it('serves each piece of our metadata at most MAX_METADATA_SERVES times to a peer, and rejects pieces beyond it', () => {
    const t = setup(info);
    const { peer } = t.connect('a');
    for (let i = 0; i <= MAX_METADATA_SERVES; i++) t.exchange.onExtended(peer, UT_METADATA_ID, request(0), 0);
    t.exchange.onExtended(peer, UT_METADATA_ID, request(pieces), 0);
    expect(t.sent.map((s) => s.type)).toEqual([
      ...Array<string>(MAX_METADATA_SERVES).fill('data'),
      'reject',
      'reject',
    ]);
    // Another peer has its own count.
    const { peer: b } = t.connect('b');
    t.exchange.onExtended(b, UT_METADATA_ID, request(0), 0);
    expect(t.sent.at(-1)).toEqual({ peer: 'b', type: 'data', piece: 0 });
  });

  it('asks a peer that offers the metadata for its pieces, and hands the whole to be hashed', () => {
    const t = setup(undefined);
    const { peer, payload } = t.connect('a', info.infoBytes.length);
    t.exchange.onExtended(peer, 0, payload, 0);
    const asked = t.sent.filter((s) => s.type === 'request').map((s) => s.piece);
    expect(asked.length).toBeGreaterThan(0);
    for (let piece = 0; piece < pieces; piece++) t.exchange.onExtended(peer, UT_METADATA_ID, data(piece), 1);
    expect(t.hashed).toHaveLength(1);
    expect(t.hashed[0]).toEqual(info.infoBytes);
    expect(t.exchange.hashed(sha1Sync(t.hashed[0]), 2)?.name).toBe(info.name);
  });

  it('closes the only peer that sent metadata not matching the info hash', () => {
    const t = setup(undefined);
    const { peer, payload } = t.connect('a', info.infoBytes.length);
    t.exchange.onExtended(peer, 0, payload, 0);
    for (let piece = 0; piece < pieces; piece++) t.exchange.onExtended(peer, UT_METADATA_ID, data(piece), 1);
    expect(t.exchange.hashed(new Uint8Array(20), 2)).toBeUndefined();
    expect(t.closed).toEqual([{ peer: 'a', reason: 'sent metadata that does not match the info hash' }]);
  });

  it('does not ask for metadata it has, nor a peer that offers none', () => {
    const t = setup(info);
    const { peer, payload } = t.connect('a', info.infoBytes.length);
    t.exchange.onExtended(peer, 0, payload, 0);
    const u = setup(undefined);
    const { peer: quiet, payload: none } = u.connect('b');
    u.exchange.onExtended(quiet, 0, none, 0);
    expect([...t.sent, ...u.sent]).toEqual([]);
  });
});
