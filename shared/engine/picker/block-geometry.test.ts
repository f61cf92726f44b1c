import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { BlockGeometry, type BlockRequest } from './block-geometry';
import { mulberry32 } from '../testing/random';
import { KIB16, newPicker } from '../testing/picker';

describe('PiecePicker geometry', () => {
  it('splits pieces into blocks, with a short last block and a short last piece', () => {
    // 40,000-byte pieces (not a multiple of 16 KiB) and a 5,000-byte last piece.
    const totalLength = 3 * 40_000 + 5000;
    const p = newPicker({
      pieceCount: 4,
      pieceLength: 40_000,
      totalLength,
      have: new Bitfield(4),
      random: mulberry32(2),
    });
    p.peerHaveAll('seed');
    const requests = p.nextRequests('seed', 100, 0);
    const byPiece = new Map<number, BlockRequest[]>();
    for (const r of requests) byPiece.set(r.index, [...(byPiece.get(r.index) ?? []), r]);
    expect(byPiece.size).toBe(4);
    for (const [index, blocks] of byPiece) {
      blocks.sort((a, b) => a.begin - b.begin);
      const size = index === 3 ? 5000 : 40_000;
      let offset = 0;
      for (const block of blocks) {
        expect(block.begin).toBe(offset);
        expect(block.length).toBeLessThanOrEqual(KIB16);
        offset += block.length;
      }
      expect(offset).toBe(size);
    }
    expect(byPiece.get(0)!.map((r) => r.length)).toEqual([KIB16, KIB16, 40_000 - 2 * KIB16]);
    expect(byPiece.get(3)!.map((r) => r.length)).toEqual([5000]);
    expect(requests.reduce((sum, r) => sum + r.length, 0)).toBe(totalLength);
  });

  it('handles a torrent whose length is an exact multiple of the block size but not of the piece length', () => {
    const p = newPicker({
      pieceCount: 3,
      pieceLength: 4 * KIB16,
      totalLength: 9 * KIB16,
      have: new Bitfield(3),
      random: mulberry32(3),
    });
    p.peerHaveAll('seed');
    const requests = p.nextRequests('seed', 100, 0);
    expect(requests.filter((r) => r.index === 2)).toEqual([{ index: 2, begin: 0, length: KIB16 }]);
    expect(requests).toHaveLength(9);
  });

  it('rejects inconsistent geometry', () => {
    const have = new Bitfield(4);
    const random = mulberry32(1);
    expect(() => newPicker({ pieceCount: 4, pieceLength: 100, totalLength: 401, have, random })).toThrow(
      RangeError,
    );
    expect(() => newPicker({ pieceCount: 4, pieceLength: 100, totalLength: 300, have, random })).toThrow(
      RangeError,
    );
    expect(() => newPicker({ pieceCount: 5, pieceLength: 100, totalLength: 500, have, random })).toThrow(
      RangeError,
    );
    expect(() =>
      newPicker({ pieceCount: 4, pieceLength: 100, totalLength: 400, have, random, blockSize: 0 }),
    ).toThrow(RangeError);
  });
});

describe('BlockGeometry', () => {
  // 3 pieces of 40,000 bytes (3 blocks, the last one short) and a last piece of 5,000.
  const geometry = new BlockGeometry(4, 40_000, 3 * 40_000 + 5000, KIB16);

  it('finds the block at an offset, and none at a bad index or offset', () => {
    expect(geometry.blockAt(0, 2 * KIB16)).toBe(2);
    expect(geometry.blockAt(3, 0)).toBe(0);
    expect(geometry.blockAt(3, KIB16)).toBe(-1); // the last piece has one block
    expect(geometry.blockAt(0, 100)).toBe(-1);
    expect(geometry.blockAt(4, 0)).toBe(-1);
    expect(geometry.blockAt(-1, 0)).toBe(-1);
    expect(geometry.blockAt(0.5, 0)).toBe(-1);
  });

  it('turns a block key back into its request', () => {
    const key = geometry.key(2, 2);
    expect(geometry.pieceOf(key)).toBe(2);
    expect(geometry.request(key)).toEqual({ index: 2, begin: 2 * KIB16, length: 40_000 - 2 * KIB16 });
    expect(geometry.request(geometry.key(3, 0))).toEqual({ index: 3, begin: 0, length: 5000 });
  });
});
