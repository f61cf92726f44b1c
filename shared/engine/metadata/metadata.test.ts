// BEP 9 metadata exchange: the fetching state machine, the session's use of it, and serving.
import { describe, expect, it } from 'vitest';
import { encode } from '../../codec/bencode';
import { Bitfield } from '../../codec/bitfield';
import { MAX_METADATA_SIZE, METADATA_PIECE_SIZE } from '../../codec/extension';
import { sha1Sync } from '../../testing/sha1';
import { MetadataFetch } from './metadata';
import { MAX_PIECES } from '../../codec/torrent-bounds';
import { parseVerifiedInfo } from '../../codec/metainfo';
import { TorrentSession } from '../session/session';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { randomTorrent } from '../testing/swarm';
import type { EngineAction } from '../contract/engine-types';
import type { WireMessage } from '../../codec/wire';

// A torrent whose info dictionary spans several metadata pieces (many piece hashes).
const torrent = randomTorrent(31, 2400 * 16 * 1024, { sha1: sha1Sync, pieceLength: 16 * 1024 });
const { info } = torrent;
const metadataPieces = Math.ceil(info.infoBytes.length / METADATA_PIECE_SIZE);

function metadataPiece(bytes: Uint8Array, piece: number): Uint8Array {
  return bytes.subarray(
    piece * METADATA_PIECE_SIZE,
    Math.min(bytes.length, (piece + 1) * METADATA_PIECE_SIZE),
  );
}

function magnetSession() {
  const clock = { now: 0 };
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('magnet-user'),
    random: mulberry32(1),
    now: 0,
  });
  session.handle({ type: 'tick' }, 0);
  const peer = (label: string) => {
    const p = new MockPeer(session, `${label}#1`, idFrom(label), info.infoHash, clock);
    p.connect();
    p.handshake();
    return p;
  };
  return { session, clock, peer };
}

/** A peer connected to a seeding session, past its extended handshake. */
function askerOfSeeder(seed: number): MockPeer {
  const seedSession = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('seed'),
    info,
    have: Bitfield.full(info.pieceCount),
    random: mulberry32(seed),
    now: 0,
  });
  const asker = new MockPeer(seedSession, 'asker#1', idFrom('asker'), info.infoHash, { now: 0 });
  asker.connect();
  asker.handshake();
  asker.extendedHandshake({});
  return asker;
}

/** Answers every metadata request the session made to `peer` with pieces of `bytes`. */
function answerAll(peer: MockPeer, bytes: Uint8Array): EngineAction[] {
  return peer.serveMetadata(bytes);
}

