import { randomBytes } from 'node:crypto';
import { Bitfield } from '../../codec/bitfield';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnyInfo, type AnyTorrentInfo } from '../../codec/metainfo-v2';
import { sha1, sha1Sync } from '../../testing/sha1';
import { sha256 } from '../../testing/sha256';
import type { WireMessage } from '../../codec/wire';
import { ASK_INTERVAL_MS, HashExchange } from './hash-exchange';
import type { LaterV2 } from '../contract/engine-types';
import type { PeerState } from '../peer/peer';
import { supportsV2 } from '../../codec/wire';
import { TorrentSession } from '../session/session';
import { MockPeer, idFrom } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { Swarm, type TestTorrent } from '../testing/swarm';

const KiB = 1024;

let hybrid: { info: AnyTorrentInfo; pieceLayers: Map<string, Uint8Array>; torrent: TestTorrent };

beforeAll(async () => {
  const data = new Uint8Array(randomBytes(3 * 1024 * KiB + 5));
  const { info, pieceLayers } = await createAnyInfo(
    [{ path: ['clip.webm'], length: data.length, read: async (at, length) => data.slice(at, at + length) }],
    { name: 'clip.webm', sha1, sha256, pieceLength: 32 * KiB },
  );
  hybrid = { info, pieceLayers, torrent: { info: info.v1!, data } };
});

const swarmOf = (seed: number) => new Swarm({ torrent: hybrid.torrent, sha1: sha1Sync, seed });
const v2 = (withLayers: boolean) => ({
  info: hybrid.info.v2!,
  pieceLayers: withLayers ? hybrid.pieceLayers : undefined,
});

describe('hash exchange in a swarm', () => {
  it('a hybrid torrent downloads between two v2 sessions, and the leech gets its piece layer from the seed', () => {
    const swarm = swarmOf(3);
    const seed = swarm.addNode({ name: 'seed', seed: true, v2: v2(true) });
    const leech = swarm.addNode({ name: 'leech', v2: v2(false) });
    expect(leech.session.pieceLayers?.missing).toBe(1);
    expect(
      swarm.run(() => leech.completedAt !== undefined && leech.session.pieceLayers?.missing === 0, 60_000),
    ).toBe(true);
    expect(Buffer.from(leech.bytes()).equals(Buffer.from(hybrid.torrent.data))).toBe(true);
    const pieces = hybrid.info.v2!.pieceCount;
    for (let i = 0; i < pieces; i++)
      expect(leech.session.pieceLayers?.expected(i)).toEqual(seed.session.pieceLayers?.expected(i));
    // The adapter is told once, so it can keep them; the seed, which had them, is never told.
    expect(leech.layersKnownCount).toBe(1);
    expect(seed.layersKnownAt).toBeUndefined();
    expect([...seed.closes, ...leech.closes]).toEqual([]);
  });

  it('a leech that completed before any v2 peer came says its layers are known when one comes later', () => {
    const swarm = swarmOf(6);
    swarm.addNode({ name: 'v1 seed', seed: true });
    const leech = swarm.addNode({ name: 'leech', v2: v2(false) });
    expect(swarm.run(() => leech.completedAt !== undefined, 60_000)).toBe(true);
    expect(leech.layersKnownAt).toBeUndefined();
    swarm.addNode({ name: 'v2 seed', seed: true, v2: v2(true) });
    expect(swarm.run(() => leech.layersKnownAt !== undefined, 60_000)).toBe(true);
    expect(leech.layersKnownAt).toBeGreaterThan(leech.completedAt!);
    expect(leech.session.pieceLayers?.missing).toBe(0);
    expect(leech.layersKnownCount).toBe(1);
  });

  it('a v1 peer (no v2 bit, as WebTorrent) downloads from a v2 seed as before, and is never asked for hashes', () => {
    const swarm = swarmOf(4);
    const seed = swarm.addNode({ name: 'seed', seed: true, v2: v2(true) });
    const v1 = swarm.addNode({ name: 'v1' });
    expect(swarm.run(() => v1.completedAt !== undefined, 60_000)).toBe(true);
    expect(v1.session.pieceLayers).toBeUndefined();
    expect([...seed.closes, ...v1.closes]).toEqual([]);
  });

  it('a v2 leech of a v1 seed downloads over v1 and asks nobody for hashes', () => {
    const swarm = swarmOf(5);
    const seed = swarm.addNode({ name: 'seed', seed: true });
    const leech = swarm.addNode({ name: 'leech', v2: v2(false) });
    expect(swarm.run(() => leech.completedAt !== undefined, 60_000)).toBe(true);
    expect(leech.session.pieceLayers?.missing).toBe(1);
    expect(leech.session.pieceLayers?.pending).toBe(0);
    expect([...seed.closes, ...leech.closes]).toEqual([]);
  });
});

