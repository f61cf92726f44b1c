import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import type { BlockRequest } from './block-geometry';
import { VerifiedPieces } from '../verify/verified-pieces';
import { mulberry32 } from '../testing/random';
import { KIB16, field, range, newPicker, verify, picker, pieces, deliver } from '../testing/picker';

describe('PiecePicker wishlist', () => {
  it('never requests a piece the peer lacks or that we have', () => {
    const have = field(20, [0, 1, 2, 3]);
    const p = picker({ pieceCount: 20, have });
    const peerHas = field(20, [0, 1, 2, 3, 4, 5, 6, 17]);
    p.peerBitfield('a', peerHas);
    const requests = p.nextRequests('a', 1000, 0);
    expect(pieces(requests).sort((x, y) => x - y)).toEqual([4, 5, 6, 17]);
    expect(requests).toHaveLength(16);
    expect(p.nextRequests('a', 10, 0)).toEqual([]);
  });

  it('picks the rarest piece first', () => {
    const p = picker({ pieceCount: 10 });
    p.peerBitfield('a', field(10, range(0, 10)));
    p.peerBitfield('b', field(10, range(0, 9)));
    p.peerBitfield('c', field(10, [...range(0, 5), 9]));
    // Availability: 0-4: 3, 5-8: 2, 9: 2... except 9 is held by a and c only.
    expect(p.availability(0)).toBe(3);
    expect(p.availability(5)).toBe(2);
    const order: number[] = [];
    for (let i = 0; i < 10; i++) order.push(...pieces(p.nextRequests('a', 4, 0)));
    // The five pieces of availability 2 come before any of availability 3.
    expect(order.slice(0, 5).sort((x, y) => x - y)).toEqual([5, 6, 7, 8, 9]);
    expect(order.slice(5).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4]);
  });

  it('picks rarest first for a peer with few pieces too (its shortlist)', () => {
    const pieceCount = 4000;
    const random = mulberry32(9);
    const p = picker({ pieceCount, seed: 9 });
    for (let n = 0; n < 10; n++) {
      const bits = new Bitfield(pieceCount);
      for (let i = 0; i < pieceCount; i++) if (random() < 0.5) bits.set(i);
      p.peerBitfield(`dense${n}`, bits);
    }
    // The sparse peer has 100 pieces: it gets each once, in order of availability.
    const mine = range(0, 100).map((k) => k * 40);
    const sparse = field(pieceCount, mine);
    p.peerBitfield('sparse', sparse);
    const picked: number[] = [];
    const rarity: number[] = [];
    for (let k = 0; k < 100; k++) {
      const [r] = p.nextRequests('sparse', 4, 0);
      picked.push(r.index);
      rarity.push(p.availability(r.index));
    }
    expect(picked.sort((x, y) => x - y)).toEqual(mine);
    for (let k = 1; k < rarity.length; k++) expect(rarity[k]).toBeGreaterThanOrEqual(rarity[k - 1]);
    expect(rarity[0]).toBeLessThan(rarity[99]);
    expect(p.nextRequests('sparse', 4, 0)).toEqual([]);
  });

  it('breaks availability ties uniformly at random across seeds', () => {
    const counts = new Array<number>(5).fill(0);
    const seeds = 1000;
    for (let seed = 0; seed < seeds; seed++) {
      const p = picker({ pieceCount: 10, seed });
      p.peerBitfield('a', Bitfield.full(10));
      p.peerBitfield('b', field(10, range(0, 5)));
      // 5-9 are the rarest (only a has them).
      const [first] = p.nextRequests('a', 1, 0);
      expect(first.index).toBeGreaterThanOrEqual(5);
      counts[first.index - 5]++;
    }
    // Each of five ties about a fifth of the time (binomial sd ≈ 12.6).
    for (const count of counts) expect(Math.abs(count - seeds / 5)).toBeLessThan(60);
  });

  it('follows availability changes from have messages and departures', () => {
    const p = picker({ pieceCount: 4 });
    p.peerBitfield('a', Bitfield.full(4));
    p.peerBitfield('b', field(4, [0, 1, 2]));
    p.peerHave('c', 0);
    p.peerHave('c', 1);
    p.peerHave('c', 1); // a repeated have counts once
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([3, 3, 2, 1]);
    p.peerGone('b');
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([2, 2, 1, 1]);
    p.peerHaveAll('d');
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([3, 3, 2, 2]);
    // A new bitfield replaces what we knew of the peer.
    p.peerBitfield('d', field(4, [3]));
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([2, 2, 1, 2]);
    p.peerGone('d');
    p.peerGone('nobody');
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([2, 2, 1, 1]);
    // After the departures piece 2 and 3 are the rarest for a.
    expect(pieces(p.nextRequests('a', 8, 0)).sort()).toEqual([2, 3]);
  });

  it('picks at random, not rarest first, until it has randomFirstPieces pieces', () => {
    let rarestPicks = 0;
    const seeds = 400;
    for (let seed = 0; seed < seeds; seed++) {
      const p = picker({ pieceCount: 10, seed, randomFirstPieces: 4 });
      p.peerBitfield('a', Bitfield.full(10));
      p.peerBitfield('b', field(10, range(1, 10))); // piece 0 is the rarest
      if (p.nextRequests('a', 1, 0)[0].index === 0) rarestPicks++;
    }
    // Random: piece 0 a tenth of the time, not always.
    expect(rarestPicks / seeds).toBeGreaterThan(0.05);
    expect(rarestPicks / seeds).toBeLessThan(0.16);
  });

  it('switches to rarest first once it has randomFirstPieces pieces', () => {
    for (let seed = 0; seed < 50; seed++) {
      const p = picker({ pieceCount: 10, seed, randomFirstPieces: 2 });
      p.peerBitfield('a', Bitfield.full(10));
      p.peerBitfield('b', field(10, range(0, 9))); // piece 9 is the rarest
      p.peerBitfield('c', field(10, range(0, 9)));
      const firstTwo = [p.nextRequests('a', 4, 0), p.nextRequests('a', 4, 0)];
      for (const requests of firstTwo) deliver(p, 'a', requests);
      if (p.haveCount === 2 && !pieces(firstTwo.flat()).includes(9)) {
        expect(p.nextRequests('a', 1, 0)[0].index).toBe(9);
      }
    }
  });

  it('finishes started pieces before starting rarer ones (strict priority)', () => {
    const p = picker({ pieceCount: 10 });
    p.peerBitfield('a', field(10, [0]));
    p.peerBitfield('b', Bitfield.full(10));
    p.peerBitfield('c', Bitfield.full(10));
    // a starts piece 0 (availability 3, the most common) with one block.
    expect(p.nextRequests('a', 1, 0)).toEqual([{ index: 0, begin: 0, length: KIB16 }]);
    // b gets the rest of piece 0 first, then the rarest others.
    const requests = p.nextRequests('b', 5, 0);
    expect(requests.slice(0, 3).map((r) => [r.index, r.begin])).toEqual([
      [0, KIB16],
      [0, 2 * KIB16],
      [0, 3 * KIB16],
    ]);
    expect(requests[3].index).not.toBe(0);
    expect(requests[4].index).toBe(requests[3].index);
    // c continues the piece b started before it starts another one.
    const next = p.nextRequests('c', 3, 0);
    expect(next.slice(0, 2).map((r) => [r.index, r.begin])).toEqual([
      [requests[3].index, 2 * KIB16],
      [requests[3].index, 3 * KIB16],
    ]);
    expect(next[2].index).not.toBe(requests[3].index);
  });

  it('does not hand a started piece to a peer that lacks it', () => {
    const p = picker({ pieceCount: 4 });
    p.peerBitfield('a', field(4, [0]));
    p.peerBitfield('b', field(4, [1]));
    p.nextRequests('a', 1, 0);
    expect(pieces(p.nextRequests('b', 10, 0))).toEqual([1]);
  });
});

