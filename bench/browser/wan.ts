// Real network paths: a transfer between two tabs in two network namespaces, over paths emulated by netem/
// (docs/netem.md) with their round trip, loss, rate and queue, through the app's UI, against one raw RTCDataChannel
// between two plain pages (bench.html) on the same path, measured right before in the same run. The tracker and the
// pages' server sit in a third node behind the same path, as a real tracker would be far from both.
import { rmSync } from 'node:fs';
import { emulatedBenchStart, onEmulatedPath, type OnPath } from '../lib/emulated';
import { atLeast, figure, type Bench, type BenchContext, type Figure } from '../lib/figure';
import { intervalText, medianInterval, metOf, verdictAtLeast } from '../lib/interval';
import { firstLine, loadLabel, medianBy, randomFileOf, withTabs } from '../lib/session';
import { openApp, share, timedDownload } from './app-steps';
import { rawChannelBetween, watchBoth } from './transfer';
import { expectedRate, transferTimeoutMs, wanPlan, type WanPath } from './wan-paths';

const MiB = 1024 * 1024;
const MB = 1e6;
const GOAL = 0.9;
/** Sharing hashes the file on this machine, off the emulated path. */
const SHARE_TIMEOUT_MS = 180_000;

/** A transfer's rate, or why there is none. */
interface Measured {
  mbPerSecond: number | null;
  seconds?: number;
  error?: string;
}

/** `work`'s rate, or its failure, logged under `label`. */
async function measured(
  log: (message: string) => void,
  label: string,
  work: () => Promise<{ mbPerSecond: number; seconds: number }>,
): Promise<Measured> {
  try {
    const { mbPerSecond, seconds } = await work();
    log(`  ${label}: ${mbPerSecond.toFixed(2)} MB/s in ${seconds.toFixed(1)} s`);
    return { mbPerSecond, seconds };
  } catch (error) {
    log(`  ${label} failed: ${firstLine(error)}`);
    return { mbPerSecond: null, error: firstLine(error) };
  }
}

/** The raw channel between the two nodes' tabs: from its first message to its last. */
function rawOnPath(on: OnPath, size: number, timeoutMs: number, log: (message: string) => void) {
  return withTabs(
    2,
    async (tabs) => {
      const { mbPerSecond } = await rawChannelBetween(tabs, on.app.origin, size, log, { timeoutMs });
      return { mbPerSecond, seconds: size / MB / mbPerSecond };
    },
    { log, launches: on.launches },
  );
}

/** The app: the seeder's tab shares the file, the downloader's pastes the magnet link; from `Download` to `Seeding`. */
function appOnPath(
  on: OnPath,
  file: { path: string; name: string; size: number },
  timeoutMs: number,
  log: (message: string) => void,
) {
  return withTabs(
    2,
    async ([seed, leech]) => {
      await openApp(seed.page, on.app.origin);
      const magnet = await share(seed.page, file.path, file.name, SHARE_TIMEOUT_MS);
      await openApp(leech.page, on.app.origin);
      const cpu = watchBoth([seed, leech], log);
      const { seconds, firstSeconds } = await timedDownload(leech.page, magnet, timeoutMs);
      cpu('our app');
      const after = (file.size / MB / Math.max(0.001, seconds - firstSeconds)).toFixed(2);
      log(`  our app's first verified piece ${firstSeconds.toFixed(1)} s after Download, then ${after} MB/s`);
      return { mbPerSecond: file.size / MB / seconds, seconds };
    },
    { log, launches: on.launches },
  );
}

interface PathRun {
  raw: Measured;
  app: Measured;
  load: string;
}

const ratio = (run: PathRun): number | null =>
  run.app.mbPerSecond !== null && run.raw.mbPerSecond ? run.app.mbPerSecond / run.raw.mbPerSecond : null;

