// The current figures: for each figure, its value in the latest whole run that measured it, with the run's file and
// load average. `npm run bench -- --table [<result.json>...]` prints them as the table of docs/performance.md.
import type { Figure } from './figure';
import { FIGURE_COLUMNS, figureCells, markdownTable } from './table';

/** What bench/run.ts writes to bench/results/. */
export interface RunResult {
  date: string;
  commit: string;
  benches: string[];
  flags: string[];
  machine: { cores: number; load: { start: number; end: number } };
  figures: Figure[];
}

export interface RunFile {
  /** The file's name under bench/results/. */
  file: string;
  result: RunResult;
}

export interface CurrentFigure {
  figure: Figure;
  run: RunFile;
}

/** Flags that make a run a smoke or a diagnosis: its figures are smaller or slowed by logging, not ones to keep. */
const PARTIAL_FLAGS = new Set(['--tiny', '--profile', '--log-reads']);

/** Flags that set how many samples a figure's median takes (or how long what it measures lasts), with the bench's
 * default: fewer is not a whole run. */
const SAMPLE_DEFAULTS: Record<string, number> = {
  runs: 5,
  sessions: 5,
  'memory-mib': 4096,
  'wan-mib': 128,
  'wan-runs': 1,
  'wan-playback-runs': 7,
  'keeper-runs': 3,
};

/** A run measured at the bench's full sizes and sample counts, without diagnostic logging in its way. */
export function isWholeRun(result: RunResult): boolean {
  return result.flags.every((flag) => {
    if (PARTIAL_FLAGS.has(flag)) return false;
    const match = /^--([a-z0-9-]+)=(\d+)$/.exec(flag);
    if (!match || !(match[1] in SAMPLE_DEFAULTS)) return true;
    return Number(match[2]) >= SAMPLE_DEFAULTS[match[1]];
  });
}

/** Figures no bench measures any more: each answered one question, now written down in docs/decisions/. Their
 * runs' files keep them; the table would show them as if they were still measured. */
export const RETIRED_FIGURES: readonly RegExp[] = [
  /^wan-swarm: /,
  /^Play to the first frame of a video downloading \(upload-limited seeder\)$/,
  /^tracker (idle CPU, output pipes closed|honest offer->answer under a nested-frame flood)$/,
  /^sha256: /,
  /^raw channel with the app's 256 KiB send buffer$/,
  /, vs the app of [0-9a-f]+$/,
  /^\d+ MiB tab to tab relay-only through coturn /,
  /^(upload of a seeding tab hidden|blocks flowing again after a|the downloader's peers after a) /,
  /^block-checks[:,] /,
  /seeder at 2\.4x the bitrate/,
  /^keeper RSS peak, /,
  /^webseed: \d+ MiB from a web seed alone at \d+ Mbit\/s$/,
  /^(main thread busy \(long tasks\) with|long tasks while opening) a 100,000-piece torrent/,
  /^(share \d+ MiB: file chosen to magnet link|save \d+ MiB: browser memory growth)/,
  /^storage: write, 256 KiB pieces, to a file \(OPFS\)$/,
  /^webseed: \d+ MiB from a web seed alone(, leaf hashes in the engine worker|: the hash worker|: the floor|, against the floor)/,
];

/**
 * Each figure from the latest whole run that measured it (a figure that failed in a run was not measured there), but
 * those `retired`.
 * The whole run that lists the most figures sets their order; figures it lacks follow in their own run's order.
 */
export function currentFigures(runs: RunFile[], retired = RETIRED_FIGURES): CurrentFigure[] {
  const whole = runs.filter((run) => isWholeRun(run.result));
  const newestFirst = [...whole].sort((a, b) => Date.parse(b.result.date) - Date.parse(a.result.date));
  const chosen = new Map<string, CurrentFigure>();
  for (const run of newestFirst) {
    for (const figure of run.result.figures) {
      if (figure.value === null || chosen.has(figure.name)) continue;
      if (retired.some((pattern) => pattern.test(figure.name))) continue;
      chosen.set(figure.name, { figure, run });
    }
  }
  const byOrder = [...whole].sort(
    (a, b) =>
      b.result.figures.length - a.result.figures.length ||
      Date.parse(a.result.date) - Date.parse(b.result.date),
  );
  const order = [...new Set(byOrder.flatMap((run) => run.result.figures.map((figure) => figure.name)))];
  return order.flatMap((name) => chosen.get(name) ?? []);
}

/** The current figures as a Markdown table: the figure's cells, then the run's file and its load average. */
export function formatCurrentTable(current: CurrentFigure[]): string {
  const rows = current.map(({ figure, run }) => [
    ...figureCells(figure),
    `\`${run.file}\``,
    `${run.result.machine.load.start} to ${run.result.machine.load.end} (${run.result.machine.cores} cores)`,
  ]);
  return markdownTable([...FIGURE_COLUMNS, 'run', 'load average'], rows);
}
