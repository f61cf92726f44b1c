// The paths of the `wan` bench (docs/performance.md, "Real network paths") and what its flags make of them.
import type { PathSpec } from '../../netem';
import { countFlag, flagValue } from '../lib/flags';

const MiB = 1024 * 1024;

/** One emulated path the transfer is measured on, and its name in the figures. */
export interface WanPath {
  label: string;
  spec: PathSpec;
}

interface Line {
  rttMs: number;
  mbit: number;
  loss?: number;
}

/** Round trips and rates of home and mobile links far apart, with and without random loss. */
const LINES: Line[] = [
  { rttMs: 50, mbit: 100 },
  { rttMs: 150, mbit: 20 },
  { rttMs: 100, mbit: 20, loss: 0.002 },
  { rttMs: 100, mbit: 20, loss: 0.01 },
  { rttMs: 300, mbit: 10 },
];

/** A shallow queue (a quarter second at the rate) and a bloated one (5 s), as home routers have either. */
const QUEUES_MS = [250, 5000];

function duration(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/** How a figure names the path, e.g. "100 ms, 0.2 % loss, 20 Mbit/s, 5 s queue". */
export function pathLabel(spec: PathSpec): string {
  const parts = [`${spec.rttMs} ms`];
  if (spec.loss) parts.push(`${Number((spec.loss * 100).toFixed(3))} % loss`);
  if (spec.upMbit) parts.push(`${spec.upMbit} Mbit/s`);
  if (spec.queue)
    parts.push('ms' in spec.queue ? `${duration(spec.queue.ms)} queue` : `${spec.queue.bytes} B queue`);
  return parts.join(', ');
}

/** The line at the same rate each way, behind a queue of `queueMs` at that rate. */
function pathOf(line: Line, queueMs: number): WanPath {
  const spec: PathSpec = {
    rttMs: line.rttMs,
    ...(line.loss ? { loss: line.loss } : {}),
    upMbit: line.mbit,
    downMbit: line.mbit,
    queue: { ms: queueMs },
  };
  return { label: pathLabel(spec), spec };
}

/** Every path of the bench: each line with each queue. */
export function wanPaths(): WanPath[] {
  return LINES.flatMap((line) => QUEUES_MS.map((ms) => pathOf(line, ms)));
}

/** The smoke's paths: the fast clean line behind the shallow queue, a lossy one behind the deep queue. */
const TINY_PATHS = [pathOf(LINES[0], QUEUES_MS[0]), pathOf(LINES[2], QUEUES_MS[1])];

/** What one run of the bench measures. */
export interface WanPlan {
  sizeBytes: number;
  paths: WanPath[];
  /** Runs per path; each figure is the median of the runs' ratios. */
  runs: number;
}

export const DEFAULT_MIB = 128;
const TINY_MIB = 4;

/** The paths `--wan-paths=1,4` names by their place in `paths` (from 1), every path without the flag; an error in
 * words for a place that names none. The lossy lines take most of the bench's hour, so a run may take fewer. */
export function chosenPaths(flags: Set<string>, paths: WanPath[]): WanPath[] {
  const given = flagValue(flags, 'wan-paths');
  if (given === undefined) return paths;
  return given.split(',').map((place) => {
    const index = Number(place);
    if (!Number.isInteger(index) || index < 1 || index > paths.length)
      throw new Error(`--wan-paths=${given}: expected places from 1 to ${paths.length}, separated by commas`);
    return paths[index - 1];
  });
}

/**
 * `--wan-mib=N` sets the size (128 MiB by default), `--wan-runs=N` the runs per path (1), `--wan-paths=1,4` the
 * paths by their place in wanPaths (all). `--tiny`: 4 MiB on two paths (the
 * fast clean one, and a lossy one behind a deep queue), a smoke rather than figures to keep.
 */
export function wanPlan(flags: Set<string>): WanPlan {
  const tiny = flags.has('--tiny');
  const mib = countFlag(flags, 'wan-mib', tiny ? TINY_MIB : DEFAULT_MIB);
  const runs = countFlag(flags, 'wan-runs', 1);
  const paths = chosenPaths(flags, tiny ? TINY_PATHS : wanPaths());
  return { sizeBytes: mib * MiB, paths, runs };
}

/** The rate a path allows: its line rate, or less when random loss limits the congestion window (the rate of a
 * loss-limited Reno-like window, MSS / RTT x 1.22 / sqrt(loss)), in bytes per second. */
export function expectedRate(spec: PathSpec): number {
  const line = ((spec.upMbit ?? 1000) * 1e6) / 8;
  if (!spec.loss) return line;
  const lossLimited = (1200 / (spec.rttMs / 1000)) * (1.22 / Math.sqrt(spec.loss));
  return Math.min(line, lossLimited);
}

/** How long a transfer of `sizeBytes` may take on the path before the bench gives up on it: three times what the
 * path allows, and a minute for the connection's setup. */
export function transferTimeoutMs(spec: PathSpec, sizeBytes: number): number {
  return Math.round((3 * sizeBytes * 1000) / expectedRate(spec)) + 60_000;
}
