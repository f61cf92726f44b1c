import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import type { BlockRequest } from './block-geometry';
import { mulberry32 } from '../testing/random';
import { KIB16, field, newPicker, verify, picker } from '../testing/picker';

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
      askedAt: 0,
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
