import { describe, expect, it } from 'vitest';
import { PieceCollector } from './piece-collector';

const data = Uint8Array.from({ length: 25 }, (_, i) => i + 1);

function collector() {
  const stored = new Map<number, Uint8Array>();
  const pieces = new PieceCollector(10, data.length, async (index, bytes) => {
    expect(stored.has(index)).toBe(false);
    stored.set(index, new Uint8Array(bytes));
  });
  return { pieces, stored };
}

describe('PieceCollector', () => {
  it('stores a piece read whole in one buffer of its own', async () => {
    const { pieces, stored } = collector();
    const chunk = data.subarray(0, 20);
    await pieces.collect(0, chunk);
    expect([...stored.keys()]).toEqual([0, 1]);
    expect(stored.get(1)).toEqual(data.subarray(10, 20));
    expect(pieces.pending).toBe(0);
  });

  it('assembles a piece spread over reads (two files meeting inside it), and the short last piece', async () => {
    const { pieces, stored } = collector();
    await pieces.collect(0, data.subarray(0, 7)); // the first file ends inside piece 0
    expect(stored.size).toBe(0);
    expect(pieces.pending).toBe(1);
    await pieces.collect(7, data.subarray(7, 13));
    expect(stored.get(0)).toEqual(data.subarray(0, 10));
    expect(pieces.pending).toBe(1);
    await pieces.collect(13, data.subarray(13, 25));
    expect(stored.get(1)).toEqual(data.subarray(10, 20));
    expect(stored.get(2)).toEqual(data.subarray(20, 25));
    expect(pieces.pending).toBe(0);
  });
});
