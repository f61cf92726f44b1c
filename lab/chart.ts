// A small SVG line-chart writer: axes with ticks (linear or logarithmic), a legend, solid lines for measurements and
// dashed lines for bounds. Pure string building, so the CLI writes the same SVG files the Lab page shows.
import type { Figure } from './experiments/types';

const WIDTH = 760;
const HEIGHT = 460;
const MARGIN = { top: 44, right: 24, bottom: 56, left: 72 };
const LEGEND_ROW = 20;
/** The app's colours (web/src/lib/ui/theme.css): text, muted text, frame, grid, tick marks. */
const INK = '#1d2330';
const MUTED = '#667085';
const FRAME = '#c5cad4';
const GRID = '#eef0f4';
const TICK = '#98a2b3';
const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A round step between ticks for about `count` ticks over [min, max]. */
function tickStep(min: number, max: number, count: number): number {
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
}

function stepsFrom(first: number, last: number, step: number): number[] {
  const ticks: number[] = [];
  for (let v = first; v <= last + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Round, readable tick values covering [min, max] (about `count` of them). */
export function linearTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const step = tickStep(min, max, count);
  return stepsFrom(Math.ceil(min / step) * step, max, step);
}

/** A linear axis from a tick at or below `min` to a tick at or above `max`: every value sits inside. */
export function linearAxis(
  min: number,
  max: number,
  count = 6,
): { from: number; to: number; ticks: number[] } {
  if (!(max > min)) return { from: min, to: min + 1, ticks: [min, min + 1] };
  const step = tickStep(min, max, count);
  const from = Number((Math.floor(min / step + 1e-9) * step).toPrecision(12));
  const to = Number((Math.ceil(max / step - 1e-9) * step).toPrecision(12));
  return { from, to, ticks: stepsFrom(from, to, step) };
}

/** A log axis from a round value (1, 2 or 5 times a power of ten) at or below `min` to one at or above `max`. */
export function logAxis(min: number, max: number): { from: number; to: number; ticks: number[] } {
  const few = Math.log10(max) - Math.log10(min) <= 3;
  const mults = few ? [1, 2, 5] : [1];
  const round = (e: number, m: number) => Number((m * 10 ** e).toPrecision(12));
  const below = (v: number) => {
    const e = Math.floor(Math.log10(v));
    return Math.max(...mults.map((m) => round(e, m)).filter((r) => r <= v * (1 + 1e-9)));
  };
  const above = (v: number) => {
    const e = Math.floor(Math.log10(v));
    return Math.min(
      ...[...mults.map((m) => round(e, m)), round(e + 1, 1)].filter((r) => r >= v * (1 - 1e-9)),
    );
  };
  const from = below(min);
  const to = above(max);
  return { from, to, ticks: logTicks(from, to) };
}

/** Powers of ten in [min, max], with 2 and 5 between them when the range spans few decades. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const mults = hi - lo <= 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    for (const m of mults) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}

function colorOf(series: { color?: number }, index: number): string {
  return COLORS[(series.color ?? index) % COLORS.length];
}

interface Scale {
  map: (v: number) => number;
  ticks: number[];
}

/** The axis runs from a tick below every value to a tick above every value, so no point leaves the plot. */
function scale(values: number[], log: boolean, from: number, to: number): Scale {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (log) {
    lo = Math.max(lo, 1e-9);
    if (hi <= lo) hi = lo * 10;
    const axis = logAxis(lo, hi);
    const a = Math.log10(axis.from);
    const b = Math.log10(axis.to);
    return {
      map: (v) => from + ((Math.log10(Math.max(v, 1e-9)) - a) / (b - a)) * (to - from),
      ticks: axis.ticks,
    };
  }
  if (lo > 0 && lo < hi * 0.5) lo = 0; // start at zero unless the data sit far from it
  if (hi === lo) hi = lo + 1;
  const { from: a, to: b, ticks } = linearAxis(lo, hi);
  return { map: (v) => from + ((v - a) / (b - a)) * (to - from), ticks };
}

/** The plot's frame inside the margins, in SVG units. */
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}

const PLOT: Box = {
  left: MARGIN.left,
  top: MARGIN.top,
  right: WIDTH - MARGIN.right,
  bottom: HEIGHT - MARGIN.bottom,
  width: WIDTH - MARGIN.left - MARGIN.right,
  height: HEIGHT - MARGIN.top - MARGIN.bottom,
};

/** Whether a value can be drawn on its axis: finite, and positive on a log axis. */
const usable = (v: number, log: boolean | undefined) => Number.isFinite(v) && (!log || v > 0);

