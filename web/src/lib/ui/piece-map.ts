// The piece map's picture: one square cell per piece, in rows across the map's width, coloured by what we know of
// the piece (have it, nobody connected has it, or how rare it is among the peers). Painted into an RGBA pixel buffer
// (an ImageData's) that the component puts on its canvas in one call: filling each cell through the canvas's
// `fillStyle` (a colour string parsed per cell) cost the page 25 to 45 ms a refresh at a download's start, when every
// cell changes and the page's main thread is what starts a player (docs/performance.md).

/** The map's grid for `pieces` pieces across `width` CSS pixels: cells of at least 2 pixels, about 6 wide. */
export interface PieceMapLayout {
  columns: number;
  rows: number;
  /** A cell's side, pixels (its last row and column are the gap to the next cell). */
  cell: number;
}

export function pieceMapLayout(pieces: number, width: number): PieceMapLayout {
  const n = Math.max(1, pieces);
  const w = width > 0 && Number.isFinite(width) ? width : 600;
  const columns = Math.min(n, Math.max(1, Math.floor(w / 6)));
  return { columns, rows: Math.ceil(n / columns), cell: Math.max(2, Math.floor(w / columns)) };
}

export const sameLayout = (a: PieceMapLayout | undefined, b: PieceMapLayout): boolean =>
  a !== undefined && a.columns === b.columns && a.rows === b.rows && a.cell === b.cell;

type Rgb = readonly [number, number, number];

const HAVE: Rgb = [0x2f, 0x9e, 0x6e];
const NOBODY: Rgb = [0xe9, 0xd9, 0xd6];
/** A missing piece: the amber of hsl(38 85% L%), L from 78 % (common) down to 50 % (rarest). */
const HUE = 38;
const SATURATION = 0.85;

/** hsl(h s l) as RGB bytes (CSS Color 4's conversion). */
function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

const amber = new Map<number, Rgb>();

/** The colour of a piece with availability `a` (-1: we have it; else the peers that have it), `maxAvail` being the
 * highest count among the pieces. */
export function pieceColor(a: number, maxAvail: number): Rgb {
  if (a === -1) return HAVE;
  if (a <= 0) return NOBODY;
  // Rarer pieces are drawn darker.
  const rarity = 1 - (a - 1) / Math.max(1, maxAvail);
  const lightness = Math.round(78 - rarity * 28);
  let rgb = amber.get(lightness);
  if (!rgb) amber.set(lightness, (rgb = hslToRgb(HUE, SATURATION, lightness / 100)));
  return rgb;
}

/** The highest availability in the list (at least 1). */
export function maxAvailability(list: readonly number[]): number {
  let max = 1;
  for (const a of list) if (a > max) max = a;
  return max;
}

/** What a picture shows now: the list and the highest availability it was coloured by. */
export interface PaintedMap {
  list: readonly number[];
  maxAvail: number;
}

/**
 * Paints `list` into `pixels` (RGBA, `layout.columns × layout.cell` pixels wide): every cell, or with `previous`
 * (the picture as it stands, same layout) only the cells whose piece changed, unless the colour scale moved. The
 * gap of each cell is left as it is (transparent in a new buffer). Returns the cells painted and what now shows.
 */
export function paintPieceMap(
  pixels: Uint8ClampedArray,
  layout: PieceMapLayout,
  list: readonly number[],
  previous?: PaintedMap,
): { painted: number; now: PaintedMap } {
  const { columns, cell } = layout;
  const stride = columns * cell * 4;
  const maxAvail = maxAvailability(list);
  const partial =
    previous !== undefined && previous.list.length === list.length && previous.maxAvail === maxAvail;
  let painted = 0;
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (partial && previous.list[i] === a) continue;
    const [r, g, b] = pieceColor(a, maxAvail);
    const x0 = (i % columns) * cell;
    const y0 = Math.floor(i / columns) * cell;
    for (let y = y0; y < y0 + cell - 1; y++) {
      let at = y * stride + x0 * 4;
      for (let x = 0; x < cell - 1; x++) {
        pixels[at] = r;
        pixels[at + 1] = g;
        pixels[at + 2] = b;
        pixels[at + 3] = 255;
        at += 4;
      }
    }
    painted++;
  }
  return { painted, now: { list, maxAvail } };
}
