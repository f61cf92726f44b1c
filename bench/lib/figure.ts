// What every benchmark returns: figures, each a ratio against a baseline measured in the same run.

export interface Baseline {
  name: string;
  value: number | null;
}

export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  baseline: Baseline;
  /** value / baseline.value (null when either is missing). */
  ratio: number | null;
  /** The goal as text, e.g. ">= 0.8x" or "<= 0.33x"; "report" when the figure has none. */
  goal: string;
  met: boolean | null;
  /** Why the figure has no value, or what else was measured alongside it. */
  error?: string;
  note?: string;
}

export type Goal =
  | { kind: 'min'; ratio: number }
  | { kind: 'max'; ratio: number }
  | { kind: 'limit'; value: number }
  | { kind: 'none' };

export const atLeast = (ratio: number): Goal => ({ kind: 'min', ratio });
export const atMost = (ratio: number): Goal => ({ kind: 'max', ratio });
/** An absolute goal: the value itself at most `value` (e.g. heap under 150 MB), whatever the baseline. */
export const under = (value: number): Goal => ({ kind: 'limit', value });
export const noGoal: Goal = { kind: 'none' };

function goalText(goal: Goal, unit: string): string {
  if (goal.kind === 'none') return 'report';
  if (goal.kind === 'limit') return `<= ${goal.value} ${unit}`;
  const ratio = Math.abs(goal.ratio - 1 / 3) < 1e-9 ? '1/3' : String(goal.ratio);
  return `${goal.kind === 'min' ? '>=' : '<='} ${ratio}x`;
}

function metOf(goal: Goal, value: number | null, ratio: number | null): boolean | null {
  if (goal.kind === 'none') return null;
  if (goal.kind === 'limit') return value !== null && value <= goal.value;
  if (ratio === null) return false;
  return goal.kind === 'min' ? ratio >= goal.ratio : ratio <= goal.ratio;
}

/** A figure, its ratio to the baseline and whether it met `goal`; with no value, `error` says why (else `note`
 * says what else was measured). */
export function figure(
  name: string,
  value: number | null,
  unit: string,
  baseline: Baseline,
  goal: Goal,
  note?: string,
  error?: string,
): Figure {
  if (value !== null && !Number.isFinite(value)) value = null;
  if (baseline.value !== null && !Number.isFinite(baseline.value)) baseline = { ...baseline, value: null };
  const ratio =
    value !== null && baseline.value !== null && baseline.value !== 0 ? value / baseline.value : null;
  const result: Figure = {
    name,
    value,
    unit,
    baseline,
    ratio,
    goal: goalText(goal, unit),
    met: metOf(goal, value, ratio),
  };
  if (value === null && error) result.error = error;
  else if (note) result.note = note;
  return result;
}

/** A figure that could not be measured: no value, goal not met, and the reason. */
export function failedFigure(
  name: string,
  unit: string,
  baselineName: string,
  goal: Goal,
  reason: string,
  baselineValue: number | null = null,
): Figure {
  return figure(name, null, unit, { name: baselineName, value: baselineValue }, goal, undefined, reason);
}

export interface Bench {
  /** Name on the command line (`npm run bench -- <name>`). */
  name: string;
  /** What its figures measure, printed before it runs (a section of docs/performance.md). */
  figures: string;
  run(context: BenchContext): Promise<Figure[]>;
  /** Left out of `npm run bench` without names: it needs what a plain run may not have, or hours. */
  onlyWhenNamed?: boolean;
  /** The flags it reads, each with what it does in one line (`--help` lists them): `--name` or `--name=N`. */
  flags?: Readonly<Record<string, string>>;
  /** The parts of it `--only=<part>,...` chooses among, each with what it measures (lib/flags.ts, wantsPart). */
  parts?: Readonly<Record<string, string>>;
}

export interface BenchContext {
  /** The command line's flags (e.g. --tiny). */
  flags: Set<string>;
  log(message: string): void;
  /** Browser version, filled by the first bench that starts one. */
  browserVersion?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}
