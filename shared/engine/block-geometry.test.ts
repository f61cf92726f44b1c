import { describe, expect, it } from 'vitest';
import { Bitfield } from '../bitfield';
import type { BlockRequest } from './block-geometry';
import { mulberry32 } from './testing/random';
import { KIB16, newPicker } from './testing/picker';

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