describe('metadata exchange in a session', () => {
  it('fetches the info dictionary from a peer, checks its hash, and starts downloading', () => {
    expect(metadataPieces).toBeGreaterThan(2);
    const { session, clock, peer } = magnetSession();
    expect(session.stats(0).state).toBe('fetching-metadata');
    const seeder = peer('seeder');
    seeder.send({ type: 'bitfield', bytes: Bitfield.full(info.pieceCount).bytes });
    seeder.extendedHandshake({ metadataSize: info.infoBytes.length });
    const actions = answerAll(seeder, info.infoBytes);
    const hash = actions.find((a): a is Extract<EngineAction, { type: 'hash' }> => a.type === 'hash');
    expect(hash).toBeDefined();
    expect(session.info).toBeUndefined(); // not before the hash check
    const after = seeder.absorb(
      session.handle({ type: 'hashed', id: hash!.id, digest: sha1Sync(hash!.data) }, clock.now),
    );
    const metadata = after.find((a) => a.type === 'metadata');
    expect(metadata).toBeDefined();
    expect(Buffer.from(session.info!.infoBytes).equals(Buffer.from(info.infoBytes))).toBe(true);
    expect(session.info!.pieceCount).toBe(info.pieceCount);
    expect(session.stats(clock.now).state).toBe('downloading');
    // The bitfield that arrived before the metadata counts now.
    expect(seeder.ofType('interested').length).toBe(1);
  });

  it('drops metadata that does not hash to the info hash and asks another peer', () => {
    const { session, clock, peer } = magnetSession();
    const liar = peer('liar');
    liar.extendedHandshake({ metadataSize: info.infoBytes.length });
    const fake = info.infoBytes.slice();
    fake[fake.length - 2] ^= 1;
    const actions = answerAll(liar, fake);
    const hash = actions.find((a): a is Extract<EngineAction, { type: 'hash' }> => a.type === 'hash')!;
    const honest = peer('honest');
    honest.extendedHandshake({ metadataSize: info.infoBytes.length });
    expect(honest.metadataMessages()).toEqual([]); // everything was already asked of the liar
    honest.absorb(
      liar.absorb(session.handle({ type: 'hashed', id: hash.id, digest: sha1Sync(hash.data) }, clock.now)),
    );
    expect(liar.closed).toMatch(/metadata/);
    expect(session.info).toBeUndefined();
    const retry = answerAll(honest, info.infoBytes);
    const second = retry.find((a): a is Extract<EngineAction, { type: 'hash' }> => a.type === 'hash')!;
    session.handle({ type: 'hashed', id: second.id, digest: sha1Sync(second.data) }, clock.now);
    expect(session.info?.infoHashHex).toBe(info.infoHashHex);
  });

  it('refuses a metadata_size over the limit, and data that breaks the protocol', () => {
    const { peer } = magnetSession();
    const huge = peer('huge');
    huge.extendedHandshake({ metadataSize: MAX_METADATA_SIZE + 1 });
    expect(huge.closed).toMatch(/exceeds/);

    const pusher = peer('pusher');
    pusher.extendedHandshake({});
    pusher.metadata({ msgType: 'data', piece: 0, totalSize: 10, data: new Uint8Array(10) });
    expect(pusher.closed).toBe('unrequested metadata piece');

    const wrongSize = peer('wrong-size');
    wrongSize.extendedHandshake({ metadataSize: info.infoBytes.length });
    const request = wrongSize.metadataMessages()[0];
    expect(request.msgType).toBe('request');
    // A data message with a short piece, built by hand (the encoder refuses to write one).
    const header = encode({ msg_type: 1, piece: request.piece, total_size: info.infoBytes.length });
    const payload = new Uint8Array(header.length + 5);
    payload.set(header);
    const id = wrongSize.sessionExtensions().ut_metadata;
    wrongSize.send({ type: 'extended', id, payload });
    expect(wrongSize.closed).toMatch(/piece|bytes/);
  });

  it('a seeder serves its metadata, and rejects pieces beyond it; a magnet session rejects every request', () => {
    const asker = askerOfSeeder(2);
    asker.metadata({ msgType: 'request', piece: 1 });
    asker.metadata({ msgType: 'request', piece: metadataPieces });
    const [data, reject] = asker.metadataMessages();
    expect(data).toEqual({
      msgType: 'data',
      piece: 1,
      totalSize: info.infoBytes.length,
      data: metadataPiece(info.infoBytes, 1),
    });
    expect(reject).toEqual({ msgType: 'reject', piece: metadataPieces });

    const { peer } = magnetSession();
    const other = peer('other');
    other.extendedHandshake({});
    other.metadata({ msgType: 'request', piece: 0 });
    expect(other.metadataMessages()).toEqual([{ msgType: 'reject', piece: 0 }]);
  });
});

