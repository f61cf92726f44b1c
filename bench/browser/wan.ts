// Real network paths: a transfer between two tabs in two network namespaces, over paths emulated by netem/
// (docs/netem.md) with their round trip, loss, rate and queue, through the app's UI, against one raw RTCDataChannel
// between two plain pages (bench.html) on the same path, measured right before in the same run. The tracker and the
// pages' server sit in a third node behind the same path, as a real tracker would be far from both.
import { loadavg } from 'node:os';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  chromiumInNode,
  emulatorUnavailable,
  startPath,
  startTracker,
  type EmulatedTracker,
  type Emulator,
  type LinkCounters,
} from '../../netem';
import { LAUNCH_OPTIONS } from '../../playwright.config';
import { browserVersion, buildApp, type ChromiumLaunch } from '../lib/app';
import { atLeast, failedFigure, figure, type Bench, type BenchContext, type Figure } from '../lib/figure';
import { download, openApp, share, waitDone, watchItem } from './app-steps';
import { randomFileOf, rawChannelBetween, withTabs } from './transfer';
import { expectedRate, transferTimeoutMs, wanPlan, type WanPath } from './wan-paths';

const MiB = 1024 * 1024;
const MB = 1e6;
const GOAL = 0.9;
const SERVE = fileURLToPath(new URL('../lib/serve.ts', import.meta.url));
/** Sharing hashes the file on this machine, off the emulated path. */
const SHARE_TIMEOUT_MS = 180_000;

/** One emulated path with the server in its `tracker` node and a Chromium launch for each of two other nodes. */
export interface OnPath {
  emulator: Emulator;
  server: EmulatedTracker;
  /** The sending tab's launch, then the receiving tab's. */
  launches: ChromiumLaunch[];
}

export async function onPath<T>(
  path: WanPath,
  staticDir: string,
  seed: number,
  work: (on: OnPath) => Promise<T>,
): Promise<T> {
  const emulator = await startPath(path.spec, ['tracker', 'seeder', 'downloader'], { seed });
  try {
    const server = await startTracker(
      emulator,
      'tracker',
      8000,
      ['--static-dir', staticDir],
      ['--import', 'tsx', SERVE],
    );
    try {
      const launches = ['seeder', 'downloader'].map((name) =>
        chromiumInNode(emulator.node(name), LAUNCH_OPTIONS, [server.origin]),
      );
      return await work({ emulator, server, launches });
    } finally {
      await server.stop();
    }
  } finally {
    await emulator.stop();
  }
}

/** The links a transfer from the seeder to the downloader crosses. */
async function sendingLinks(emulator: Emulator): Promise<LinkCounters[]> {
  const { nodes } = await emulator.stats();
  return [nodes.seeder.up, nodes.downloader.down];
}

/** What the path did to the packets between two readings of sendingLinks. */
function pathEvents(before: LinkCounters[], after: LinkCounters[]): string {
  const sum = (links: LinkCounters[], key: keyof LinkCounters) =>
    links.reduce((total, link) => total + link[key], 0);
  const delta = (key: keyof LinkCounters) => sum(after, key) - sum(before, key);
  const packets = after[0].packets - before[0].packets;
  return `the sending node sent ${packets} packets, ${delta('lost')} lost, ${delta('queueDropped')} dropped on a full queue`;
}

/** A transfer's rate, or why there is none, and what the path did to its packets. */
interface Measured {
  mbPerSecond: number | null;
  seconds?: number;
  error?: string;
  path?: string;
}

async function measured(
  on: OnPath,
  log: (message: string) => void,
  label: string,
  work: () => Promise<{ mbPerSecond: number; seconds: number }>,
): Promise<Measured> {
  const before = await sendingLinks(on.emulator);
  try {
    const { mbPerSecond, seconds } = await work();
    const path = pathEvents(before, await sendingLinks(on.emulator));
    log(`  ${label}: ${mbPerSecond.toFixed(2)} MB/s in ${seconds.toFixed(1)} s; ${path}`);
    return { mbPerSecond, seconds, path };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    log(`  ${label} failed: ${message}`);
    return { mbPerSecond: null, error: message };
  }
}