describe('PiecePicker piece selection', () => {
  it('sequential: the lowest missing piece the peer has, whatever the rarity', () => {
    const p = picker({ pieceCount: 20, pieceLength: KIB16, pieceSelection: 'sequential', seed: 3 });
    // Piece 15 is the rarest (one peer has it); sequential ignores that.
    p.peerBitfield('a', field(20, range(5, 20)));
    p.peerBitfield('b', field(20, range(0, 15)));
    const a = p.nextRequests('a', 3, 0);
    expect(pieces(a)).toEqual([5, 6, 7]);
    const b = p.nextRequests('b', 2, 0);
    expect(pieces(b)).toEqual([0, 1]);
    deliver(p, 'b', b);
    // A failed piece is fresh again and comes first.
    const again = p.nextRequests('b', 1, 0);
    expect(pieces(again)).toEqual([2]);
    p.blockReceived('b', 2, 0, KIB16);
    p.pieceFailed(2);
    expect(pieces(p.nextRequests('b', 1, 0))).toEqual([2]);
  });

  it('rarest (default) picks the rarest piece where sequential would not', () => {
    const p = picker({ pieceCount: 20, pieceLength: KIB16, seed: 3 });
    p.peerBitfield('a', field(20, range(5, 20)));
    p.peerBitfield('b', field(20, range(0, 15)));
    expect(pieces(p.nextRequests('a', 1, 0))[0]).toBeGreaterThanOrEqual(15);
  });

  it('random: ignores rarity after the random-first phase too', () => {
    // Pieces 0-9 are common (3 peers), 10-19 rare (1 peer); every peer has all. Rarest first would only take 10-19.
    const choose = (pieceSelection: 'rarest' | 'random', seed: number): number[] => {
      const p = picker({ pieceCount: 20, pieceLength: KIB16, pieceSelection, seed });
      p.peerBitfield('x', field(20, range(0, 20)));
      p.peerBitfield('y', field(20, range(0, 10)));
      p.peerBitfield('z', field(20, range(0, 10)));
      return pieces(p.nextRequests('x', 8, 0));
    };
    for (const seed of [1, 2, 3]) expect(choose('rarest', seed).every((i) => i >= 10)).toBe(true);
    const common = [1, 2, 3].flatMap((seed) => choose('random', seed)).filter((i) => i < 10);
    expect(common.length).toBeGreaterThan(0);
  });

  it('refuses an unknown selection', () => {
    expect(() => picker({ pieceCount: 4, pieceSelection: 'newest' as 'random' })).toThrow(RangeError);
  });
});