describe('metadata against hostile peers', () => {
  /** Hashes what the session assembled and hands back the digest; true once the session has the info. */
  function finishHash(session: TorrentSession, actions: EngineAction[], now: number): boolean {
    const hash = actions.find((a): a is Extract<EngineAction, { type: 'hash' }> => a.type === 'hash');
    if (hash) session.handle({ type: 'hashed', id: hash.id, digest: sha1Sync(hash.data) }, now);
    return session.info?.infoHashHex === info.infoHashHex;
  }

  for (const behaviour of ['rejects', 'stays silent'] as const) {
    it(`a peer announcing a wrong metadata_size that ${behaviour} does not stall the magnet`, () => {
      const { session, clock, peer } = magnetSession();
      const liar = peer('liar');
      liar.extendedHandshake({ metadataSize: info.infoBytes.length + 12_345 });
      const asked = liar.metadataMessages().filter((m) => m.msgType === 'request');
      expect(asked.length).toBeGreaterThan(0);
      const honest = peer('honest');
      honest.extendedHandshake({ metadataSize: info.infoBytes.length });
      expect(honest.metadataMessages()).toEqual([]); // the liar's size has the turn while it may answer
      if (behaviour === 'rejects') {
        for (const request of asked)
          honest.absorb(liar.metadata({ msgType: 'reject', piece: request.piece }));
      } else {
        clock.now += 25_000; // past the metadata timeout
        honest.absorb(session.handle({ type: 'tick' }, clock.now));
      }
      expect(honest.metadataMessages().length).toBeGreaterThan(0);
      expect(finishHash(session, answerAll(honest, info.infoBytes), clock.now)).toBe(true);
    });
  }

  it('after a size fails the info hash, tries the other size first', () => {
    const fetch = new MetadataFetch();
    fetch.addPeer('liar', 10);
    fetch.addPeer('liar2', 10);
    fetch.addPeer('honest', 20);
    expect(fetch.nextRequests('liar', 0)).toEqual([0]);
    expect(fetch.data('liar', 0, 10, new Uint8Array(10), 0).kind).toBe('complete');
    expect(fetch.failed()).toEqual(['liar']);
    // liar2 still offers size 10 and asks first, but size 20 has not failed: it gets the turn.
    expect(fetch.nextRequests('liar2', 0)).toEqual([]);
    expect(fetch.nextRequests('honest', 0)).toEqual([0]);
  });

  it('serves a metadata piece at most twice to one peer, and nothing before its extended handshake', () => {
    const asker = askerOfSeeder(3);
    for (let i = 0; i < 5; i++) asker.metadata({ msgType: 'request', piece: 0 });
    asker.metadata({ msgType: 'request', piece: 1 });
    expect(asker.metadataMessages().map((m) => `${m.msgType}:${m.piece}`)).toEqual([
      'data:0',
      'data:0',
      'reject:0',
      'reject:0',
      'reject:0',
      'data:1',
    ]);
    expect(asker.closed).toBeFalsy();
  });
});

