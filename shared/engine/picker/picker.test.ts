import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import type { BlockRequest } from './block-geometry';
import { VerifiedPieces } from '../verify/verified-pieces';
import { mulberry32 } from '../testing/random';
import { hasAnyMissing, KIB16, newPicker, verify } from '../testing/picker';

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

describe('PiecePicker: bad blocks of a complete piece', () => {
  it('fetches only the blocks named bad again; the piece’s other blocks stay received', () => {
    const p = newPicker({
      pieceCount: 2,
      pieceLength: 4 * KIB16,
      totalLength: 8 * KIB16,
      random: mulberry32(1),
    });
    p.peerHaveAll('a');
    p.setPriority(1, 'skip');
    const asked = p.nextRequests('a', 10, 0);
    expect(asked.map((r) => [r.index, r.begin])).toEqual([0, 1, 2, 3].map((b) => [0, b * KIB16]));
    const receipts = asked.map((r) => p.receive('a', r.index, r.begin, r.length)!);
    expect(receipts.at(-1)!.pieceComplete).toBe(true);
    p.blocksFailed(0, [2]);
    expect(p.nextRequests('a', 10, 1)).toEqual([{ index: 0, begin: 2 * KIB16, length: KIB16 }]);
    expect(p.receive('a', 0, 2 * KIB16, KIB16)!.pieceComplete).toBe(true);
    // A block not received (or out of the piece) is not made missing twice.
    p.blocksFailed(0, [7]);
    expect(p.nextRequests('a', 10, 2)).toEqual([]);
  });
});