describe('PiecePicker cost', () => {
  it('stays cheap for 50,000 pieces and 50 peers', () => {
    const pieceCount = 50_000;
    const random = mulberry32(42);
    const have = new VerifiedPieces({ pieceCount, pieceLength: 4 * KIB16, length: pieceCount * 4 * KIB16 });
    const p = newPicker({
      pieceCount,
      pieceLength: 4 * KIB16,
      totalLength: pieceCount * 4 * KIB16,
      have,
      random,
    });
    const peers: Array<{ name: string; has: Bitfield; queue: BlockRequest[] }> = [];
    for (let n = 0; n < 50; n++) {
      const has = new Bitfield(pieceCount);
      // Seeds, dense and sparse leechers.
      const density = n < 2 ? 1 : n < 25 ? 0.5 : 0.01;
      if (density === 1) has.setAll();
      else for (let i = 0; i < pieceCount; i++) if (random() < density) has.set(i);
      peers.push({ name: `p${n}`, has, queue: [] });
      if (density === 1) p.peerHaveAll(`p${n}`);
      else p.peerBitfield(`p${n}`, has);
    }
    const setupWork = p.work;
    let operations = 0;
    let now = 0;
    let verified = 0;
    for (let round = 0; round < 250; round++) {
      now += 100;
      for (const peer of peers) {
        // A few have messages per peer per round.
        for (let k = 0; k < 5; k++) {
          const index = Math.floor(random() * pieceCount);
          peer.has.set(index);
          p.peerHave(peer.name, index);
          operations++;
        }
        // Deliver what it was asked for, then refill its pipeline.
        for (const r of peer.queue.splice(0, 8)) {
          const result = p.blockReceived(peer.name, r.index, r.begin, r.length);
          operations++;
          if (result.pieceComplete) {
            verify(p, r.index);
            verified++;
          }
        }
        const requests = p.nextRequests(peer.name, 16 - peer.queue.length, now);
        operations += 1 + requests.length;
        peer.queue.push(...requests);
      }
      if (round % 10 === 0) p.expire(now, 60_000);
    }
    expect(verified).toBeGreaterThan(3000);
    // Every operation looks at a handful of entries on average: no scans of all the pieces per block or request.
    const work = p.work - setupWork;
    expect(work / operations).toBeLessThan(20);
  });
});