describe('MetadataFetch', () => {
  it('spreads requests over peers, at most a few each, and assembles the pieces in order', () => {
    const fetch = new MetadataFetch();
    const size = 5 * METADATA_PIECE_SIZE + 100;
    expect(fetch.addPeer('a', size)).toBeUndefined();
    expect(fetch.addPeer('b', size)).toBeUndefined();
    const a = fetch.nextRequests('a', 0);
    const b = fetch.nextRequests('b', 0);
    expect(a.length).toBeLessThan(6);
    expect([...a, ...b].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const bytes = new Uint8Array(size).map((_, i) => i % 251);
    let result;
    for (const [peer, pieces] of [
      ['a', a],
      ['b', b],
    ] as const) {
      for (const piece of pieces) {
        const data = bytes.subarray(
          piece * METADATA_PIECE_SIZE,
          Math.min(size, (piece + 1) * METADATA_PIECE_SIZE),
        );
        result = fetch.data(peer, piece, size, data, 0);
      }
    }
    expect(result?.kind).toBe('complete');
    if (result?.kind === 'complete') expect(Buffer.from(result.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('gives a rejected or timed-out piece to another peer, and asks the resting peer again only later', () => {
    const fetch = new MetadataFetch();
    fetch.addPeer('a', 100);
    fetch.addPeer('b', 100);
    expect(fetch.nextRequests('a', 0)).toEqual([0]);
    expect(fetch.nextRequests('b', 0)).toEqual([]);
    fetch.reject('a', 0, 0, 1_000);
    expect(fetch.nextRequests('a', 500)).toEqual([]);
    expect(fetch.nextRequests('b', 500)).toEqual([0]);
    expect(fetch.expire(5_000, 4_000)).toBe(true); // b did not answer in time
    expect(fetch.nextRequests('b', 5_000)).toEqual([]);
    expect(fetch.nextRequests('a', 5_000)).toEqual([0]);
    // b's late answer is still welcome.
    expect(fetch.data('b', 0, 100, new Uint8Array(100), 5_000).kind).toBe('complete');
  });

  it('refuses sizes of zero, over the limit, or not integers', () => {
    const fetch = new MetadataFetch();
    expect(fetch.addPeer('a', 0)).toMatch(/invalid/);
    expect(fetch.addPeer('b', 1.5)).toMatch(/invalid/);
    expect(fetch.addPeer('c', MAX_METADATA_SIZE + 1)).toMatch(/exceeds/);
  });

  it('after a failed hash check, starts over without the contributors', () => {
    const fetch = new MetadataFetch();
    fetch.addPeer('a', 10);
    fetch.addPeer('b', 10);
    expect(fetch.nextRequests('a', 0)).toEqual([0]);
    expect(fetch.data('a', 0, 10, new Uint8Array(10), 0).kind).toBe('complete');
    expect(fetch.failed()).toEqual(['a']);
    expect(fetch.nextRequests('a', 0)).toEqual([]);
    expect(fetch.nextRequests('b', 0)).toEqual([0]);
  });
});

describe('parseVerifiedInfo (metadata fetched by the engine)', () => {
  it('parses single- and multi-file info dictionaries', () => {
    const single = parseVerifiedInfo(info.infoBytes, info.infoHash);
    expect(single).toMatchObject({
      name: 'test.bin',
      pieceLength: 16 * 1024,
      length: info.length,
      multiFile: false,
    });
    const multi = encode({
      files: [
        { length: 3, path: [new TextEncoder().encode('a.txt')] },
        { length: 0, path: [new TextEncoder().encode('dir'), new TextEncoder().encode('empty')] },
        { length: 20, path: [new TextEncoder().encode('b.bin')] },
      ],
      name: new TextEncoder().encode('folder'),
      'piece length': 16,
      pieces: new Uint8Array(40),
    });
    const parsed = parseVerifiedInfo(multi, sha1Sync(multi));
    expect(parsed.multiFile).toBe(true);
    expect(parsed.files.map((f) => [f.path.join('/'), f.length, f.offset])).toEqual([
      ['a.txt', 3, 0],
      ['dir/empty', 0, 3],
      ['b.bin', 20, 3],
    ]);
    expect(parsed.pieceCount).toBe(2);
  });

  it.each([
    ['not a dictionary', encode([1, 2])],
    ['no pieces', encode({ length: 5, name: new Uint8Array([97]), 'piece length': 16 })],
    [
      'a wrong piece count',
      encode({ length: 50, name: new Uint8Array([97]), 'piece length': 16, pieces: new Uint8Array(20) }),
    ],
    [
      'an unsafe path',
      encode({
        files: [{ length: 1, path: [new TextEncoder().encode('..')] }],
        name: new Uint8Array([97]),
        'piece length': 16,
        pieces: new Uint8Array(20),
      }),
    ],
  ])('throws on %s', (_what, bytes) => {
    expect(() => parseVerifiedInfo(bytes, sha1Sync(bytes))).toThrow();
  });
});

describe('what peers say they have before the metadata (bounded, issue 23)', () => {
  it('counts haves sent before the metadata once it arrives, and closes a peer announcing a piece no torrent has', () => {
    const { session, clock, peer } = magnetSession();
    const seeder = peer('seeder');
    seeder.extendedHandshake({ metadataSize: info.infoBytes.length });
    const partial = peer('partial');
    const haves: WireMessage[] = [];
    for (let index = 0; index < info.pieceCount; index += 2) haves.push({ type: 'have', index });
    partial.send(...haves, ...haves); // repeated haves are no more than one each
    expect(partial.closed).toBeUndefined();
    const hostile = peer('hostile');
    hostile.send({ type: 'have', index: MAX_PIECES });
    expect(hostile.closed).toBe(`have ${MAX_PIECES} beyond any torrent`);
    const actions = answerAll(seeder, info.infoBytes);
    const hash = actions.find((a): a is Extract<EngineAction, { type: 'hash' }> => a.type === 'hash');
    session.handle({ type: 'hashed', id: hash!.id, digest: sha1Sync(hash!.data) }, clock.now);
    expect(session.info?.pieceCount).toBe(info.pieceCount);
    const stats = session.stats(clock.now).peerStats.find((p) => p.peer === partial.key);
    expect(stats?.progress).toBe(Math.ceil(info.pieceCount / 2) / info.pieceCount);
    expect(partial.closed).toBeUndefined();
  });
});
