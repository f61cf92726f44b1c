// The printed table (also pasted into docs/performance.md): Markdown, so it reads in a terminal and in the docs.
import type { Figure } from './figure';

function number(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 10) return value.toFixed(2);
  return value.toFixed(3);
}

export function formatTable(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    f.value === null ? `error: ${f.error ?? 'no value'}` : `${number(f.value)} ${f.unit}`,
    f.baseline.name ? `${f.baseline.name}: ${number(f.baseline.value)}` : '—',
    f.ratio === null ? '—' : `${f.ratio.toFixed(2)}x`,
    f.goal,
    f.met === null ? '—' : f.met ? 'yes' : 'NO',
  ]);
  const header = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
