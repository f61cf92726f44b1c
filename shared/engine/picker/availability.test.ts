import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { Availability, newPeerPieces } from './availability';
import { BlockGeometry } from './block-geometry';
import { mulberry32 } from '../testing/random';
import { KIB16, field, pieces, picker, verify } from '../testing/picker';
import type { PiecePicker } from './picker';

/** Was the block asked of the peer and not yet answered? (The picker's `receive` answers undefined when not.) */
const asked = (p: PiecePicker, peer: string, index: number, begin: number, length: number): boolean =>
  p.receive(peer, index, begin, length) !== undefined;

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
    expect(asked(p, 'a', r1.index, r1.begin, r1.length)).toBe(false);
    expect(asked(p, 'b', r2.index, r2.begin, r2.length)).toBe(false);
    expect(asked(p, 'a', r2.index, r2.begin, r2.length - 1)).toBe(false);
    expect(asked(p, 'a', r2.index, r2.begin + 1, r2.length)).toBe(false);
    expect(asked(p, 'a', 7, 0, r2.length)).toBe(false);
    expect(asked(p, 'a', r2.index, r2.begin, r2.length)).toBe(true);
    expect(asked(p, 'a', r2.index, r2.begin, r2.length)).toBe(false); // once
    // Released requests still count as asked: the block may be on its way.
    p.releasePeer('a');
    expect(asked(p, 'a', r3.index, r3.begin, r3.length)).toBe(true);
    p.peerGone('a');
    expect(asked(p, 'a', r4.index, r4.begin, r4.length)).toBe(false);
  });

  it('past askedLimit with every request out, forgets the oldest, and an answered one again once a request left', () => {
    const p = picker({ pieceCount: 8, pieceLength: KIB16, askedLimit: 3 });
    p.peerHaveAll('a');
    const [r1, r2, r3, r4] = p.nextRequests('a', 5, 0);
    // Every request still out: the oldest go.
    expect(asked(p, 'a', r1.index, r1.begin, r1.length)).toBe(false);
    expect(asked(p, 'a', r2.index, r2.begin, r2.length)).toBe(false);
    // r4 leaves 'a' (to 'b'); the next ask of 'a' forgets r4, not r3, which is still out.
    p.releasePeer('a', (index) => index !== r4.index);
    p.peerBitfield('b', field(8, [r4.index]));
    expect(pieces(p.nextRequests('b', 1, 0))).toEqual([r4.index]);
    expect(p.nextRequests('a', 1, 0)).toHaveLength(1);
    expect(asked(p, 'a', r4.index, r4.begin, r4.length)).toBe(false);
    expect(asked(p, 'a', r3.index, r3.begin, r3.length)).toBe(true);
  });
});

describe('Availability', () => {
  const geometry = new BlockGeometry(8, 16, 8 * 16, 16);
  /** Every piece fresh. */
  const setup = () => {
    const availability = new Availability(geometry, mulberry32(7));
    for (let i = 0; i < 8; i++) availability.addFresh(i);
    return availability;
  };
  const buckets = (a: Availability) => a.buckets.map((bucket) => [...bucket].sort((x, y) => x - y));

  it('moves fresh pieces between buckets as peers come and go, seeds on top', () => {
    const a = setup();
    const peer = newPeerPieces(8);
    a.addField(peer, field(8, [1, 2]), () => true);
    expect(buckets(a)).toEqual([
      [0, 3, 4, 5, 6, 7],
      [1, 2],
    ]);
    expect([peer.count, peer.needed, peer.candidates]).toEqual([2, 2, [1, 2]]);
    expect(a.addPiece(peer, 2, true)).toBe(false); // known already
    expect(a.addPiece(peer, 5, false)).toBe(true);
    expect([peer.count, peer.needed]).toEqual([3, 2]);
    const seed = newPeerPieces(8);
    a.addAll(seed);
    expect([a.availability(0), a.availability(5), a.seeds]).toEqual([1, 2, 1]);
    expect(a.piecesOf(seed).count()).toBe(8);
    const rarity = a.rarityGeneration;
    a.forget(peer);
    expect(buckets(a)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], []]);
    expect([peer.count, peer.needed, peer.has.count(), a.rarityGeneration]).toEqual([0, 0, 0, rarity + 1]);
  });

  it('keeps no position for a piece that is not fresh', () => {
    const a = setup();
    a.removeFresh(3);
    expect([a.isFresh(3), a.freshCount]).toEqual([false, 7]);
    const peer = newPeerPieces(8);
    a.addField(peer, field(8, [3, 4]), () => true);
    expect(peer.candidates).toEqual([4]); // only fresh pieces are candidates
    expect(buckets(a)[1]).toEqual([4]);
  });
});
