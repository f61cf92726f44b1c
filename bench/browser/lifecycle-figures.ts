// The `lifecycle` bench's figures from its runs, and the protocol that decides a noisy figure: every run is a fresh
// emulated path with fresh browsers; a figure is the median of its complete runs (the lower middle for an even
// count), shown with the lowest and highest run, the interval: with 3 runs it holds the true median three times in
// four (1 - 2 x 0.5^3), with 5 runs 15 times in 16. A run that failed is named in the note and left out of the
// median; no complete run, no value.
import { atLeast, failedFigure, figure, limitFigure, type Figure } from '../lib/figure';
import { SETTLE_S, type LifecyclePlan } from './lifecycle-plan';

/** What one run measured. Rates are the downloader's received bytes, the only peer the seeding tab serves; the
 * visible ones the mean of the windows before and after the hidden one. */
export interface LifecycleRun {
  visibleMBps: number | null;
  hiddenMBps: number | null;
  /** How often a chained 50 ms timer ran in the seeding tab's page: the throttling it had, visible and hidden. */
  visibleWakesPerS: number | null;
  hiddenWakesPerS: number | null;
  /** From the resume to the downloader's first new bytes; null when none came within the plan's afterResumeS. */
  resumeS: number | null;
  /** The longest wait between two of the downloader's byte counts while the seeder was visible. */
  steadyGapS: number | null;
  peersBefore: number | null;
  /** The downloader's peers once blocks flow again; null when fewer than before within afterResumeS. */
  peersAfter: number | null;
  /** The downloader's peer count at each change from the resume until blocks flowed, in words (for the log). */
  peersSinceResume?: string;
  load: string;
  error?: string;
}

/** The run at the median of `value` among the runs that have one, and the interval text. */
export function medianRun(
  runs: LifecycleRun[],
  value: (run: LifecycleRun) => number | null,
): { run: LifecycleRun; interval: string } | undefined {
  const complete = runs.filter((run) => value(run) !== null).sort((a, b) => value(a)! - value(b)!);
  const run = complete[(complete.length - 1) >> 1];
  if (!run) return undefined;
  const low = value(complete[0])!;
  const high = value(complete[complete.length - 1])!;
  const interval =
    complete.length > 1
      ? `median of ${complete.length} complete runs of ${runs.length}, from ${low.toFixed(2)} to ${high.toFixed(2)}`
      : `one complete run of ${runs.length}`;
  return { run, interval };
}

const hiddenRatio = (run: LifecycleRun) =>
  run.hiddenMBps !== null && run.visibleMBps ? run.hiddenMBps / run.visibleMBps : null;

function eachRun(runs: LifecycleRun[], say: (run: LifecycleRun) => string): string {
  return runs
    .map((run, i) => `run ${i + 1}: ${run.error ?? say(run)}, ${run.load || 'no load read'}`)
    .join('; ');
}

const fixed = (value: number | null, digits = 2) => (value === null ? '?' : value.toFixed(digits));

export function uploadFigure(plan: LifecyclePlan, runs: LifecycleRun[]): Figure {
  const name =
    `upload of a seeding tab hidden ${plan.hiddenS / 60} min (intensive throttling after ${plan.intensiveAfterS} s)` +
    `, vs the same tab visible, over ${plan.path.label}`;
  const baseline = 'the same seeding tab visible, same run';
  const each = eachRun(
    runs,
    (run) =>
      `${fixed(hiddenRatio(run))}x (${fixed(run.hiddenMBps)} against ${fixed(run.visibleMBps)} MB/s; page timer ` +
      `${fixed(run.hiddenWakesPerS, 1)} wake-ups/s hidden, ${fixed(run.visibleWakesPerS, 1)} visible)`,
  );
  const chosen = medianRun(runs, hiddenRatio);
  if (!chosen) return failedFigure(name, 'MB/s', baseline, atLeast(0.9), `no complete run; ${each}`);
  const window = plan.hiddenS - plan.intensiveAfterS;
  const note =
    `${chosen.interval} (ratios); hidden: the ${window - SETTLE_S} s from ${SETTLE_S} s after intensive throttling began; visible: ` +
    `the mean of ${plan.visibleS} s before it was hidden (after ${plan.warmupS} s of ramp) and ${plan.visibleS} s ` +
    `after it was shown again; ${each}`;
  const { run } = chosen;
  return figure(name, run.hiddenMBps, 'MB/s', { name: baseline, value: run.visibleMBps }, atLeast(0.9), note);
}

const RESUME_GOAL_S = 5;

export function resumeFigure(plan: LifecyclePlan, runs: LifecycleRun[]): Figure {
  const name = `blocks flowing again after a ${plan.freezeS} s freeze of the seeding tab`;
  const baseline = 'longest wait between byte counts while visible (the resolution)';
  const each = eachRun(
    runs,
    (run) => `${fixed(run.resumeS)} s (longest steady wait ${fixed(run.steadyGapS)} s)`,
  );
  const chosen = medianRun(runs, (run) => run.resumeS);
  if (!chosen) {
    const failed = limitFigure(name, null, 's', { name: baseline, value: null }, RESUME_GOAL_S);
    return { ...failed, error: `no blocks within ${plan.afterResumeS} s of a resume; ${each}` };
  }
  const note =
    `${chosen.interval} (seconds); from the resume to the downloader's first new bytes, counted every 500 ms by ` +
    `the app's view; ${each}`;
  const { run } = chosen;
  return limitFigure(name, run.resumeS, 's', { name: baseline, value: run.steadyGapS }, RESUME_GOAL_S, note);
}

/** Met only when every complete run had all its peers back: one lost for good is a failure, not noise. */
export function peersFigure(plan: LifecyclePlan, runs: LifecycleRun[]): Figure {
  const name = `the downloader's peers after a ${plan.freezeS} s freeze of the seeding tab, vs before it`;
  const baseline = 'peers before the freeze';
  const each = eachRun(runs, (run) => `${run.peersAfter ?? 'fewer'} of ${run.peersBefore ?? '?'}`);
  const measured = runs.filter((run) => run.peersBefore !== null && run.error === undefined);
  if (measured.length === 0)
    return failedFigure(name, 'peers', baseline, atLeast(1), `no complete run; ${each}`);
  const worst = measured.find((run) => run.peersAfter === null) ?? measured[0];
  const note = `the worst of ${measured.length} runs; within ${plan.afterResumeS} s of the resume; ${each}`;
  return figure(
    name,
    worst.peersAfter ?? 0,
    'peers',
    { name: baseline, value: worst.peersBefore },
    atLeast(1),
    note,
  );
}
