// What every experiment returns: figures (series of points, the bounds dashed), headline numbers and a summary.
import type { SyncHash } from '../sim/hash';

export interface Series {
  name: string;
  points: Array<[number, number]>;
  /** Bounds and references are drawn dashed. */
  dashed?: boolean;
  /** Palette index (default: the series' position), so that a bound can share its measurement's colour. */
  color?: number;
}

export interface Figure {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  series: Series[];
}

export type Headline = Record<string, number | string | boolean>;

export interface ExperimentResult {
  experiment: string;
  params: Record<string, unknown>;
  figures: Figure[];
  headline: Headline;
  /** Markdown: a short paragraph and a table of the numbers behind the figures. */
  summary: string;
}

export interface RunContext {
  hash: SyncHash;
  /** Called with the figures so far whenever a new point is ready (the Lab page redraws live). */
  progress?: (figures: Figure[], note: string) => void;
  /** A cache of runs by key (their outcome as plain data): what `compute` returns, or the same run's outcome kept
   * from another process. Runs are deterministic, so a cached outcome is the one `compute` would give. */
  memo?: <T>(key: string, compute: () => T) => T;
}

export interface Experiment<P> {
  name: string;
  title: string;
  /** Parameters for `npm run lab -- all` (a few minutes on 2 cores). */
  defaults: P;
  /** Small sizes for the browser's Lab page. */
  small: P;
  run(params: P, context: RunContext): ExperimentResult;
  /** Its independent runs, for other processes to compute into the run cache (`--jobs`); each `key` is the one `run`
   * asks `context.memo` for. */
  tasks?(params: P, context: RunContext): Array<{ key: string; compute: () => unknown }>;
}
