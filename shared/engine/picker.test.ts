import { describe, expect, it } from 'vitest';
import { Bitfield } from '../bitfield';
import type { BlockRequest } from './block-geometry';
import { PiecePicker } from './picker';
import type { PiecePriority } from './priorities';
import { VerifiedPieces } from './verified-pieces';
import type { PickerOptions } from './wishlist';
import { mulberry32 } from './testing/random';

const KIB16 = 16384;

function field(length: number, indices: Iterable<number>): Bitfield {
  const bits = new Bitfield(length);
  for (const i of indices) bits.set(i);
  return bits;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** The owner of each picker's verified pieces (what Downloader.stored writes). */
const owners = new WeakMap<PiecePicker, VerifiedPieces>();

/** A picker whose verified pieces start from `have` (a bitfield, or the owner itself). */
function newPicker(options: Omit<PickerOptions, 'have'> & { have?: Bitfield | VerifiedPieces }): PiecePicker {
  const sizes = {
    pieceCount: options.pieceCount,
    pieceLength: options.pieceLength,
    length: options.totalLength,
  };
  const have =
    options.have instanceof VerifiedPieces ? options.have : new VerifiedPieces(sizes, options.have);
  const p = new PiecePicker({ ...options, have });
  owners.set(p, have);
  return p;
}

/** Records the piece as verified and tells the picker, as Downloader.stored does. */
function verify(p: PiecePicker, index: number): string[] {
  owners.get(p)!.add(index);
  return p.pieceVerified(index);
}

function picker(
  options: Omit<Partial<PickerOptions>, 'have'> & { pieceCount: number; seed?: number; have?: Bitfield },
): PiecePicker {
  const pieceLength = options.pieceLength ?? 4 * KIB16;
  return newPicker({
    pieceLength,
    totalLength: options.pieceCount * pieceLength,
    random: mulberry32(options.seed ?? 1),
    randomFirstPieces: 0,
    ...options,
  });
}

/** Does `bits` hold a piece `have` lacks? (the scan that the picker's interest counter replaces) */
function hasAnyMissing(bits: Bitfield, have: { get(index: number): boolean }): boolean {
  for (let i = 0; i < bits.length; i++) if (bits.get(i) && !have.get(i)) return true;
  return false;
}

/** Reports `bits` for a new peer and asks whether it is interesting. */
function interesting(p: PiecePicker, peer: string, bits: Bitfield): boolean {
  p.peerBitfield(peer, bits);
  return p.isPeerInteresting(peer);
}

const pieces = (requests: BlockRequest[]): number[] => [...new Set(requests.map((r) => r.index))];

/** Delivers every request in `requests` from `peer`, verifying the pieces that complete. */
function deliver(p: PiecePicker, peer: string, requests: BlockRequest[]): number[] {
  const completed: number[] = [];
  for (const r of requests) {
    const result = p.blockReceived(peer, r.index, r.begin, r.length);
    expect(result.expected).toBe(true);
    if (result.pieceComplete) {
      verify(p, r.index);
      completed.push(r.index);
    }
  }
  return completed;
}

describe('PiecePicker geometry', () => {
  it('splits pieces into blocks, with a short last block and a short last piece', () => {
    // 40,000-byte pieces (not a multiple of 16 KiB) and a 5,000-byte last piece.
    const totalLength = 3 * 40_000 + 5000;
    const p = newPicker({
      pieceCount: 4,
      pieceLength: 40_000,
      totalLength,
      have: new Bitfield(4),
      random: mulberry32(2),
    });
    p.peerHaveAll('seed');
    const requests = p.nextRequests('seed', 100, 0);
    const byPiece = new Map<number, BlockRequest[]>();
    for (const r of requests) byPiece.set(r.index, [...(byPiece.get(r.index) ?? []), r]);
    expect(byPiece.size).toBe(4);
    for (const [index, blocks] of byPiece) {
      blocks.sort((a, b) => a.begin - b.begin);
      const size = index === 3 ? 5000 : 40_000;
      let offset = 0;
      for (const block of blocks) {
        expect(block.begin).toBe(offset);
        expect(block.length).toBeLessThanOrEqual(KIB16);
        offset += block.length;
      }
      expect(offset).toBe(size);
    }
    expect(byPiece.get(0)!.map((r) => r.length)).toEqual([KIB16, KIB16, 40_000 - 2 * KIB16]);
    expect(byPiece.get(3)!.map((r) => r.length)).toEqual([5000]);
    expect(requests.reduce((sum, r) => sum + r.length, 0)).toBe(totalLength);
  });

  it('handles a torrent whose length is an exact multiple of the block size but not of the piece length', () => {
    const p = newPicker({
      pieceCount: 3,
      pieceLength: 4 * KIB16,
      totalLength: 9 * KIB16,
      have: new Bitfield(3),
      random: mulberry32(3),
    });
    p.peerHaveAll('seed');
    const requests = p.nextRequests('seed', 100, 0);
    expect(requests.filter((r) => r.index === 2)).toEqual([{ index: 2, begin: 0, length: KIB16 }]);
    expect(requests).toHaveLength(9);
  });

  it('rejects inconsistent geometry', () => {
    const have = new Bitfield(4);
    const random = mulberry32(1);
    expect(() => newPicker({ pieceCount: 4, pieceLength: 100, totalLength: 401, have, random })).toThrow(
      RangeError,
    );
    expect(() => newPicker({ pieceCount: 4, pieceLength: 100, totalLength: 300, have, random })).toThrow(
      RangeError,
    );
    expect(() => newPicker({ pieceCount: 5, pieceLength: 100, totalLength: 500, have, random })).toThrow(
      RangeError,
    );
    expect(() =>
      newPicker({ pieceCount: 4, pieceLength: 100, totalLength: 400, have, random, blockSize: 0 }),
    ).toThrow(RangeError);
  });
});

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

describe('PiecePicker arrivals and verification', () => {
  it('reports a completed piece once every block arrived, and duplicates change nothing', () => {
    const p = picker({ pieceCount: 2 });
    p.peerHaveAll('a');
    const requests = p.nextRequests('a', 4, 0);
    expect(pieces(requests)).toHaveLength(1);
    expect(p.outstanding('a')).toBe(4);
    const results = requests.map((r) => p.blockReceived('a', r.index, r.begin, r.length));
    expect(results.map((r) => r.pieceComplete)).toEqual([false, false, false, true]);
    expect(p.outstanding('a')).toBe(0);
    const again = p.blockReceived('a', requests[0].index, requests[0].begin, requests[0].length);
    expect(again).toEqual({ expected: true, duplicate: true, cancels: [], pieceComplete: false });
    // A third copy was never asked for.
    expect(p.blockReceived('a', requests[0].index, requests[0].begin, requests[0].length).expected).toBe(
      false,
    );
  });

  it('flags blocks nobody asked for and changes nothing', () => {
    const p = picker({ pieceCount: 2 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [r] = p.nextRequests('a', 1, 0);
    expect(p.blockReceived('b', r.index, r.begin, r.length).expected).toBe(false);
    expect(p.blockReceived('stranger', r.index, r.begin, r.length).expected).toBe(false);
    expect(p.blockReceived('a', r.index, r.begin, r.length - 1).expected).toBe(false);
    expect(p.blockReceived('a', r.index, r.begin + 1, r.length).expected).toBe(false);
    expect(p.blockReceived('a', 99, 0, KIB16).expected).toBe(false);
    expect(p.blockReceived('a', r.index, 64 * KIB16, KIB16).expected).toBe(false);
    expect(p.outstanding('a')).toBe(1);
    expect(p.blockReceived('a', r.index, r.begin, r.length)).toMatchObject({
      expected: true,
      duplicate: false,
    });
  });

  it('makes every block of a failed piece requestable again', () => {
    const p = picker({ pieceCount: 3 });
    p.peerHaveAll('a');
    const requests = p.nextRequests('a', 4, 0);
    const index = requests[0].index;
    const results = requests.map((r) => p.blockReceived('a', r.index, r.begin, r.length));
    expect(results.at(-1)!.pieceComplete).toBe(true);
    // Nothing of it is requested any more while it waits for its hash check.
    expect(pieces(p.nextRequests('a', 100, 0))).not.toContain(index);
    p.pieceFailed(index);
    expect(p.inEndgame()).toBe(false);
    p.peerHaveAll('b');
    const again = p.nextRequests('b', 100, 0);
    expect(again.filter((r) => r.index === index).map((r) => r.begin)).toEqual(
      [0, 1, 2, 3].map((b) => b * KIB16),
    );
    expect(() => {
      verify(p, 0);
      p.pieceFailed(0);
    }).toThrow(/already verified/);
  });

  it('drops the requests of a piece verified while they were out, and becomes complete', () => {
    const p = picker({ pieceCount: 2 });
    p.peerHaveAll('a');
    const requests = p.nextRequests('a', 8, 0);
    expect(p.outstanding('a')).toBe(8);
    verify(p, 0);
    expect(p.outstanding('a')).toBe(4);
    // A late block of the verified piece is a harmless duplicate.
    const late = requests.find((r) => r.index === 0)!;
    expect(p.blockReceived('a', late.index, late.begin, late.length)).toMatchObject({
      expected: true,
      duplicate: true,
    });
    verify(p, 1);
    verify(p, 1);
    expect(p.complete).toBe(true);
    expect(p.inEndgame()).toBe(false);
    expect(p.nextRequests('a', 8, 0)).toEqual([]);
  });

  it('tells whether a peer has anything we need', () => {
    const have = field(100, range(0, 50));
    const p = picker({ pieceCount: 100, have });
    expect(interesting(p, 'x1', field(100, range(0, 50)))).toBe(false);
    expect(interesting(p, 'x2', field(100, [77]))).toBe(true);
    p.peerBitfield('a', field(100, [10, 60]));
    p.peerBitfield('b', field(100, [10]));
    p.peerHaveAll('c');
    expect(p.isPeerInteresting('a')).toBe(true);
    expect(p.isPeerInteresting('b')).toBe(false);
    expect(p.isPeerInteresting('c')).toBe(true);
    verify(p, 60);
    expect(p.isPeerInteresting('a')).toBe(false);
    expect(interesting(p, 'x3', field(100, [10, 60]))).toBe(false);
    // Near the end.
    for (let i = 50; i < 99; i++) verify(p, i);
    expect(interesting(p, 'x4', field(100, [99]))).toBe(true);
    expect(interesting(p, 'x5', field(100, range(0, 99)))).toBe(false);
  });

  it('rejects bad input and changes nothing', () => {
    const p = picker({ pieceCount: 4 });
    expect(() => p.peerHave('a', 4)).toThrow(RangeError);
    expect(() => p.peerHave('a', -1)).toThrow(RangeError);
    expect(() => p.peerBitfield('a', new Bitfield(5))).toThrow(RangeError);
    expect(() => p.availability(4)).toThrow(RangeError);
    expect(() => p.pieceVerified(1.5)).toThrow(RangeError);
    expect(p.nextRequests('a', 0.5, 0)).toEqual([]);
    expect(p.nextRequests('a', -1, 0)).toEqual([]);
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([0, 0, 0, 0]);
  });
});

describe('PiecePicker owns what each peer has', () => {
  it('counts each peer’s pieces from bitfield, have, have-all and departure events', () => {
    const p = picker({ pieceCount: 4 });
    expect(p.peerPieces('a')).toBe(0);
    p.peerBitfield('a', field(4, [0, 2]));
    expect(p.peerPieces('a')).toBe(2);
    expect(p.peerHave('a', 1)).toBe(true);
    expect(p.peerHave('a', 1)).toBe(false); // known already
    expect(p.peerPieces('a')).toBe(3);
    p.peerHaveAll('b');
    expect(p.peerPieces('b')).toBe(4);
    expect(p.peerHave('b', 3)).toBe(false);
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([2, 2, 2, 1]);
    p.peerBitfield('b', field(4, [3])); // replaces have-all
    expect(p.peerPieces('b')).toBe(1);
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([1, 1, 1, 1]);
    p.peerGone('a');
    expect(p.peerPieces('a')).toBe(0);
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([0, 0, 0, 1]);
  });

  it('asks a peer only for pieces it reported, and nothing of a peer that reported nothing', () => {
    const p = picker({ pieceCount: 6 });
    expect(p.nextRequests('silent', 100, 0)).toEqual([]);
    p.peerBitfield('a', field(6, [1]));
    expect(pieces(p.nextRequests('a', 100, 0))).toEqual([1]);
    p.peerHave('a', 4);
    expect(pieces(p.nextRequests('a', 100, 0))).toEqual([4]);
    p.peerHaveAll('s');
    expect(pieces(p.nextRequests('s', 16, 0)).sort()).toEqual([0, 2, 3, 5]); // 16 blocks: no endgame duplicates yet
  });

  it('reports the peers that stop being interesting when their last needed piece is verified', () => {
    const p = picker({ pieceCount: 4 });
    p.peerBitfield('a', field(4, [0, 1]));
    p.peerBitfield('b', field(4, [1]));
    p.peerBitfield('c', field(4, [2]));
    p.peerHaveAll('s');
    p.peerBitfield('none', new Bitfield(4));
    expect(verify(p, 0)).toEqual([]);
    expect(p.isPeerInteresting('a')).toBe(true);
    expect(verify(p, 1)).toEqual(['a', 'b']);
    expect(['a', 'b', 'c', 's', 'none'].map((peer) => p.isPeerInteresting(peer))).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(verify(p, 1)).toEqual([]); // twice: a no-op
    expect(verify(p, 2)).toEqual(['c']);
    // The last piece: the seed has nothing more for us either.
    expect(verify(p, 3)).toEqual(['s']);
    expect(p.isPeerInteresting('s')).toBe(false);
  });

  it('a have for a piece we lack makes a peer interesting again', () => {
    const p = picker({ pieceCount: 3 });
    p.peerBitfield('a', field(3, [0]));
    expect(verify(p, 0)).toEqual(['a']);
    p.peerHave('a', 0);
    expect(p.isPeerInteresting('a')).toBe(false);
    p.peerHave('a', 2);
    expect(p.isPeerInteresting('a')).toBe(true);
  });

  it('remembers what it asked a peer for until the block arrives, within askedLimit', () => {
    const p = picker({ pieceCount: 2, askedLimit: 3 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [r1, r2, r3, r4] = p.nextRequests('a', 4, 0);
    // The oldest request is forgotten beyond the limit.
    expect(p.takeAsked('a', r1.index, r1.begin, r1.length)).toBe(false);
    expect(p.takeAsked('b', r2.index, r2.begin, r2.length)).toBe(false);
    expect(p.takeAsked('a', r2.index, r2.begin, r2.length - 1)).toBe(false);
    expect(p.takeAsked('a', r2.index, r2.begin + 1, r2.length)).toBe(false);
    expect(p.takeAsked('a', 7, 0, r2.length)).toBe(false);
    expect(p.takeAsked('a', r2.index, r2.begin, r2.length)).toBe(true);
    expect(p.takeAsked('a', r2.index, r2.begin, r2.length)).toBe(false); // once
    // Released requests still count as asked: the block may be on its way.
    p.releasePeer('a');
    expect(p.takeAsked('a', r3.index, r3.begin, r3.length)).toBe(true);
    p.peerGone('a');
    expect(p.takeAsked('a', r4.index, r4.begin, r4.length)).toBe(false);
  });
});

describe('PiecePicker releases and timeouts', () => {
  it('gives a choking peer’s requests to another peer', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const first = p.nextRequests('a', 6, 0);
    const released = p.releasePeer('a');
    expect(released).toEqual(first);
    expect(p.outstanding('a')).toBe(0);
    // b takes them (and the never requested rest of the pieces a had started) before anything new.
    const second = p.nextRequests('b', 8, 0);
    expect(pieces(second).sort()).toEqual(pieces(first).sort());
    for (const r of first) expect(second).toContainEqual(r);
    // A block a sends after its choke still counts, and b is told to cancel it.
    const r = first[0];
    expect(p.blockReceived('a', r.index, r.begin, r.length)).toMatchObject({
      expected: true,
      duplicate: false,
      cancels: [{ peer: 'b', ...r }],
    });
    expect(p.outstanding('b')).toBe(7);
  });

  it('releases a single rejected request', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [r1, r2] = p.nextRequests('a', 2, 0);
    expect(p.release('a', r1)).toBe(true);
    expect(p.release('a', r1)).toBe(false);
    p.release('a', { index: 99, begin: 0, length: 1 });
    p.release('a', { index: r2.index, begin: r2.begin + 0.5, length: r2.length });
    p.release('a', { index: r2.index, begin: -KIB16, length: r2.length });
    expect(p.outstanding('a')).toBe(1);
    // Rejected means it will not come.
    expect(p.blockReceived('a', r1.index, r1.begin, r1.length).expected).toBe(false);
    expect(p.nextRequests('b', 1, 0)).toEqual([r1]);
    expect(p.blockReceived('a', r2.index, r2.begin, r2.length).expected).toBe(true);
  });

  it('a rejected block is not asked again of the same peer before avoidUntil, but of others at once', () => {
    const p = picker({ pieceCount: 1, pieceLength: KIB16 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [r] = p.nextRequests('a', 1, 0);
    expect(p.release('a', r, 5000)).toBe(true);
    expect(p.nextRequests('a', 1, 100)).toEqual([]);
    expect(p.nextRequests('a', 1, 5000)).toEqual([r]);
    p.release('a', r, 9000);
    expect(p.nextRequests('b', 1, 100)).toEqual([r]);
  });

  it('expires old requests so another peer gets them, and not the slow peer at once', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('slow');
    p.peerHaveAll('fast');
    const old = p.nextRequests('slow', 4, 0);
    const newer = p.nextRequests('slow', 2, 20_000);
    const expired = p.expire(30_000, 30_000);
    expect(expired).toEqual(old.map((r) => ({ peer: 'slow', ...r })));
    expect(p.outstanding('slow')).toBe(2);
    // The slow peer is not given its expired blocks again; it continues elsewhere.
    const slowAgain = p.nextRequests('slow', 4, 30_000);
    for (const r of slowAgain) expect(old).not.toContainEqual(r);
    // The fast peer takes them.
    expect(p.nextRequests('fast', 4, 30_000)).toEqual(old);
    expect(newer).toHaveLength(2);
  });

  it('lets the slow peer retry an expired block later when nobody else can fetch it', () => {
    const p = picker({ pieceCount: 1 });
    p.peerHaveAll('only');
    const [r] = p.nextRequests('only', 1, 0);
    p.expire(10_000, 10_000);
    expect(p.nextRequests('only', 1, 10_000)[0]).not.toEqual(r);
    p.nextRequests('only', 10, 10_000);
    expect(p.nextRequests('only', 10, 19_999)).toEqual([]);
    expect(p.nextRequests('only', 10, 20_000)).toEqual([r]);
  });

  it('releases a departed peer’s requests and returns them', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const requests = p.nextRequests('a', 3, 0);
    expect(p.peerGone('a')).toEqual(requests);
    expect(p.outstanding('a')).toBe(0);
    expect(p.nextRequests('b', 3, 0)).toEqual(requests);
    expect(p.blockReceived('a', requests[0].index, requests[0].begin, requests[0].length).expected).toBe(
      false,
    );
  });
});

describe('PiecePicker endgame', () => {
  it('duplicates the last requests, bounded, never twice to one peer, and cancels on arrival', () => {
    const p = picker({ pieceCount: 2, endgameDuplicates: 2 });
    for (const peer of ['a', 'b', 'c']) p.peerHaveAll(peer);
    const first = p.nextRequests('a', 100, 0);
    expect(first).toHaveLength(8);
    expect(p.inEndgame()).toBe(true);
    expect(p.nextRequests('a', 100, 0)).toEqual([]);
    const duplicates = p.nextRequests('b', 3, 0);
    expect(duplicates).toEqual(first.slice(0, 3));
    expect(p.nextRequests('b', 100, 0)).toEqual(first.slice(3));
    // Every block has two askers: c gets nothing.
    expect(p.nextRequests('c', 100, 0)).toEqual([]);
    const r = first[5];
    expect(p.blockReceived('b', r.index, r.begin, r.length)).toEqual({
      expected: true,
      duplicate: false,
      cancels: [{ peer: 'a', ...r }],
      pieceComplete: false,
    });
    expect(p.outstanding('a')).toBe(7);
    expect(p.outstanding('b')).toBe(7);
    // a's copy crossing the cancel is a duplicate, not an offence.
    expect(p.blockReceived('a', r.index, r.begin, r.length)).toMatchObject({
      expected: true,
      duplicate: true,
    });
    // A peer that leaves in endgame: its blocks stay requested from the other.
    p.peerGone('b');
    expect(p.inEndgame()).toBe(true);
    expect(p.nextRequests('c', 100, 0)).toHaveLength(7);
  });

  it('does not enter endgame while blocks are unrequested', () => {
    const p = picker({ pieceCount: 2 });
    p.peerHaveAll('a');
    p.peerBitfield('b', field(2, [0]));
    p.nextRequests('b', 100, 0);
    expect(p.inEndgame()).toBe(false);
    expect(p.nextRequests('b', 100, 0)).toEqual([]);
    p.nextRequests('a', 4, 0);
    expect(p.inEndgame()).toBe(true);
    // A released block ends endgame until it is requested again.
    p.releasePeer('b');
    expect(p.inEndgame()).toBe(false);
  });

  it('has no duplicates with endgameDuplicates 1', () => {
    const p = picker({ pieceCount: 1, endgameDuplicates: 1 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    p.nextRequests('a', 100, 0);
    expect(p.nextRequests('b', 100, 0)).toEqual([]);
  });
});

describe('PiecePicker in a random swarm', () => {
  it('downloads everything with peers coming, going, choking and timing out, never asking the wrong peer', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = mulberry32(seed);
      const pieceCount = 30;
      const totalLength = 29 * 3 * KIB16 + 1234;
      const have = new VerifiedPieces({ pieceCount, pieceLength: 3 * KIB16, length: totalLength });
      const p = newPicker({
        pieceCount,
        pieceLength: 3 * KIB16,
        totalLength,
        have,
        random,
        randomFirstPieces: 3,
        endgameDuplicates: 2,
      });
      const peers = new Map<string, Bitfield>();
      const inFlight = new Map<string, BlockRequest[]>();
      let nextPeer = 0;
      let now = 0;
      const received = new Map<number, number>(); // piece -> bytes
      for (let step = 0; step < 20_000 && !p.complete; step++) {
        now += 100;
        const roll = random();
        if (roll < 0.05 || peers.size === 0) {
          const name = `p${nextPeer++}`;
          const bits = new Bitfield(pieceCount);
          for (let i = 0; i < pieceCount; i++) if (random() < 0.4) bits.set(i);
          peers.set(name, bits);
          inFlight.set(name, []);
          p.peerBitfield(name, bits);
        } else if (roll < 0.07 && peers.size > 1) {
          const name = [...peers.keys()][Math.floor(random() * peers.size)];
          const released = p.peerGone(name);
          expect(released.length).toBe(inFlight.get(name)!.length);
          peers.delete(name);
          inFlight.delete(name);
        } else if (roll < 0.12) {
          const name = [...peers.keys()][Math.floor(random() * peers.size)];
          const index = Math.floor(random() * pieceCount);
          peers.get(name)!.set(index);
          p.peerHave(name, index);
        } else if (roll < 0.14) {
          const name = [...peers.keys()][Math.floor(random() * peers.size)];
          p.releasePeer(name);
          inFlight.set(name, []);
        } else if (roll < 0.15) {
          for (const e of p.expire(now, 2000)) {
            inFlight.set(
              e.peer,
              inFlight.get(e.peer)!.filter((r) => r.index !== e.index || r.begin !== e.begin),
            );
          }
        } else if (roll < 0.55) {
          const name = [...peers.keys()][Math.floor(random() * peers.size)];
          const bits = peers.get(name)!;
          const requests = p.nextRequests(name, 1 + Math.floor(random() * 8), now);
          for (const r of requests) {
            expect(bits.get(r.index)).toBe(true);
            expect(have.get(r.index)).toBe(false);
            expect(inFlight.get(name)!.some((q) => q.index === r.index && q.begin === r.begin)).toBe(false);
          }
          inFlight.get(name)!.push(...requests);
          expect(p.outstanding(name)).toBe(inFlight.get(name)!.length);
        } else {
          const name = [...peers.keys()][Math.floor(random() * peers.size)];
          const queue = inFlight.get(name)!;
          if (queue.length === 0) continue;
          const r = queue.shift()!;
          const result = p.blockReceived(name, r.index, r.begin, r.length);
          expect(result.expected).toBe(true);
          for (const cancel of result.cancels) {
            const list = inFlight.get(cancel.peer)!;
            const at = list.findIndex((q) => q.index === cancel.index && q.begin === cancel.begin);
            expect(at).toBeGreaterThanOrEqual(0);
            list.splice(at, 1);
          }
          if (!result.duplicate) received.set(r.index, (received.get(r.index) ?? 0) + r.length);
          if (result.pieceComplete) {
            expect(received.get(r.index)).toBe(p.pieceSize(r.index));
            received.delete(r.index);
            if (random() < 0.05) p.pieceFailed(r.index);
            else {
              const before = [...peers.keys()].filter((name) => p.isPeerInteresting(name));
              const flipped = verify(p, r.index);
              // Exactly the peers that were interesting and are no longer.
              expect([...flipped].sort()).toEqual(before.filter((name) => !p.isPeerInteresting(name)).sort());
            }
          }
        }
        for (const [name, bits] of peers) {
          // The O(1) interest counter agrees with a scan of the peer's bitfield.
          if (random() < 0.05) expect(p.isPeerInteresting(name)).toBe(hasAnyMissing(bits, have));
        }
        if (peers.size > 0 && random() < 0.01) {
          // Make sure every piece exists somewhere so the download can finish.
          const name = [...peers.keys()][0];
          p.peerHaveAll(name);
          peers.get(name)!.setAll();
        }
      }
      expect(p.complete).toBe(true);
      expect(have.complete).toBe(true);
    }
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

describe('PiecePicker endgame cost', () => {
  it('refills deep pipelines through the endgame without rescanning every outstanding block', () => {
    const pieceCount = 2000;
    const p = newPicker({
      pieceCount,
      pieceLength: 16 * KIB16,
      totalLength: pieceCount * 16 * KIB16,
      have: new Bitfield(pieceCount),
      random: mulberry32(5),
    });
    const peers = Array.from({ length: 30 }, (_, n) => ({ name: `p${n}`, queue: [] as BlockRequest[] }));
    for (const peer of peers) p.peerHaveAll(peer.name);
    let now = 0;
    let endgameOps = 0;
    let endgameWork = 0;
    let duplicates = 0;
    while (!p.complete) {
      now += 10;
      for (const peer of peers) {
        const before = p.work;
        const endgame = p.inEndgame();
        let ops = 1;
        const r = peer.queue.shift();
        if (r) {
          ops++;
          const result = p.blockReceived(peer.name, r.index, r.begin, r.length);
          if (!result.expected || result.duplicate) duplicates++;
          for (const cancel of result.cancels) {
            const queue = peers.find((q) => q.name === cancel.peer)!.queue;
            queue.splice(
              queue.findIndex((q) => q.index === cancel.index && q.begin === cancel.begin),
              1,
            );
          }
          if (result.pieceComplete) verify(p, r.index);
        }
        // One refill per arrival, up to a depth of 250, as the session does.
        const requests = p.nextRequests(peer.name, 250 - peer.queue.length, now);
        peer.queue.push(...requests);
        if (endgame) {
          endgameOps += ops + requests.length;
          endgameWork += p.work - before;
        }
      }
    }
    expect(endgameOps).toBeGreaterThan(5000);
    expect(duplicates).toBe(0); // every block was expected, and cancels reached every other asker
    expect(endgameWork / endgameOps).toBeLessThan(20);
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

describe('PiecePicker endgame when idle', () => {
  it('duplicates only for a peer with nothing outstanding, one block at a time', () => {
    const p = picker({ pieceCount: 2, endgameDuplicates: 2, endgameWhenIdle: true });
    for (const peer of ['a', 'b']) p.peerHaveAll(peer);
    const first = p.nextRequests('a', 7, 0);
    expect(p.nextRequests('b', 100, 0)).toHaveLength(1); // the last fresh block
    expect(p.inEndgame()).toBe(true);
    expect(p.nextRequests('b', 100, 0)).toEqual([]); // busy: no duplicates
    p.releasePeer('b');
    // b's block is unrequested again, so no endgame; once taken, an idle c gets one duplicate.
    p.peerHaveAll('c');
    expect(p.nextRequests('a', 100, 0)).toHaveLength(1);
    const duplicate = p.nextRequests('c', 100, 0);
    expect(duplicate).toEqual([first[0]]);
  });
});

describe('PiecePicker parole', () => {
  it('fetches a piece that failed with several senders from one peer at a time, until it verifies', () => {
    const p = picker({ pieceCount: 1 });
    const all = field(1, [0]);
    p.peerBitfield('a', all);
    p.peerBitfield('b', all);
    // First attempt: the blocks are spread over both peers.
    const first = [...p.nextRequests('a', 2, 0), ...p.nextRequests('b', 2, 0)];
    expect(first).toHaveLength(4);
    for (const r of first.slice(0, 2)) p.blockReceived('a', r.index, r.begin, r.length);
    for (const r of first.slice(2)) p.blockReceived('b', r.index, r.begin, r.length);
    p.pieceFailed(0, true);
    // On parole: the first peer to ask takes the piece; the other gets none of it while the first is at it.
    expect(p.nextRequests('b', 2, 1)).toHaveLength(2);
    expect(p.nextRequests('a', 2, 1)).toEqual([]);
    expect(p.nextRequests('b', 2, 1)).toHaveLength(2);
    // Every block is asked of its owner: no endgame duplicates go to another peer either.
    expect(p.nextRequests('a', 2, 1)).toEqual([]);
    // Its owner leaves: the next peer takes over.
    p.peerGone('b');
    expect(p.nextRequests('a', 4, 2)).toHaveLength(4);
  });

  it('without parole, a failed piece is shared among peers again', () => {
    const p = picker({ pieceCount: 1 });
    const all = field(1, [0]);
    p.peerBitfield('a', all);
    p.peerBitfield('b', all);
    const first = p.nextRequests('a', 4, 0);
    for (const r of first) p.blockReceived('a', r.index, r.begin, r.length);
    p.pieceFailed(0);
    expect(p.nextRequests('b', 2, 1)).toHaveLength(2);
    expect(p.nextRequests('a', 2, 1)).toHaveLength(2);
  });
});

describe('PiecePicker priorities and deadlines', () => {
  it('never asks for skipped pieces, and a peer with only those is not interesting', () => {
    const p = picker({ pieceCount: 4 });
    for (const index of [0, 1]) p.setPriority(index, 'skip');
    expect(interesting(p, 'a', field(4, [0, 1]))).toBe(false);
    expect(p.nextRequests('a', 10, 0)).toEqual([]);
    expect(interesting(p, 'b', field(4, [0, 1, 2, 3]))).toBe(true);
    expect(pieces(p.nextRequests('b', 100, 0)).sort()).toEqual([2, 3]);
    expect(p.wantedMissing).toBe(2);
    // Wanted again: it is interesting and asked for.
    p.setPriority(1, 'normal');
    expect(p.isPeerInteresting('a')).toBe(true);
    expect(pieces(p.nextRequests('a', 100, 0))).toEqual([1]);
    expect(p.priority(0)).toBe('skip');
    expect(p.priority(1)).toBe('normal');
  });

  it('reaches endgame once every wanted block is asked, whatever is skipped', () => {
    const p = picker({ pieceCount: 3 });
    p.setPriority(2, 'skip');
    p.peerBitfield('a', field(3, [0, 1, 2]));
    p.peerBitfield('b', field(3, [0, 1, 2]));
    const asked = p.nextRequests('a', 100, 0);
    expect(pieces(asked).sort()).toEqual([0, 1]);
    expect(p.inEndgame()).toBe(true);
    // b, idle, gets a duplicate of a wanted block, never one of the skipped piece.
    const duplicates = p.nextRequests('b', 100, 0);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(pieces(duplicates).every((index) => index !== 2)).toBe(true);
  });

  it('drops a piece skipped before any block arrived, and finishes one that had a block already', () => {
    const p = picker({ pieceCount: 4, pieceLength: 2 * KIB16 });
    p.peerBitfield('a', field(4, [0, 1, 2, 3]));
    const asked = p.nextRequests('a', 100, 0);
    expect(pieces(asked).sort()).toEqual([0, 1, 2, 3]);
    // One block of piece 1 arrives; then pieces 1 and 2 are skipped and a's requests are taken back.
    const first = asked.find((r) => r.index === 1)!;
    p.blockReceived('a', first.index, first.begin, first.length);
    p.setPriority(1, 'skip');
    p.setPriority(2, 'skip');
    p.releasePeer('a');
    const again = p.nextRequests('a', 100, 0);
    expect(pieces(again).sort()).toEqual([0, 1, 3]); // 1 is finished, 2 is not fetched
    expect(again.filter((r) => r.index === 1)).toHaveLength(1);
    // Wanted again, piece 2 is fetched like any other.
    p.setPriority(2, 'normal');
    expect(pieces(p.nextRequests('a', 100, 0))).toEqual([2]);
  });

  it('a verified skipped piece (shared with a wanted file) changes no interest', () => {
    const p = picker({ pieceCount: 2 });
    p.setPriority(1, 'skip');
    p.peerBitfield('a', field(2, [0, 1]));
    expect(verify(p, 1)).toEqual([]);
    expect(p.isPeerInteresting('a')).toBe(true);
    expect(verify(p, 0)).toEqual(['a']);
  });

  it('fetches pieces with a deadline first, earliest first, then high priority, then the rest', () => {
    const p = picker({ pieceCount: 8, pieceLength: KIB16 });
    p.peerBitfield('a', field(8, range(0, 8)));
    p.setPriority(6, 'high');
    p.setDeadline(5, 2_000);
    p.setDeadline(3, 1_000);
    expect(p.nextRequests('a', 3, 0).map((r) => r.index)).toEqual([3, 5, 6]);
    expect(p.priority(6)).toBe('high');
  });

  it('asks a second peer for the blocks of a piece past its deadline, once', () => {
    const p = picker({ pieceCount: 4 });
    p.peerBitfield('slow', field(4, range(0, 4)));
    p.peerBitfield('fast', field(4, range(0, 4)));
    p.setDeadline(2, 1_000);
    const slow = p.nextRequests('slow', 4, 0);
    expect(pieces(slow)).toEqual([2]);
    // Before the deadline the fast peer gets other pieces; after it, the late piece's blocks too.
    expect(pieces(p.nextRequests('fast', 4, 500))).not.toContain(2);
    const late = p.nextRequests('fast', 4, 1_000);
    expect(late.filter((r) => r.index === 2)).toHaveLength(4);
    expect(p.nextRequests('third', 4, 1_000).filter((r) => r.index === 2)).toEqual([]);
    // The first copy to arrive counts; the other is cancelled.
    const receipt = p.blockReceived('fast', 2, 0, KIB16);
    expect(receipt.expected).toBe(true);
    expect(receipt.cancels).toEqual([{ peer: 'slow', index: 2, begin: 0, length: KIB16 }]);
  });

  it('a deadline fetches a skipped piece, and a seek clears deadlines but keeps high priorities', () => {
    const p = picker({ pieceCount: 4, pieceLength: KIB16 });
    p.peerBitfield('a', field(4, range(0, 4)));
    p.setPriority(3, 'skip');
    p.setPriority(2, 'high');
    p.setDeadline(3, 100);
    p.setDeadline(1, 50);
    p.clearDeadlines();
    expect(p.nextRequests('a', 1, 0).map((r) => r.index)).toEqual([2]);
    p.setDeadline(3, 100);
    expect(p.nextRequests('a', 1, 0).map((r) => r.index)).toEqual([3]);
    const [r] = p.nextRequests('a', 1, 0);
    expect(r.index).not.toBe(3);
  });
});

describe('PiecePicker priorities under random use', () => {
  it('keeps interest, requests and completion consistent while priorities and deadlines change', () => {
    for (const seed of [1, 2, 3]) {
      const random = mulberry32(seed);
      const pieceCount = 24;
      const have = new VerifiedPieces({ pieceCount, pieceLength: 2 * KIB16, length: pieceCount * 2 * KIB16 });
      const p = newPicker({
        pieceCount,
        pieceLength: 2 * KIB16,
        totalLength: pieceCount * 2 * KIB16,
        have,
        random,
        endgameWhenIdle: true,
      });
      const peers = new Map<string, Bitfield>();
      for (const name of ['a', 'b', 'c']) {
        const bits = new Bitfield(pieceCount);
        for (let i = 0; i < pieceCount; i++) if (random() < 0.5) bits.set(i);
        p.peerBitfield(name, bits);
        peers.set(name, bits);
      }
      p.peerHaveAll('seed');
      peers.set('seed', Bitfield.full(pieceCount));
      const inFlight = new Map<string, BlockRequest[]>([...peers.keys()].map((n) => [n, []]));
      const received = new Map<number, Set<number>>();
      const priorities: PiecePriority[] = ['skip', 'normal', 'high'];
      let now = 0;
      const deliverOne = (name: string) => {
        const r = inFlight.get(name)!.shift();
        if (!r) return;
        const result = p.blockReceived(name, r.index, r.begin, r.length);
        expect(result.expected).toBe(true);
        for (const c of result.cancels) {
          const list = inFlight.get(c.peer)!;
          list.splice(
            list.findIndex((q) => q.index === c.index && q.begin === c.begin),
            1,
          );
        }
        if (!result.duplicate) {
          const blocks = received.get(r.index) ?? new Set<number>();
          blocks.add(r.begin);
          received.set(r.index, blocks);
        }
        if (result.pieceComplete) {
          expect(received.get(r.index)!.size).toBe(2);
          received.delete(r.index);
          verify(p, r.index);
        }
      };
      for (let step = 0; step < 3000; step++) {
        now += 10;
        const roll = random();
        const index = Math.floor(random() * pieceCount);
        const name = [...peers.keys()][Math.floor(random() * peers.size)];
        if (roll < 0.05) p.setPriority(index, priorities[Math.floor(random() * 3)]);
        else if (roll < 0.08)
          p.setDeadline(index, random() < 0.7 ? now + Math.floor(random() * 200) : undefined);
        else if (roll < 0.09) p.clearDeadlines();
        else if (roll < 0.5) {
          for (const r of p.nextRequests(name, 1 + Math.floor(random() * 4), now)) {
            expect(peers.get(name)!.get(r.index)).toBe(true);
            expect(have.get(r.index)).toBe(false);
            expect(inFlight.get(name)!.some((q) => q.index === r.index && q.begin === r.begin)).toBe(false);
            inFlight.get(name)!.push(r);
          }
        } else deliverOne(name);
        if (random() < 0.1) {
          for (const [peer, bits] of peers) {
            let needed = false;
            for (let i = 0; i < pieceCount; i++) {
              if (bits.get(i) && !have.get(i) && p.priority(i) !== 'skip') needed = true;
            }
            expect(p.isPeerInteresting(peer), `${peer} at step ${step}`).toBe(needed);
          }
        }
      }
      // Everything wanted again, no deadlines: the download completes.
      for (let i = 0; i < pieceCount; i++) p.setPriority(i, 'normal');
      p.clearDeadlines();
      for (let round = 0; round < 2000 && !p.complete; round++) {
        now += 10;
        for (const name of peers.keys()) {
          inFlight.get(name)!.push(...p.nextRequests(name, 4, now));
          deliverOne(name);
        }
      }
      expect(p.complete).toBe(true);
      expect(have.complete).toBe(true);
    }
  });
});
