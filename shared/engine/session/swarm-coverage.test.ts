import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { sha1Sync } from '../../testing/sha1';
import type { WebSeedStats } from '../contract/engine-types';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { randomTorrent } from '../testing/swarm';
import { TorrentSession } from './session';
import { othersHoldEvery, webSeedServesAll } from './swarm-coverage';

const seed = (over: Partial<WebSeedStats> = {}): WebSeedStats => ({
  url: 'https://example.org/files/',
  status: 'idle',
  downloaded: 1024,
  droppedFiles: [],
  ...over,
});

describe('othersHoldEvery', () => {
  const counts = (...held: number[]) => ({ pieceCount: held.length, availability: (i: number) => held[i] });

  it('holds when every piece has a connected holder, and not while one piece has none', () => {
    expect(othersHoldEvery(counts(1, 2, 1))).toBe(true);
    expect(othersHoldEvery(counts(1, 0, 3))).toBe(false);
  });

  it('does not hold while the pieces are unknown', () => {
    expect(othersHoldEvery(counts())).toBe(false);
  });

  it('counts a web seed that served and lost nothing as holding every piece', () => {
    expect(othersHoldEvery({ ...counts(0, 0), webSeeds: [seed()] })).toBe(true);
  });

  it('does not count a web seed that failed, lost a file, or was never asked', () => {
    expect(webSeedServesAll(seed({ status: 'failed', failure: 'gone' }))).toBe(false);
    expect(webSeedServesAll(seed({ droppedFiles: [{ file: 0, reason: '404' }] }))).toBe(false);
    expect(webSeedServesAll(seed({ downloaded: 0 }))).toBe(false);
    expect(othersHoldEvery({ ...counts(0, 1), webSeeds: [seed({ status: 'failed' })] })).toBe(false);
  });
});

// A seeder of 4 pieces and peers that hold parts of them.
const { info } = randomTorrent(31, 4 * 16 * 1024, { sha1: sha1Sync, pieceLength: 16 * 1024 });

function seeder() {
  const clock = { now: 1_000 };
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('-SD0001-the-seeder'),
    info,
    have: Bitfield.full(info.pieceCount),
    random: mulberry32(3),
    now: clock.now,
  });
  session.handle({ type: 'tick' }, clock.now);
  const peer = (label: string, pieces: number[]) => {
    const mock = new MockPeer(session, `${label}#1`, idFrom(label), info.infoHash, clock);
    mock.connect();
    mock.handshake();
    const field = new Bitfield(info.pieceCount);
    for (const index of pieces) field.set(index);
    mock.send({ type: 'bitfield', bytes: field.bytes });
    return mock;
  };
  const held = () => session.stats(clock.now).othersHoldEvery === true;
  return { session, clock, peer, held };
}

describe('the session says whether the others hold every piece', () => {
  it('says so once the peers cover every piece between them, and takes it back when one leaves', () => {
    const s = seeder();
    expect(s.held()).toBe(false);
    const alice = s.peer('alice', [0, 1]);
    expect(s.held()).toBe(false);
    s.peer('bob', [1, 2]);
    expect(s.held()).toBe(false);
    alice.send({ type: 'have', index: 3 });
    expect(s.held()).toBe(true);
    s.session.handle({ type: 'peer-closed', peer: alice.key }, s.clock.now);
    expect(s.held()).toBe(false);
  });

  it('says so while one connected peer holds every piece', () => {
    const s = seeder();
    s.peer('carol', [0, 1, 2, 3]);
    expect(s.held()).toBe(true);
  });
});
