import { describe, expect, it } from 'vitest';
import { MAX_EARLY_PIECES, piecePriorities } from './piece-priorities';

// Three files over four 32 KiB pieces: a [0, 40 KiB), b [40 KiB, 50 KiB), c [50 KiB, 128 KiB).
const layout = {
  pieceCount: 4,
  pieceLength: 32 * 1024,
  files: [
    { path: ['a'], length: 40 * 1024, offset: 0 },
    { path: ['b'], length: 10 * 1024, offset: 40 * 1024 },
    { path: ['c'], length: 78 * 1024, offset: 50 * 1024 },
  ],
};

describe('piecePriorities', () => {
  it('is normal everywhere without file priorities or early pieces', () => {
    expect(piecePriorities(layout, undefined, [])).toEqual(['normal', 'normal', 'normal', 'normal']);
  });

  it('gives a piece the highest priority of the files it holds', () => {
    expect(piecePriorities(layout, ['skip', 'high', 'skip'], [])).toEqual(['skip', 'high', 'skip', 'skip']);
    expect(piecePriorities(layout, ['normal', 'skip', 'skip'], [])).toEqual([
      'normal',
      'normal',
      'skip',
      'skip',
    ]);
  });

  it('raises early pieces to high, unless every file they hold is skipped', () => {
    expect(piecePriorities(layout, undefined, [0, 3])).toEqual(['high', 'normal', 'normal', 'high']);
    // Piece 1 holds a and b (skipped) and c (wanted): early, so high. Piece 3 only holds c: early and wanted
    // in the first case, skipped in the second.
    expect(piecePriorities(layout, ['skip', 'skip', 'normal'], [1, 3])).toEqual([
      'skip',
      'high',
      'normal',
      'high',
    ]);
    expect(piecePriorities(layout, ['normal', 'normal', 'skip'], [1, 3])).toEqual([
      'normal',
      'high',
      'skip',
      'skip',
    ]);
  });

  it('ignores early indices outside the torrent and keeps at most MAX_EARLY_PIECES', () => {
    expect(piecePriorities(layout, undefined, [-1, 4, 1.5, NaN, 2])).toEqual([
      'normal',
      'normal',
      'high',
      'normal',
    ]);
    const many = {
      ...layout,
      pieceCount: MAX_EARLY_PIECES + 10,
      files: [{ path: ['x'], length: (MAX_EARLY_PIECES + 10) * 32 * 1024, offset: 0 }],
    };
    const all = Array.from({ length: many.pieceCount }, (_, i) => i);
    const high = piecePriorities(many, undefined, all).filter((p) => p === 'high').length;
    expect(high).toBe(MAX_EARLY_PIECES);
  });

  it('refuses file priorities of the wrong count', () => {
    expect(() => piecePriorities(layout, ['skip'], [])).toThrow(RangeError);
  });
});