describe('pieces checked against the merkle tree', () => {
  it('a v2 leech checks each piece by its blocks’ SHA-256 against the tree once it knows the layer', () => {
    const swarm = swarmOf(6);
    swarm.addNode({ name: 'seed', seed: true, v2: v2(true) });
    const leech = swarm.addNode({ name: 'leech', v2: v2(true) });
    expect(swarm.run(() => leech.completedAt !== undefined, 60_000)).toBe(true);
    expect(leech.treeChecks).toBe(hybrid.torrent.info.pieceCount);
    expect(leech.badHashes).toBe(0);
    expect(Buffer.from(leech.bytes()).equals(Buffer.from(hybrid.torrent.data))).toBe(true);
  });

  it('a peer that sends bad blocks is caught by the tree and banned; the honest seed keeps its connection', () => {
    const swarm = swarmOf(7);
    const honest = swarm.addNode({ name: 'honest', seed: true, v2: v2(true) });
    const saboteur = swarm.addNode({ name: 'saboteur', seed: true, corrupt: true, v2: v2(true) });
    const leech = swarm.addNode({ name: 'leech', v2: v2(true) });
    const done = swarm.run(() => leech.completedAt !== undefined, 120_000);
    expect(done).toBe(true);
    expect(Buffer.from(leech.bytes()).equals(Buffer.from(hybrid.torrent.data))).toBe(true);
    expect(leech.treeChecks).toBeGreaterThan(hybrid.torrent.info.pieceCount);
    // Its corrupt pieces failed the tree check (never SHA-1: the leech knows the layer), and only it was banned.
    expect(leech.badHashes).toBe(0);
    const bans = leech.closes.filter((close) => close.reason.startsWith('banned'));
    expect(bans.length).toBeGreaterThan(0);
    expect(bans.every((close) => close.peer.startsWith('saboteur#'))).toBe(true);
    expect(leech.closes.filter((close) => close.peer.startsWith('honest#'))).toEqual([]);
    expect(honest.closes).toEqual([]);
    expect(saboteur.errors).toEqual([]);
  });
});

describe('a multi-file hybrid (BEP 47 pad files between the files)', () => {
  it('downloads between v2 sessions, each piece checked against its own file’s tree up to the file’s end', async () => {
    const sizes = [40 * KiB + 3, 100 * KiB, 7, 64 * KiB];
    const contents = sizes.map((size) => new Uint8Array(randomBytes(size)));
    const { info, pieceLayers } = await createAnyInfo(
      contents.map((data, i) => ({
        path: [`f${i}.bin`],
        length: data.length,
        read: async (at: number, length: number) => data.slice(at, at + length),
      })),
      { name: 'folder', sha1, sha256, pieceLength: 32 * KiB },
    );
    const v1 = info.v1!;
    expect(info.padFiles.length).toBeGreaterThan(0);
    // The v1 byte stream: the files in order, pad files as zeros.
    const data = new Uint8Array(v1.length);
    v1.files.forEach((file, i) => {
      if (info.padFiles.includes(i)) return;
      data.set(contents[Number(/f(\d)/.exec(file.path.join('/'))![1])], file.offset);
    });
    const swarm = new Swarm({ torrent: { info: v1, data }, sha1: sha1Sync, seed: 8 });
    swarm.addNode({ name: 'seed', seed: true, v2: { info: info.v2!, pieceLayers } });
    const known = swarm.addNode({ name: 'known', v2: { info: info.v2!, pieceLayers } });
    const fetched = swarm.addNode({ name: 'fetched', v2: { info: info.v2! } });
    const done = () => known.completedAt !== undefined && fetched.completedAt !== undefined;
    expect(swarm.run(() => done() && fetched.session.pieceLayers?.missing === 0, 60_000)).toBe(true);
    for (const node of [known, fetched]) {
      expect(Buffer.from(node.bytes()).equals(Buffer.from(data))).toBe(true);
      expect(node.closes).toEqual([]);
      expect(node.badHashes).toBe(0);
    }
    expect(known.treeChecks).toBe(v1.pieceCount);
    for (let i = 0; i < v1.pieceCount; i++)
      expect(fetched.session.pieceLayers?.expected(i)).toEqual(known.session.pieceLayers?.expected(i));
  });
});