/** One run on a fresh emulated path: the raw channel, then the app. */
async function runOnPath(
  path: WanPath,
  staticDir: string,
  file: { path: string; name: string; size: number },
  seed: number,
  log: (message: string) => void,
): Promise<PathRun> {
  const load = loadLabel();
  const limit = transferTimeoutMs(path.spec, file.size);
  try {
    return await onEmulatedPath(path.spec, { staticDir, seed }, async (on) => {
      const raw = await measured(log, 'raw RTCDataChannel', () => rawOnPath(on, file.size, limit, log));
      // Given what the raw channel took, the app has four times that and a minute for its setup.
      const appLimit = raw.seconds !== undefined ? Math.round(raw.seconds * 4000) + 60_000 : limit;
      const app = await measured(log, 'our app', () => appOnPath(on, file, appLimit, log));
      return { raw, app, load: load() };
    });
  } catch (error) {
    const message = `the emulated path failed: ${firstLine(error)}`;
    log(`  ${message}`);
    return {
      raw: { mbPerSecond: null, error: message },
      app: { mbPerSecond: null, error: message },
      load: '',
    };
  }
}

/**
 * The path's figure: the run at the median ratio (the lower middle for an even count), with every run in its note;
 * over several runs, met as the median ratio's order-statistic interval decides (a path whose raw channel moves by
 * half from run to run is decided by the runs, not by one pair of them).
 */
function pathFigure(path: WanPath, mib: number, runs: PathRun[]): Figure {
  const { median: chosen, sorted: complete } = medianBy(runs, ratio);
  const lineMBps = expectedRate({ ...path.spec, loss: 0 }) / MB;
  const each = runs
    .map((run, i) => `run ${i + 1}: ${ratio(run)?.toFixed(2) ?? 'failed'}x, ${run.load || 'no load read'}`)
    .join('; ');
  const failed = runs.find((run) => run.app.error ?? run.raw.error);
  const reason = failed?.raw.error
    ? `raw channel: ${failed.raw.error}`
    : `our app: ${failed?.app.error ?? 'no run'}`;
  const rawValue =
    chosen?.raw.mbPerSecond ?? runs.find((run) => run.raw.mbPerSecond !== null)?.raw.mbPerSecond;
  const interval = complete.length > 1 ? medianInterval(complete.map((run) => ratio(run)!)) : undefined;
  const verdict = interval && verdictAtLeast(interval, GOAL);
  const spread = interval
    ? `median of the ${complete.length} complete runs of ${runs.length}; the median ratio's interval ` +
      `${intervalText(interval)}: ${verdict}; `
    : '';
  const result = figure(
    `${mib} MiB tab to tab over ${path.label}, vs the raw channel`,
    chosen?.app.mbPerSecond ?? null,
    'MB/s',
    { name: 'raw RTCDataChannel on the same path', value: rawValue ?? null },
    atLeast(GOAL),
    `${spread}the line carries ${lineMBps.toFixed(2)} MB/s, the raw channel ` +
      `${(((rawValue ?? 0) / lineMBps) * 100).toFixed(0)} % of it; ours from Download to Seeding (tracker, connection, metadata included), the raw channel ` +
      `from its first message to its last; ${each}`,
    `${reason}; ${each}`,
  );
  return verdict && chosen ? { ...result, met: metOf(verdict) } : result;
}

export const wanBench: Bench = {
  name: 'wan',
  flags: {
    '--tiny': '4 MiB over two paths: a smoke',
    '--wan-mib=N': 'MiB over each path (128)',
    '--wan-runs=N': 'runs on each path; the figure is their median (1)',
    '--wan-paths=1,4': 'only the paths at those places (all)',
  },
  figures:
    'transfer between two tabs over emulated real network paths, against the raw channel on the same path',
  onlyWhenNamed: true,
  async run(context: BenchContext): Promise<Figure[]> {
    const plan = wanPlan(context.flags);
    const staticDir = await emulatedBenchStart(context);
    if (staticDir === undefined) return [];
    const mib = plan.sizeBytes / MiB;
    const name = `wan-${mib}MiB.bin`;
    const { dir, path } = randomFileOf(plan.sizeBytes, name);
    const file = { path, name, size: plan.sizeBytes };
    try {
      const figures: Figure[] = [];
      for (const [index, wanPath] of plan.paths.entries()) {
        const runs: PathRun[] = [];
        for (let run = 0; run < plan.runs; run++) {
          context.log(`  ${wanPath.label}${plan.runs > 1 ? `, run ${run + 1} of ${plan.runs}` : ''}`);
          runs.push(await runOnPath(wanPath, staticDir, file, 1000 * (index + 1) + run, context.log));
        }
        figures.push(pathFigure(wanPath, mib, runs));
      }
      return figures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
