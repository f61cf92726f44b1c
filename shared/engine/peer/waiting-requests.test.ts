import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../codec/wire';
import { WaitingRequests, type PieceRank } from './waiting-requests';

const block = (index: number, begin = 0) => ({ index, begin, length: BLOCK_SIZE });

/** A ranking from arrays the test changes; `epoch` moves when the test says a count fell. */
function ranking(pieces: number) {
  const sent = new Array<number>(pieces).fill(0);
  const copies = new Array<number>(pieces).fill(0);
  const rank: PieceRank & { epoch: number } = {
    sent: (index) => sent[index],
    copies: (index) => copies[index],
    epoch: 0,
  };
  return { sent, copies, rank };
}

describe('WaitingRequests (one peer’s requests waiting for a read)', () => {
  it('keeps arrival order for the oldest, and a block only once', () => {
    const waiting = new WaitingRequests();
    waiting.add(block(3), 10);
    waiting.add(block(1), 20);
    waiting.add(block(3), 30);
    expect(waiting.size).toBe(2);
    expect(waiting.oldest()).toMatchObject({ request: block(3), since: 10 });
    waiting.remove(3, 0);
    expect(waiting.oldest()).toMatchObject({ request: block(1), since: 20 });
    expect([...waiting.inArrivalOrder()].map((w) => w.request.index)).toEqual([1]);
  });

  it('gives the least sent piece first, then the one with fewest copies, then the oldest', () => {
    const { sent, copies, rank } = ranking(4);
    const waiting = new WaitingRequests();
    for (const index of [0, 1, 2, 3]) waiting.add(block(index), index);
    sent[0] = 1;
    copies[1] = 2;
    copies[2] = 1;
    copies[3] = 1;
    expect(waiting.best(rank)?.request.index).toBe(2);
    waiting.remove(2, 0);
    expect(waiting.best(rank)?.request.index).toBe(3);
    waiting.remove(3, 0);
    expect(waiting.best(rank)?.request.index).toBe(1);
  });

  it('follows ranks that grow without being told, and ranks that fall when the epoch moves', () => {
    const { sent, copies, rank } = ranking(3);
    const waiting = new WaitingRequests();
    for (const index of [0, 1, 2]) waiting.add(block(index), 0);
    expect(waiting.best(rank)?.request.index).toBe(0);
    sent[0] = 2; // a block of piece 0 went out twice: it ranks last now
    sent[1] = 1;
    expect(waiting.best(rank)?.request.index).toBe(2);
    sent[2] = 1;
    copies[2] = 5; // as often sent as piece 1, but more common
    expect(waiting.best(rank)?.request.index).toBe(1);
    sent[0] = 0; // a fall the heap is not told of stays unseen ...
    expect(waiting.best(rank)?.request.index).toBe(1);
    rank.epoch++; // ... until the epoch moves
    expect(waiting.best(rank)?.request.index).toBe(0);
  });

  it('removes from the middle of the heap and empties', () => {
    const { copies, rank } = ranking(40);
    const waiting = new WaitingRequests();
    for (let i = 0; i < 40; i++) {
      copies[i] = (i * 7) % 11;
      waiting.add(block(i), i);
    }
    for (let i = 0; i < 40; i += 3) expect(waiting.remove(i, 0)?.request.index).toBe(i);
    expect(waiting.remove(0, 0)).toBeUndefined();
    const order: number[] = [];
    for (let top = waiting.best(rank); top; top = waiting.best(rank)) {
      order.push(top.request.index);
      waiting.remove(top.request.index, 0);
    }
    const expected = Array.from({ length: 40 }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .sort((a, b) => copies[a] - copies[b] || a - b);
    expect(order).toEqual(expected);
    waiting.add(block(1), 0);
    expect(waiting.clear()).toEqual([block(1)]);
    expect(waiting.size).toBe(0);
    expect(waiting.oldest()).toBeUndefined();
  });

  it('finds the oldest after many removals at the front (the arrival list compacts)', () => {
    const waiting = new WaitingRequests();
    for (let i = 0; i < 500; i++) waiting.add(block(i), i);
    for (let i = 0; i < 490; i++) {
      expect(waiting.oldest()?.request.index).toBe(i);
      waiting.remove(i, 0);
    }
    expect([...waiting.inArrivalOrder()].map((w) => w.request.index)).toEqual([
      490, 491, 492, 493, 494, 495, 496, 497, 498, 499,
    ]);
  });
});
