import { describe, expect, it } from 'vitest';
import { readSpan } from '../../../../shared/codec/metainfo';
import { subtleSha1, subtleSha256 } from '../../lib/hash';
import { zeroSource } from '../storage/shared-files';
import { hybridLength, shareFiles } from './share-files';

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

  it('makes a hybrid (files in canonical order, pad files), storing each v1 piece whole, pads as zeros', async () => {
    const piece = 16 * 1024;
    const files = [
      { file: new Blob([bytes(piece + 10, 5)]), path: ['z.bin'] },
      { file: new Blob([bytes(3 * piece, 6)]), path: ['a', 'b.bin'] },
      { file: new Blob([bytes(100, 7)]), path: ['m.bin'] },
    ];
    const stored = new Map<number, Uint8Array>();
    const info = await shareFiles(files, {
      name: 'mixed',
      sha1: subtleSha1,
      sha256: subtleSha256,
      pieceLength: piece,
      readChunkBytes: 2 * piece,
      storePiece: async (index, data) => void stored.set(index, new Uint8Array(data)),
    });
    // a/b.bin, m.bin, z.bin: 3 + 1 + 2 pieces, every file padded to a piece.
    expect(info.files.filter((f) => !f.pad).map((f) => f.path.join('/'))).toEqual([
      'a/b.bin',
      'm.bin',
      'z.bin',
    ]);
    expect(info.files.filter((f) => f.pad).length).toBe(2);
    expect(info.length).toBe(hybridLength(files, 'mixed', piece));
    expect(info.pieceCount).toBe(6);
    expect(new TextDecoder().decode(info.infoBytes)).toContain('12:meta versioni2e');
    // Each stored piece is the v1 view's bytes there (pads read as zeros) and matches its SHA-1.
    const byPath = new Map(files.map((f) => [f.path.join('/'), f.file]));
    const sources = info.files.map((f) =>
      f.pad
        ? zeroSource(f.path, f.length)
        : {
            path: f.path,
            length: f.length,
            read: async (at: number, n: number) =>
              new Uint8Array(
                await byPath
                  .get(f.path.join('/'))!
                  .slice(at, at + n)
                  .arrayBuffer(),
              ),
          },
    );
    const offsets = info.files.map((f) => f.offset);
    expect(stored.size).toBe(6);
    for (let index = 0; index < 6; index++) {
      const expected = await readSpan(sources, offsets, index * piece, (index + 1) * piece);
      expect(stored.get(index)).toEqual(expected);
      expect(await subtleSha1(stored.get(index)!)).toEqual(info.pieces.subarray(index * 20, index * 20 + 20));
    }
  });
});
