// The printed table: Markdown, so it reads in a terminal and in the docs.
import type { Figure } from './figure';

/** A figure's number with three significant digits or so, '—' when there is none. */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 10) return value.toFixed(2);
  return value.toFixed(3);
}

/** Rows under a header, each column padded to its widest cell. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The cells every table of figures shares: figure, value, baseline, ratio, goal, met. */
export const FIGURE_COLUMNS = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met'];

export function figureCells(f: Figure): string[] {
  return [
    f.name,
    f.value === null ? `error: ${f.error ?? 'no value'}` : `${formatNumber(f.value)} ${f.unit}`,
    f.baseline.name ? `${f.baseline.name}: ${formatNumber(f.baseline.value)}` : '—',
    f.ratio === null ? '—' : `${f.ratio.toFixed(2)}x`,
    f.goal,
    f.met === null ? '—' : f.met ? 'yes' : 'NO',
  ];
}

export function formatTable(figures: Figure[]): string {
  return markdownTable(FIGURE_COLUMNS, figures.map(figureCells));
}