describe('hash exchange with a hostile peer', () => {
  function exchange(withLayers: boolean, pieces = { count: 10 }) {
    const sent: WireMessage[] = [];
    const closed: string[] = [];
    const peer = { key: 'p', handshaken: true, v2: true } as unknown as PeerState;
    const room = new HashExchange(
      v2(withLayers),
      {
        peers: new Map([['p', peer]]),
        send: (_, message) => sent.push(message),
        close: (_, reason) => closed.push(reason),
      },
      () => pieces.count,
    );
    return { room, peer, sent, closed };
  }

  it('asks on the clock at most once a second, and only peers with pieces', () => {
    const pieces = { count: 0 };
    const leech = exchange(false, pieces);
    leech.room.tick(0);
    expect(leech.sent).toEqual([]);
    pieces.count = 3;
    leech.room.tick(ASK_INTERVAL_MS - 1);
    expect(leech.sent).toEqual([]);
    leech.room.tick(ASK_INTERVAL_MS);
    expect(leech.sent.map((m) => m.type)).toEqual(['hash-request']);
  });

  it('closes a peer that sends hashes not asked for, forged hashes, or a reject of nothing', () => {
    const seed = exchange(true);
    const leech = exchange(false);
    leech.room.ask(0);
    const [request] = leech.sent;
    if (request?.type !== 'hash-request') throw new Error('no request');
    seed.room.onMessage(seed.peer, request, 0);
    const [answer] = seed.sent;
    if (answer?.type !== 'hashes') throw new Error('no hashes');

    const forged = { ...answer, hashes: answer.hashes.slice() };
    forged.hashes[0] ^= 1;
    leech.room.onMessage(leech.peer, forged, 0);
    expect(leech.closed).toEqual(['hashes that do not lead to the pieces root']);
    leech.room.onMessage(leech.peer, answer, 0);
    expect(leech.closed[1]).toBe('hashes we did not ask for');
    leech.room.onMessage(leech.peer, { ...request, type: 'hash-reject' }, 0);
    expect(leech.closed[2]).toBe('a hash reject of nothing asked');
    expect(leech.room.layers?.missing).toBe(1);
  });

  it('rejects what it cannot answer and answers what it knows', () => {
    const leech = exchange(false);
    const root = hybrid.info.v2!.files[0].piecesRoot!;
    const request = { piecesRoot: root, baseLayer: 1, index: 0, length: 128, proofLayers: 6 };
    leech.room.onMessage(leech.peer, { type: 'hash-request', ...request }, 0);
    expect(leech.sent).toEqual([{ type: 'hash-reject', ...request }]);
    const seed = exchange(true);
    seed.room.onMessage(seed.peer, { type: 'hash-request', ...request }, 0);
    expect(seed.sent[0]).toMatchObject({ type: 'hashes', ...request });
    expect(seed.closed).toEqual([]);
  });
});