/** The raw channel between the two nodes' tabs: from its first message to its last. */
function rawOnPath(on: OnPath, size: number, timeoutMs: number, log: (message: string) => void) {
  return withTabs(
    2,
    async (tabs) => {
      const { mbPerSecond } = await rawChannelBetween(tabs, on.server.origin, size, log, { timeoutMs });
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
      await openApp(seed.page, on.server.origin);
      const magnet = await share(seed.page, file.path, file.name, SHARE_TIMEOUT_MS);
      await openApp(leech.page, on.server.origin);
      await watchItem(leech.page);
      const start = await download(leech.page, magnet);
      const marks = await waitDone(leech.page, timeoutMs);
      if (marks.done === undefined) {
        const have = await leech.page.locator('li[data-infohash]').first().getAttribute('data-have');
        throw new Error(
          marks.error ?? `not complete after ${timeoutMs / 1000} s (${have ?? '?'} pieces verified)`,
        );
      }
      const seconds = (marks.done - start) / 1000;
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

function ratio(run: PathRun): number | null {
  return run.app.mbPerSecond !== null && run.raw.mbPerSecond
    ? run.app.mbPerSecond / run.raw.mbPerSecond
    : null;
}

/** One run on a fresh emulated path: the raw channel, then the app. */
async function runOnPath(
  path: WanPath,
  staticDir: string,
  file: { path: string; name: string; size: number },
  seed: number,
  log: (message: string) => void,
): Promise<PathRun> {
  const loadBefore = loadavg()[0];
  const limit = transferTimeoutMs(path.spec, file.size);
  try {
    return await onPath(path, staticDir, seed, async (on) => {
      const raw = await measured(on, log, 'raw RTCDataChannel', () => rawOnPath(on, file.size, limit, log));
      // Given what the raw channel took, the app has four times that and a minute for its setup.
      const appLimit = raw.seconds !== undefined ? Math.round(raw.seconds * 4000) + 60_000 : limit;
      const app = await measured(on, log, 'our app', () => appOnPath(on, file, appLimit, log));
      const load = `1-minute load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`;
      return { raw, app, load };
    });
  } catch (error) {
    const message = `the emulated path failed: ${(error as Error).message.split('\n')[0]}`;
    log(`  ${message}`);
    return {
      raw: { mbPerSecond: null, error: message },
      app: { mbPerSecond: null, error: message },
      load: '',
    };
  }
}

/** The path's figure: the run at the median ratio (the lower middle for an even count), with every run in its note. */
function pathFigure(path: WanPath, mib: number, runs: PathRun[]): Figure {
  const name = `${mib} MiB tab to tab over ${path.label}, vs the raw channel`;
  const baseline = 'raw RTCDataChannel on the same path';
  const complete = runs.filter((run) => ratio(run) !== null).sort((a, b) => ratio(a)! - ratio(b)!);
  const chosen = complete[(complete.length - 1) >> 1];
  const lineMBps = expectedRate({ ...path.spec, loss: 0 }) / MB;
  const each = runs
    .map((run, i) => `run ${i + 1}: ${ratio(run)?.toFixed(2) ?? 'failed'}x, ${run.load || 'no load read'}`)
    .join('; ');
  if (!chosen) {
    const failed = runs.find((run) => run.app.error ?? run.raw.error);
    const reason = failed?.raw.error
      ? `raw channel: ${failed.raw.error}`
      : `our app: ${failed?.app.error ?? 'no run'}`;
    const rawValue = runs.find((run) => run.raw.mbPerSecond !== null)?.raw.mbPerSecond ?? null;
    return failedFigure(name, 'MB/s', baseline, atLeast(GOAL), `${reason}; ${each}`, rawValue);
  }
  const spread = runs.length > 1 ? `median of the ${complete.length} complete runs of ${runs.length}; ` : '';
  const note =
    `${spread}the line carries ${lineMBps.toFixed(2)} MB/s, the raw channel ${((chosen.raw.mbPerSecond! / lineMBps) * 100).toFixed(0)} % of it; ` +
    `raw: ${chosen.raw.path}; ours: ${chosen.app.path}; ours from Download to Seeding (tracker, connection, metadata ` +
    `included), the raw channel from its first message to its last; ${each}`;
  return figure(
    name,
    chosen.app.mbPerSecond,
    'MB/s',
    { name: baseline, value: chosen.raw.mbPerSecond },
    atLeast(GOAL),
    note,
  );
}

export const wanBench: Bench = {
  name: 'wan',
  figures:
    'transfer between two tabs over emulated real network paths, against the raw channel on the same path',
  async run(context: BenchContext): Promise<Figure[]> {
    const unavailable = emulatorUnavailable();
    if (unavailable !== undefined) {
      context.log(`  not run, no figures: ${unavailable}`);
      return [];
    }
    const plan = wanPlan(context.flags);
    const mib = plan.sizeBytes / MiB;
    context.browserVersion ??= await browserVersion();
    const staticDir = buildApp(context.log);
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
