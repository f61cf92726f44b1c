import { describe, expect, it } from 'vitest';
import { paintPieceMap, pieceColor, pieceMapLayout } from './piece-map';

/** The RGBA of pixel (x, y) in a picture `width` pixels wide. */
const pixel = (pixels: Uint8ClampedArray, width: number, x: number, y: number) => [
  ...pixels.subarray((y * width + x) * 4, (y * width + x) * 4 + 4),
];

describe('the piece map picture', () => {
  it('lays cells of about 6 pixels across the width, at least 2, never more columns than pieces', () => {
    expect(pieceMapLayout(1500, 600)).toEqual({ columns: 100, rows: 15, cell: 6 });
    expect(pieceMapLayout(3, 600)).toEqual({ columns: 3, rows: 1, cell: 200 });
    expect(pieceMapLayout(100_000, 300)).toEqual({ columns: 50, rows: 2000, cell: 6 });
    // No width measured yet: 600.
    expect(pieceMapLayout(10, 0)).toEqual(pieceMapLayout(10, 600));
  });

  it('colours what we have green, what nobody has pale, and rarer missing pieces darker (the CSS hsl amber)', () => {
    expect(pieceColor(-1, 4)).toEqual([0x2f, 0x9e, 0x6e]);
    expect(pieceColor(0, 4)).toEqual([0xe9, 0xd9, 0xd6]);
    // hsl(38 85% 50%), the rarest (one peer of four): chroma 0.85, m 0.075, so rgb(236, 156, 19).
    expect(pieceColor(1, 4)).toEqual([236, 156, 19]);
    const lightness = (rgb: readonly number[]) => Math.max(...rgb) + Math.min(...rgb);
    expect(lightness(pieceColor(4, 4))).toBeGreaterThan(lightness(pieceColor(2, 4)));
  });

  it('paints each cell but its gap, then only the cells that changed', () => {
    const layout = pieceMapLayout(4, 24); // 4 columns of 6 pixels
    const width = layout.columns * layout.cell;
    const pixels = new Uint8ClampedArray(width * layout.rows * layout.cell * 4);
    const first = paintPieceMap(pixels, layout, [-1, 0, 2, 2]);
    expect(first.painted).toBe(4);
    expect(pixel(pixels, width, 0, 0)).toEqual([0x2f, 0x9e, 0x6e, 255]);
    expect(pixel(pixels, width, 4, 4)).toEqual([0x2f, 0x9e, 0x6e, 255]);
    expect(pixel(pixels, width, 5, 0)).toEqual([0, 0, 0, 0]); // the gap
    expect(pixel(pixels, width, 6, 0)).toEqual([0xe9, 0xd9, 0xd6, 255]);
    // Piece 1 arrives: one cell is painted again.
    const second = paintPieceMap(pixels, layout, [-1, -1, 2, 2], first.now);
    expect(second.painted).toBe(1);
    expect(pixel(pixels, width, 6, 0)).toEqual([0x2f, 0x9e, 0x6e, 255]);
    // A piece now rarer than the others moves the scale: every cell is painted again.
    expect(paintPieceMap(pixels, layout, [-1, -1, 1, 3], second.now).painted).toBe(4);
    expect(pixel(pixels, width, 12, 0)).toEqual([...pieceColor(1, 3), 255]);
  });
});
