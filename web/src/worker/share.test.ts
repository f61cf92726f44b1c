import { describe, expect, it } from 'vitest';
import { subtleSha1 } from '../lib/hash';
import { shareFiles } from './share';

function bytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 11 + seed * 29) & 0xff;
  return out;
}

describe('shareFiles', () => {
  it('stores every piece whole, across read chunks and file boundaries, each matching its hash', async () => {
    const a = bytes(1000, 1);
    const b = bytes(777, 2);
    const all = new Uint8Array(1777);
    all.set(a);
    all.set(b, 1000);
    const stored = new Map<number, Uint8Array>();
    const info = await shareFiles(
      [
        { file: new Blob([a]), path: ['a'] },
        { file: new Blob([b]), path: ['b'] },
      ],
      {
        name: 'pair',
        sha1: subtleSha1,
        pieceLength: 64,
        // Chunks that are not a multiple of the piece length, and pending stores held to a few pieces.
        readChunkBytes: 100,
        maxPendingBytes: 200,
        storePiece: async (index, data) => void stored.set(index, new Uint8Array(data)),
      },
    );
    expect(stored.size).toBe(info.pieceCount);
    for (let index = 0; index < info.pieceCount; index++) {
      const piece = stored.get(index)!;
      expect(piece).toEqual(all.subarray(index * 64, Math.min(1777, index * 64 + 64)));
      expect(piece.buffer.byteLength).toBe(piece.length); // a buffer of its own, not a view of a chunk
      expect(await subtleSha1(piece)).toEqual(info.pieces.subarray(index * 20, index * 20 + 20));
    }
  });

  it('only hashes when nothing is to be stored (a share read in place)', async () => {
    const data = bytes(5000, 3);
    const info = await shareFiles([{ file: new Blob([data]), path: ['x'] }], {
      name: 'x',
      sha1: subtleSha1,
      pieceLength: 1024,
      readChunkBytes: 3000,
    });
    expect(info.pieceCount).toBe(5);
    expect(await subtleSha1(data.subarray(4096))).toEqual(info.pieces.subarray(80, 100));
  });

  it('fails the share when a store fails', async () => {
    await expect(
      shareFiles([{ file: new Blob([bytes(300, 4)]), path: ['x'] }], {
        name: 'x',
        sha1: subtleSha1,
        pieceLength: 64,
        storePiece: async (index) => {
          if (index === 2) throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
  });
});
