import { describe, expect, it } from 'vitest';
import { ChunkReader, type ShareSource } from './chunk-reader';

/** A source that records every slice read from it. */
function source(bytes: Uint8Array, slices: Array<[number, number]>, failAt?: number): ShareSource {
  return {
    size: bytes.length,
    slice: (start, end) => {
      slices.push([start, end]);
      return {
        arrayBuffer: async () => {
          if (failAt !== undefined && start === failAt) throw new Error('unreadable');
          return bytes.slice(start, end).buffer;
        },
      };
    },
  };
}

const data = Uint8Array.from({ length: 100 }, (_, i) => i);

describe('ChunkReader', () => {
  it('reads whole chunks and the next one ahead, serving reads within a chunk from it', async () => {
    const slices: Array<[number, number]> = [];
    const reader = new ChunkReader(source(data, slices), 30);
    expect(await reader.read(0, 10)).toEqual(data.subarray(0, 10));
    expect(await reader.read(10, 20)).toEqual(data.subarray(10, 30));
    expect(slices).toEqual([
      [0, 30],
      [30, 60],
    ]);
    expect(await reader.read(30, 30)).toEqual(data.subarray(30, 60));
    expect(slices).toEqual([
      [0, 30],
      [30, 60],
      [60, 90],
    ]);
  });

  it('reads a span longer than a chunk in one slice, and stops at the end of the file', async () => {
    const slices: Array<[number, number]> = [];
    const reader = new ChunkReader(source(data, slices), 30);
    expect(await reader.read(0, 80)).toEqual(data.subarray(0, 80));
    expect(await reader.read(80, 20)).toEqual(data.subarray(80, 100));
    expect(slices).toEqual([
      [0, 80],
      [80, 100],
    ]);
  });

  it('reports a chunk that cannot be read when it is read, not when it was read ahead', async () => {
    const reader = new ChunkReader(source(data, [], 30), 30);
    await expect(reader.read(0, 30)).resolves.toEqual(data.subarray(0, 30));
    await expect(reader.read(30, 30)).rejects.toThrow('unreadable');
  });
});
