// What the `lifecycle` bench (docs/performance.md, "Hidden and frozen tabs") does in one run, and what its flags
// make of it: how long the seeding tab is watched visible, then hidden, then frozen, over which emulated path, and
// how large the shared file is so that the download cannot end before the last measure.
import type { PathSpec } from '../../netem';
import { countFlag } from '../lib/flags';
import { pathLabel, type WanPath } from './wan-paths';

const MiB = 1024 * 1024;

export interface LifecyclePlan {
  path: WanPath;
  /** From the first bytes to the visible window's start: the connection's ramp stays out of the figure. */
  warmupS: number;
  /** Each of the two visible windows, one before the tab is hidden and one after it is shown again: their mean is
   * the baseline, so a drift over the run (the ramp, the load) weighs on both sides alike. */
  visibleS: number;
  /** The seeding tab's whole time hidden before the freeze, the grace before intensive throttling included. */
  hiddenS: number;
  /** Hidden this long, the tab's timers are throttled intensively (Chromium's own grace is 300 s). */
  intensiveAfterS: number;
  freezeS: number;
  /** How long after the resume blocks and peers may take to come back before the run counts them lost. */
  afterResumeS: number;
  runs: number;
  sizeBytes: number;
}

/** A home uplink far from its peer; the seeding tab's uplink, not the CPU, sets the rate. */
const PATH: PathSpec = { rttMs: 50, upMbit: 20, downMbit: 20, queue: { ms: 1000 } };
/** The smoke's: a thinner uplink, so its file stays small. */
const TINY_PATH: PathSpec = { ...PATH, upMbit: 8, downMbit: 8 };

/** Seconds the hidden window starts after intensive throttling does, so the window has it throughout. */
export const SETTLE_S = 5;

/** The download must still run at the resume and for `afterResumeS` after it: the file holds what the line can
 * carry in every window, and no less. */
function sizeFor(spec: PathSpec, seconds: number): number {
  const lineBytesPerS = ((spec.upMbit ?? 0) * 1e6) / 8;
  return Math.ceil((lineBytesPerS * seconds) / MiB) * MiB;
}

/**
 * A full run: 20 s of ramp, 60 s visible, 6 minutes hidden (intensive throttling after 10 s), 60 s visible again,
 * hidden again and a 60 s freeze; 3 runs. `--tiny`: 10 s, 15 s, 30 s hidden, 15 s, a 15 s freeze; one run.
 * `--lifecycle-runs=N` sets the runs, `--lifecycle-freeze=N` the freeze in seconds (a smoke of a full freeze:
 * `--tiny --lifecycle-freeze=60`).
 */
export function lifecyclePlan(flags: Set<string>): LifecyclePlan {
  const tiny = flags.has('--tiny');
  const spec = tiny ? TINY_PATH : PATH;
  const windows = tiny
    ? { warmupS: 10, visibleS: 15, hiddenS: 30, freezeS: 15, afterResumeS: 30 }
    : { warmupS: 20, visibleS: 60, hiddenS: 360, freezeS: 60, afterResumeS: 60 };
  windows.freezeS = countFlag(flags, 'lifecycle-freeze', windows.freezeS);
  const intensiveAfterS = 10;
  if (windows.hiddenS <= intensiveAfterS + SETTLE_S) throw new Error('the hidden window would be empty');
  const moving = windows.warmupS + 2 * windows.visibleS + SETTLE_S + windows.hiddenS + windows.afterResumeS;
  return {
    path: { label: pathLabel(spec), spec },
    ...windows,
    intensiveAfterS,
    runs: countFlag(flags, 'lifecycle-runs', tiny ? 1 : 3),
    sizeBytes: sizeFor(spec, moving),
  };
}
