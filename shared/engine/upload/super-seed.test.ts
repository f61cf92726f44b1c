import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { mulberry32 } from '../testing/random';
import {
  DEFAULT_ROUND_TRIP_MS,
  OFFER_PATIENCE_MS,
  OFFERS_PER_PEER,
  REQUEST_PATIENCE_MS,
  SuperSeed,
  type Announce,
} from './super-seed';
import { MAX_OFFERS } from './super-seed-plan';

const seed = (pieces: number) => new SuperSeed<string>(pieces, mulberry32(7));
const indices = (out: Announce<string>[], peer?: string) =>
  out.filter((a) => peer === undefined || a.peer === peer).map((a) => a.index);

describe('SuperSeed', () => {
  it('offers each new peer pieces nobody was offered yet, OFFERS_PER_PEER at a time', () => {
    const s = seed(8);
    const seen = new Set<number>();
    for (const peer of ['a', 'b', 'c', 'd']) {
      const offers = indices(s.join(peer));
      expect(offers).toHaveLength(OFFERS_PER_PEER);
      for (const index of offers) seen.add(index);
    }
    expect(seen.size).toBe(8);
  });

  it('serves a peer only the pieces announced to it', () => {
    const s = seed(8);
    const [first] = indices(s.join('a'));
    expect(s.serves('a', first)).toBe(true);
    const untold = [...Array(8).keys()].find((i) => !s.offersOf('a').includes(i))!;
    expect(s.serves('a', untold)).toBe(false);
    expect(s.serves('stranger', first)).toBe(false);
  });

  it('offers another piece once the peer announces its piece', () => {
    const s = seed(8);
    const [first] = indices(s.join('a'));
    const next = indices(s.have('a', first), 'a');
    expect(next).toHaveLength(1);
    expect(next[0]).not.toBe(first);
    expect(s.offersOf('a')).not.toContain(first);
    expect(s.offersOf('a')).toHaveLength(OFFERS_PER_PEER);
  });

  it('offers another piece once the piece is seen at another peer', () => {
    const s = seed(8);
    const [first] = indices(s.join('a'));
    s.join('b');
    const out = s.have('b', first);
    expect(indices(out, 'a')).toHaveLength(1);
    expect(s.offersOf('a')).not.toContain(first);
  });

  it('does not offer a new piece before the offered one is announced anywhere', () => {
    const s = seed(8);
    const offers = indices(s.join('a'));
    s.sent('a', offers[0], true, 0);
    expect(s.tick(OFFER_PATIENCE_MS - 1)).toEqual([]);
    expect(s.offersOf('a')).toEqual(offers);
  });

  it('a peer that never announces what it got still gets new offers after the patience', () => {
    const s = seed(8);
    const got = new Set<number>();
    let now = 0;
    let told = indices(s.join('liar'));
    for (let round = 0; round < 8 && got.size < 8; round++) {
      for (const index of told) {
        s.sent('liar', index, true, now);
        got.add(index);
      }
      now += OFFER_PATIENCE_MS;
      told = indices(s.tick(now));
    }
    expect(got.size).toBe(8);
    for (const index of got) expect(s.serves('liar', index)).toBe(true);
  });

  it('keeps at most OFFERS_PER_PEER offers per peer and forgets a peer gone', () => {
    const s = seed(64);
    const random = mulberry32(3);
    for (let i = 0; i < 500; i++) {
      const peer = `p${Math.floor(random() * 10)}`;
      const step = Math.floor(random() * 4);
      if (step === 0) s.join(peer);
      else if (step === 1) s.have(peer, Math.floor(random() * 64));
      else if (step === 2) s.gone(peer);
      else s.tick(i * 1000);
      if (!s.active) break;
      for (let p = 0; p < 10; p++) expect(s.offersOf(`p${p}`).length).toBeLessThanOrEqual(OFFERS_PER_PEER);
    }
    for (let p = 0; p < 10; p++) s.gone(`p${p}`);
    expect(s.size).toBe(0);
  });

  it('stops once the peers hold every piece between them, announcing what they were not told', () => {
    const s = seed(4);
    const told = indices(s.join('a'));
    s.join('b');
    const field = new Bitfield(4);
    field.set(0);
    field.set(1);
    told.push(...indices(s.bitfield('b', field), 'a'));
    told.push(...indices(s.have('a', 2), 'a'));
    expect(s.covering).toBe(false);
    told.push(...indices(s.have('a', 3), 'a'));
    expect(s.covering).toBe(true);
    const rest = s.stop();
    expect(s.active).toBe(false);
    expect(new Set(indices(rest, 'a'))).toEqual(new Set([0, 1, 2, 3].filter((i) => !told.includes(i))));
    expect(s.serves('a', 0)).toBe(true);
  });

  it('a piece held by a peer that left is offered again', () => {
    const s = seed(2);
    s.join('a');
    s.have('a', 0);
    s.gone('a');
    const offers = indices(s.join('b'));
    expect(offers).toContain(0);
  });

  it('a lone downloader is told every piece, and still counts in what the peers hold', () => {
    const s = seed(4);
    const first = indices(s.join('lone'));
    expect(first).toHaveLength(OFFERS_PER_PEER);
    expect(indices(s.tellAll('lone')).sort()).toEqual([0, 1, 2, 3].filter((i) => !first.includes(i)));
    for (const index of [0, 1, 2, 3]) expect(s.serves('lone', index)).toBe(true);
    expect(s.offersOf('lone')).toEqual([]);
    expect(indices(s.join('second'))).toHaveLength(OFFERS_PER_PEER);
    for (const index of [0, 1, 2]) s.have('lone', index);
    expect(s.covering).toBe(false);
    s.have('lone', 3);
    expect(s.covering).toBe(true);
  });

  it('a seed joining (have-all) ends super-seeding', () => {
    const s = seed(4);
    s.join('a');
    s.join('other seed');
    s.bitfield('other seed', 'all');
    expect(s.covering).toBe(true);
  });

  it('a target raised makes new offers; lowered, takes back those not asked for, newest first', () => {
    const s = seed(16);
    s.join('a', 0);
    expect(indices(s.setTarget('a', 4, true, 0))).toHaveLength(4);
    const [asked] = s.offersOf('a');
    s.requested('a', asked, 100);
    expect(s.setTarget('a', 0, false, 200)).toEqual([]);
    // The piece being fetched stays on offer; the others go back to the pool.
    expect(s.offersOf('a')).toEqual([asked]);
    expect(indices(s.setTarget('a', 100, true, 300))).toHaveLength(MAX_OFFERS - 1);
  });

  it('an offer an unchoked peer does not ask for is taken back after the patience; a choked peer keeps its offer', () => {
    const s = seed(16);
    s.join('a', 0);
    s.join('b', 0);
    const offered = indices(s.setTarget('a', 1, true, 0));
    s.setTarget('b', 1, false, 0);
    const waiting = s.offersOf('b');
    expect(s.tick(REQUEST_PATIENCE_MS - 1)).toEqual([]);
    const next = indices(s.tick(REQUEST_PATIENCE_MS), 'a');
    expect(next).toHaveLength(1);
    expect(next).not.toEqual(offered);
    expect(s.offersOf('b')).toEqual(waiting);
  });

  it('a piece taken back is served no more once it is on its way to another peer', () => {
    const s = seed(1);
    s.join('a', 0);
    const [piece] = indices(s.setTarget('a', 1, true, 0));
    s.setTarget('a', 0, false, 10);
    expect(s.serves('a', piece)).toBe(true);
    s.join('b', 0);
    expect(indices(s.setTarget('b', 1, true, 20))).toEqual([piece]);
    s.sent('b', piece, true, 30);
    expect(s.serves('a', piece)).toBe(false);
    expect(s.serves('b', piece)).toBe(true);
  });

  it('measures a peer round trip: offer to request, last block to its have', () => {
    const s = seed(16);
    s.join('a', 0);
    expect(s.roundTripMs('a')).toBe(DEFAULT_ROUND_TRIP_MS);
    const [piece] = indices(s.setTarget('a', 1, true, 0));
    s.requested('a', piece, 4_000);
    s.sent('a', piece, true, 5_000);
    s.have('a', piece, 9_000);
    expect(s.roundTripMs('a')).toBeGreaterThan(DEFAULT_ROUND_TRIP_MS);
  });
});
