import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import type { BlockRequest } from './block-geometry';
import type { PiecePriority } from './priorities';
import { VerifiedPieces } from '../verify/verified-pieces';
import { mulberry32 } from '../testing/random';
import { KIB16, field, range, newPicker, verify, picker, interesting, pieces } from '../testing/picker';

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

  it('fetches high pieces by their rank, by index without one, and takes a new rank', () => {
    const p = picker({ pieceCount: 8, pieceLength: KIB16 });
    p.peerBitfield('a', field(8, range(0, 8)));
    // A player's first piece, then the end of its file, then the rest of its start.
    p.setPriority(0, 'high', 0);
    p.setPriority(7, 'high', 1);
    p.setPriority(1, 'high', 2);
    p.setPriority(5, 'high');
    p.setPriority(3, 'high');
    expect(p.nextRequests('a', 3, 0).map((r) => r.index)).toEqual([0, 7, 1]);
    // Unranked ones rank by their index: 3, then 5, after the ranked ones.
    expect(p.nextRequests('a', 2, 0).map((r) => r.index)).toEqual([3, 5]);
    const q = picker({ pieceCount: 4, pieceLength: KIB16 });
    q.peerBitfield('a', field(4, range(0, 4)));
    q.setPriority(1, 'high', 5);
    q.setPriority(2, 'high', 6);
    q.setPriority(2, 'high', 0); // re-ranked ahead
    expect(q.nextRequests('a', 2, 0).map((r) => r.index)).toEqual([2, 1]);
    expect(q.priority(2)).toBe('high');
    expect(() => q.setPriority(3, 'high', -1)).toThrow(RangeError);
    expect(() => q.setPriority(3, 'high', 0.5)).toThrow(RangeError);
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

  it('a seek releases a peer’s requests but those of the pieces it keeps', () => {
    const p = picker({ pieceCount: 4, pieceLength: KIB16 });
    p.peerBitfield('a', field(4, range(0, 4)));
    expect(pieces(p.nextRequests('a', 4, 0)).sort()).toEqual([0, 1, 2, 3]);
    const released = p.releasePeer('a', (index) => index === 2);
    expect(released.map((r) => r.index).sort()).toEqual([0, 1, 3]);
    expect(p.outstanding('a')).toBe(1);
    // The released ones are asked again; the kept one is not asked twice.
    expect(pieces(p.nextRequests('a', 4, 0)).sort()).toEqual([0, 1, 3]);
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
