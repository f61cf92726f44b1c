// Super-seeding in a TorrentSession, against scripted peers: what the original seeder announces and serves.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import { BLOCK_SIZE } from '../../codec/wire';
import { Bitfield } from '../../codec/bitfield';
import { TorrentSession } from './session';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { randomTorrent } from '../testing/swarm';
import type { EngineConfig } from '../contract/engine-types';
import { CANDIDATE_OFFERS, MIN_OFFERS } from '../upload/super-seed-plan';

// 8 pieces of one block each.
const torrent = randomTorrent(31, 8 * BLOCK_SIZE, { sha1: sha1Sync, pieceLength: BLOCK_SIZE });
const { info } = torrent;
const PIECES = info.pieceCount;

function seeder(config: Partial<EngineConfig> = {}) {
  const clock = { now: 1_000 };
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('-SD0001-superseed'),
    info,
    have: Bitfield.full(PIECES),
    random: mulberry32(5),
    now: clock.now,
    config: { superSeed: true, ...config },
  });
  session.handle({ type: 'tick' }, clock.now);
  const tick = (ms: number) => {
    clock.now += ms;
    return session.handle({ type: 'tick' }, clock.now);
  };
  const peer = (label: string, fast = true) => {
    const p = new MockPeer(session, `${label}#1`, idFrom(label), info.infoHash, clock);
    p.connect();
    p.handshake({ fast });
    return p;
  };
  return { session, clock, peer, tick };
}

const haves = (peer: MockPeer) => peer.ofType('have').map((m) => m.index);

describe('TorrentSession: super-seeding (BEP 16)', () => {
  it('offers each choked downloader a piece in place of its bitfield, and tells a lone one every piece at a tick', () => {
    const s = seeder();
    const first = s.peer('first');
    expect(first.ofType('have-all')).toEqual([]);
    expect(first.ofType('have-none')).toHaveLength(1);
    expect(haves(first)).toHaveLength(CANDIDATE_OFFERS);
    const plain = s.peer('plain', false);
    expect(plain.ofType('bitfield')).toEqual([]);
    expect(haves(plain)).toHaveLength(CANDIDATE_OFFERS);
    // The offers go to pieces nobody else was offered.
    expect(new Set([...haves(first), ...haves(plain)]).size).toBe(2 * CANDIDATE_OFFERS);
    plain.absorb(s.tick(500));
    expect(haves(plain)).toHaveLength(CANDIDATE_OFFERS);

    const lone = seeder();
    const only = lone.peer('only');
    only.absorb(lone.tick(500));
    expect(new Set(haves(only)).size).toBe(PIECES);
  });

  it('an unchoked peer gets offers enough for its round trip, is served only those, and another once it announces one', () => {
    const s = seeder();
    s.peer('first');
    const peer = s.peer('second');
    const offered = haves(peer);
    peer.send({ type: 'interested' });
    expect(peer.ofType('unchoke')).toHaveLength(1);
    const served = peer.send({ type: 'request', index: offered[0], begin: 0, length: BLOCK_SIZE });
    expect(served.some((a) => a.type === 'read' && a.index === offered[0])).toBe(true);
    // Asking, it showed it holds a slot: its offers grow to cover the slot's round trip.
    const told = haves(peer);
    expect(told.length).toBeGreaterThanOrEqual(MIN_OFFERS);
    const other = [...Array(PIECES).keys()].find((i) => !told.includes(i))!;
    peer.send({ type: 'request', index: other, begin: 0, length: BLOCK_SIZE });
    expect(peer.ofType('reject-request').map((m) => m.index)).toEqual([other]);
    peer.send({ type: 'have', index: offered[0] });
    expect(haves(peer)).toHaveLength(told.length + 1);
    expect(haves(peer).slice(0, told.length)).toEqual(told);
  });

  it('announces every piece to every peer once another source holds them all', () => {
    const s = seeder();
    s.peer('first');
    const peer = s.peer('second');
    expect(haves(peer).length).toBeLessThan(PIECES);
    const otherSeed = s.peer('other seed');
    peer.absorb(otherSeed.send({ type: 'have-all' }));
    expect(new Set(haves(peer)).size).toBe(PIECES);
    const late = s.peer('late');
    expect(late.ofType('have-all')).toHaveLength(1);
    expect(late.ofType('have-none')).toEqual([]);
  });

  it('a one-piece torrent is not super-seeded: its one offer would tell everything to a peer that wants nothing yet', () => {
    const one = randomTorrent(32, BLOCK_SIZE, { sha1: sha1Sync, pieceLength: BLOCK_SIZE }).info;
    const clock = { now: 1_000 };
    const session = new TorrentSession({
      infoHash: one.infoHash,
      peerId: idFrom('-SD0001-superseed'),
      info: one,
      have: Bitfield.full(1),
      random: mulberry32(5),
      now: clock.now,
      config: { superSeed: true },
    });
    const peer = new MockPeer(session, 'only#1', idFrom('only'), one.infoHash, clock);
    peer.connect();
    peer.handshake({ fast: true });
    expect(peer.ofType('have-all')).toHaveLength(1);
    expect(peer.ofType('have-none')).toEqual([]);
  });

  it('superSeed: false announces every piece from the start', () => {
    const s = seeder({ superSeed: false });
    expect(s.peer('first').ofType('have-all')).toHaveLength(1);
    expect(s.peer('second').ofType('have-all')).toHaveLength(1);
  });
});