/** The grid lines, tick marks and tick labels of both axes. */
function axes(sx: Scale, sy: Scale, { left, top, right, bottom }: Box): string[] {
  const out: string[] = [];
  for (const t of sx.ticks) {
    const x = sx.map(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="${GRID}"/>`);
    out.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="${TICK}"/>`);
    out.push(`<text x="${x}" y="${bottom + 18}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of sy.ticks) {
    const y = sy.map(t).toFixed(1);
    out.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="${GRID}"/>`);
    out.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="${TICK}"/>`);
    out.push(
      `<text x="${left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`,
    );
  }
  return out;
}

/** Every series as a polyline clipped to the plot, with its points marked when they are few and it is no bound. */
function seriesLines(figure: Figure, sx: Scale, sy: Scale, { left, top, width, height }: Box): string[] {
  const out: string[] = [];
  out.push(
    `<defs><clipPath id="plot-${escapeXml(figure.id)}"><rect x="${left - 4}" y="${top - 4}" width="${width + 8}" height="${height + 8}"/></clipPath></defs>`,
  );
  out.push(`<g clip-path="url(#plot-${escapeXml(figure.id)})">`);
  figure.series.forEach((series, i) => {
    const color = colorOf(series, i);
    const pts = series.points.filter(([x, y]) => usable(x, figure.logX) && usable(y, figure.logY));
    if (pts.length === 0) return;
    const path = pts.map(([x, y]) => `${sx.map(x).toFixed(1)},${sy.map(y).toFixed(1)}`).join(' ');
    const dash = series.dashed ? ' stroke-dasharray="7 5"' : '';
    out.push(
      `<polyline class="series" data-series="${escapeXml(series.name)}" data-points="${pts.length}" points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
    );
    if (pts.length <= 40 && !series.dashed) {
      for (const [x, y] of pts) {
        out.push(`<circle cx="${sx.map(x).toFixed(1)}" cy="${sy.map(y).toFixed(1)}" r="3" fill="${color}"/>`);
      }
    }
  });
  out.push('</g>');
  return out;
}

/** The plot's content: axes and series, or a note that there is nothing to draw yet. */
function plot(figure: Figure, box: Box): string[] {
  const points = figure.series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = points.map(([x]) => x).filter((x) => usable(x, figure.logX));
  const ys = points.map(([, y]) => y).filter((y) => usable(y, figure.logY));
  if (xs.length === 0 || ys.length === 0) {
    const { left, right, top, bottom } = box;
    return [
      `<text x="${(left + right) / 2}" y="${(top + bottom) / 2}" text-anchor="middle" fill="${MUTED}">no data yet</text>`,
    ];
  }
  const sx = scale(xs, !!figure.logX, box.left, box.right);
  const sy = scale(ys, !!figure.logY, box.bottom, box.top);
  return [...axes(sx, sy, box), ...seriesLines(figure, sx, sy, box)];
}

/** The legend: below the axis label, in two columns when there are many series. */
function legend(figure: Figure): string[] {
  const out: string[] = [];
  const columns = figure.series.length > 3 ? 2 : 1;
  const columnW = (WIDTH - MARGIN.left - MARGIN.right) / columns;
  figure.series.forEach((series, i) => {
    const color = colorOf(series, i);
    const x = PLOT.left + (i % columns) * columnW;
    const y = HEIGHT + LEGEND_ROW * Math.floor(i / columns) + LEGEND_ROW / 2;
    const dash = series.dashed ? ' stroke-dasharray="7 5"' : '';
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x + 26}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`,
    );
    out.push(`<text x="${x + 32}" y="${y}" dominant-baseline="middle">${escapeXml(series.name)}</text>`);
  });
  return out;
}

/** The figure as a standalone SVG document. Series without points are listed in the legend but draw nothing. */
export function renderSvg(figure: Figure): string {
  const { left, top, right, bottom, width, height } = PLOT;
  const legendRows = Math.ceil(figure.series.length / (figure.series.length > 3 ? 2 : 1));
  const totalH = HEIGHT + legendRows * LEGEND_ROW + 8;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${totalH}" width="${WIDTH}" height="${totalH}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" fill="${INK}" role="img" aria-label="${escapeXml(figure.title)}">`,
    `<rect width="${WIDTH}" height="${totalH}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(figure.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="${FRAME}"/>`,
    ...plot(figure, PLOT),
    `<text x="${(left + right) / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(figure.xLabel)}</text>`,
    `<text transform="translate(18 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(figure.yLabel)}</text>`,
    ...legend(figure),
    '</svg>',
  ];
  return out.join('\n') + '\n';
}

/** The figure's numbers as CSV in long form: one row per point (series, x, y). */
export function renderCsv(figure: Figure): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = [`series,${quote(figure.xLabel)},${quote(figure.yLabel)}`];
  for (const series of figure.series)
    for (const [x, y] of series.points) rows.push(`${quote(series.name)},${x},${y}`);
  return rows.join('\n') + '\n';
}