describe('a session and the v2 handshake bit', () => {
  function session(withV2: boolean | LaterV2, withLayers = true, known = true) {
    const clock = { now: 1000 };
    const info = hybrid.torrent.info;
    const ours = new TorrentSession({
      infoHash: info.infoHash,
      peerId: idFrom('-SD0001-ourselves'),
      info: known ? info : undefined,
      have: undefined,
      v2: withV2 === true ? v2(withLayers) : withV2 || undefined,
      random: mulberry32(1),
      now: clock.now,
    });
    ours.handle({ type: 'tick' }, clock.now);
    const peer = (label: string, peerV2: boolean) => {
      const mock = new MockPeer(ours, `${label}#1`, idFrom(label), info.infoHash, clock);
      mock.connect();
      mock.handshake({ v2: peerV2 });
      return mock;
    };
    return { peer, ours, clock };
  }
  const root = () => hybrid.info.v2!.files[0].piecesRoot!;
  const request = () => ({
    type: 'hash-request' as const,
    piecesRoot: root(),
    baseLayer: 1,
    index: 0,
    length: 128,
    proofLayers: 6,
  });

  it('is set by a v2 session, which answers a v2 peer’s hash request', () => {
    const peer = session(true).peer('v2peer', true);
    const [handshake] = peer.received;
    expect(handshake.kind === 'handshake' && supportsV2(handshake.handshake.reserved)).toBe(true);
    peer.send(request());
    expect(peer.closed).toBeUndefined();
    expect(peer.ofType('hashes')).toHaveLength(1);
  });

  it('asks a v2 peer for the layers it lacks as soon as the peer says what it has, not at the next tick', () => {
    const seed = session(true, false).peer('v2seed', true);
    expect(seed.ofType('hash-request')).toEqual([]);
    seed.send({ type: 'bitfield', bytes: Bitfield.full(hybrid.torrent.info.pieceCount).bytes });
    expect(seed.ofType('hash-request').length).toBeGreaterThan(0);
    // A v1 peer with every piece is never asked.
    const v1 = session(true, false).peer('v1seed', false);
    v1.send({ type: 'bitfield', bytes: Bitfield.full(hybrid.torrent.info.pieceCount).bytes });
    expect(v1.ofType('hash-request')).toEqual([]);
  });

  it('announced before its v2 view (a magnet), rejects hash requests, then speaks v2 once given the view', () => {
    const magnet = session({}, false, false).peer('v2peer', true);
    const [handshake] = magnet.received;
    expect(handshake.kind === 'handshake' && supportsV2(handshake.handshake.reserved)).toBe(true);
    magnet.send(request());
    expect(magnet.closed).toBeUndefined();
    expect(magnet.ofType('hash-reject')).toEqual([{ ...request(), type: 'hash-reject' }]);
    magnet.send({ ...request(), type: 'hash-reject' });
    expect(magnet.closed).toBe('hash-reject of nothing asked');

    const later: LaterV2 = {};
    const { peer, ours, clock } = session(later, false);
    const seed = peer('v2seed', true);
    seed.send({ type: 'bitfield', bytes: Bitfield.full(hybrid.torrent.info.pieceCount).bytes });
    expect(ours.pieceLayers).toBeUndefined();
    expect(seed.ofType('hash-request')).toEqual([]);
    // The view comes: the next tick asks the seed for the layer.
    later.view = v2(false);
    expect(ours.pieceLayers?.missing).toBe(1);
    seed.absorb(ours.handle({ type: 'tick' }, clock.now));
    expect(seed.ofType('hash-request').length).toBeGreaterThan(0);
  });

  it('closes a peer that sends hash messages without the bit, or to a session without v2', () => {
    const withoutBit = session(true).peer('v1peer', false);
    withoutBit.send(request());
    expect(withoutBit.closed).toBe('hash-request without BitTorrent v2 in its handshake');
    const toV1 = session(false).peer('v2peer', true);
    const [handshake] = toV1.received;
    expect(handshake.kind === 'handshake' && supportsV2(handshake.handshake.reserved)).toBe(false);
    toV1.send({ ...request(), type: 'hash-reject' });
    expect(toV1.closed).toBe('hash-reject though we did not announce BitTorrent v2');
  });
});
