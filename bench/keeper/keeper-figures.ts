// The keeper section's figures from its runs: the keeper's rate serving a tab against a tab's, at the run whose ratio
// is the median; CPU per MB served, the medians of the runs.
import { atLeast, figure, median, noGoal, type Figure } from '../lib/figure';
import { medianBy } from '../lib/session';

/** The goal: serving at least 0.8x a tab's rate. */
export const SERVE_GOAL = 0.8;

/** One run: a tab seeding the file to a tab, then the keeper seeding its copy to a fresh tab. */
export interface ServeRun {
  /** MB/s of each download; null when it failed. */
  tabRate: number | null;
  keeperRate: number | null;
  /** CPU ms per MB served: the seeding tab's Chromium (every process of it), the keeper process. */
  tabCpuMsPerMB: number | null;
  keeperCpuMsPerMB: number | null;
  failure?: string;
}

const ratioOf = (run: ServeRun): number | null =>
  run.keeperRate !== null && run.tabRate !== null && run.tabRate > 0 ? run.keeperRate / run.tabRate : null;

/** The run at the median ratio of keeper to tab (the lower middle for an even count); a run with a failed keeper
 * download counts as the worst, a run without a tab baseline is left out. */
export function medianRun(runs: ServeRun[]): ServeRun | undefined {
  return medianBy(runs, (run) => (run.tabRate === null ? null : (ratioOf(run) ?? -1))).median;
}

const values = (runs: ServeRun[], of: (run: ServeRun) => number | null): number[] =>
  runs.flatMap((run) => {
    const value = of(run);
    return value === null ? [] : [value];
  });

function perRun(runs: ServeRun[]): string {
  return runs.map((run, i) => `run ${i + 1}: ${ratioOf(run)?.toFixed(2) ?? 'failed'}x`).join(', ');
}

/** The serving figures: the rate (median run) and CPU per MB served (medians), each noting `load`. */
export function serveFigures(runs: ServeRun[], label: string, load: string): Figure[] {
  const run = medianRun(runs);
  const failure = runs.find((r) => r.failure)?.failure ?? 'no run';
  const keeperCpu = values(runs, (r) => r.keeperCpuMsPerMB);
  const tabCpu = values(runs, (r) => r.tabCpuMsPerMB);
  const orNull = (list: number[]) => (list.length > 0 ? median(list) : null);
  const each = (list: number[]) => list.map((v) => v.toFixed(1)).join(', ');
  return [
    figure(
      `keeper seeding ${label} to a tab, vs a tab`,
      run?.keeperRate ?? null,
      'MB/s',
      { name: 'a tab seeding it to a tab', value: run?.tabRate ?? null },
      atLeast(SERVE_GOAL),
      `median of ${runs.length} run(s) (${perRun(runs)}); ${load}`,
      failure,
    ),
    figure(
      `keeper CPU per MB served, ${label} to a tab`,
      orNull(keeperCpu),
      'CPU-ms/MB',
      { name: "seeding tab's Chromium", value: orNull(tabCpu) },
      noGoal,
      `medians of ${runs.length} run(s): keeper ${each(keeperCpu)}; tab ${each(tabCpu)} CPU-ms/MB; ${load}`,
      failure,
    ),
  ];
}

/** The keeper's fetch of the share from the sharing tab, against a tab downloading it from a tab. */
export function fetchFigure(
  label: string,
  seconds: number[],
  size: number,
  tabRates: number[],
  load: string,
): Figure {
  return figure(
    `keeper fetching ${label} from a tab`,
    seconds.length > 0 ? size / 1e6 / median(seconds) : null,
    'MB/s',
    { name: 'a tab downloading it from a tab', value: tabRates.length > 0 ? median(tabRates) : null },
    noGoal,
    `from Keep online pressed to the card's "this tab can close"; ${load}`,
    'no fetch',
  );
}
