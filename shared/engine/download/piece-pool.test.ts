import { describe, expect, it } from 'vitest';
import { PiecePool } from './piece-pool';

const SIZE = 1024;

describe('PiecePool', () => {
  it('lends a buffer given back again, of the size asked for', () => {
    const pool = new PiecePool(4 * SIZE);
    const a = pool.take(SIZE);
    a.fill(7);
    pool.give(a);
    expect(pool.kept).toBe(SIZE);
    expect(pool.take(SIZE - 1)).not.toBe(a);
    const again = pool.take(SIZE);
    expect(again).toBe(a);
    // Not zeroed: the next piece overwrites it.
    expect(again[0]).toBe(7);
    expect(pool.kept).toBe(0);
  });

  it('never lends a buffer twice while it is out: one given back twice comes back once', () => {
    const pool = new PiecePool(4 * SIZE);
    const a = pool.take(SIZE);
    pool.give(a);
    pool.give(a);
    expect(pool.kept).toBe(SIZE);
    const first = pool.take(SIZE);
    const second = pool.take(SIZE);
    expect(first).toBe(a);
    expect(second).not.toBe(a);
  });

  it('takes in only whole buffers it lent, still attached', () => {
    const pool = new PiecePool(4 * SIZE);
    pool.give(new Uint8Array(SIZE));
    const lent = pool.take(2 * SIZE);
    pool.give(lent.subarray(0, SIZE));
    const moved = pool.take(SIZE);
    structuredClone(moved.buffer, { transfer: [moved.buffer] });
    pool.give(moved);
    expect(pool.kept).toBe(0);
  });

  it('keeps at most its bound of free buffers, and none once drained', () => {
    const pool = new PiecePool(2 * SIZE);
    const lent = [pool.take(SIZE), pool.take(SIZE), pool.take(SIZE)];
    for (const data of lent) pool.give(data);
    expect(pool.kept).toBe(2 * SIZE);
    pool.drain();
    expect(pool.kept).toBe(0);
    expect(lent).not.toContain(pool.take(SIZE));
  });
});
