// Real network paths: a transfer between two tabs in two network namespaces, over paths emulated by netem/
// (docs/netem.md) with their round trip, loss, rate and queue, through the app's UI, against one raw RTCDataChannel
// between two plain pages (bench.html) on the same path, measured right before in the same run. The tracker and the
// pages' server sit in a third node behind the same path, as a real tracker would be far from both. `wan-relay`:
// the same with every connection relay-only through coturn in the core of the network (bench/browser/wan-turn.ts),
// the raw pages forced to the same relay.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  chromiumInNode,
  emulatorUnavailable,
  startPath,
  startTracker,
  turnUnavailable,
  type EmulatedTracker,
  type Emulator,
  type LinkCounters,
  type RelayStats,
} from '../../netem';
import { LAUNCH_OPTIONS } from '../../playwright.config';
import type { ChromiumLaunch } from '../lib/app';
import { emulatedBenchStart } from '../lib/emulated';
import { firstLine, loadLabel, medianBy, randomFileOf, withTabs } from '../lib/session';
import { intervalText, medianInterval, metOf, verdictAtLeast } from '../lib/interval';
import { atLeast, failedFigure, figure, type Bench, type BenchContext, type Figure } from '../lib/figure';
import { openApp, relayOnly, share, timedDownload } from './app-steps';
import { rawChannelBetween, watchBoth } from './transfer';
import { watchMachineCpu } from '../lib/processes';
import {
  expectedRate,
  transferTimeoutMs,
  wanPlan,
  wanRelayPlan,
  type WanPath,
  type WanPlan,
} from './wan-paths';
import { relayedNote, startPathRelay, TURN_NODE, type PathRelay } from './wan-turn';
import { socketDrops, trafficPerMB } from './wan-counts';

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
  /** With `relayed` paths: coturn in the core, every connection relay-only through it. */
  relay?: PathRelay;
}

export async function onPath<T>(
  path: WanPath,
  staticDir: string,
  options: { seed: number; relayed: boolean },
  work: (on: OnPath) => Promise<T>,
): Promise<T> {
  const { seed, relayed } = options;
  const core = relayed ? [TURN_NODE] : [];
  const emulator = await startPath(path.spec, ['tracker', 'seeder', 'downloader'], { seed, core });
  try {
    const relay = relayed ? await startPathRelay(emulator) : undefined;
    try {
      const serverArgs = relay?.serverArgs ?? [];
      return await withServer(
        emulator,
        staticDir,
        (server) => {
          const launches = ['seeder', 'downloader'].map((name) =>
            chromiumInNode(emulator.node(name), LAUNCH_OPTIONS, [server.origin]),
          );
          return work({ emulator, server, launches, relay });
        },
        serverArgs,
      );
    } finally {
      await relay?.stop();
    }
  } finally {
    await emulator.stop();
  }
}

/** Runs `work` with the pages' server (our tracker serving the bench build from `staticDir`, with `serverArgs`) in
 * the emulator's `tracker` node, stopped afterwards. */
export async function withServer<T>(
  emulator: Emulator,
  staticDir: string,
  work: (server: EmulatedTracker) => Promise<T>,
  serverArgs: string[] = [],
): Promise<T> {
  const args = ['--static-dir', staticDir, ...serverArgs];
  const server = await startTracker(emulator, 'tracker', 8000, args, ['--import', 'tsx', SERVE]);
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

/** The links a transfer from the seeder to the downloader crosses (through the relay's node too, when relayed). */
function sendingLinks({ nodes }: RelayStats): LinkCounters[] {
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

/** `work`'s rate; relayed, it must have crossed the relay with at least `size` bytes, or it counts as failed. */
async function measured(
  on: OnPath,
  log: (message: string) => void,
  label: string,
  size: number,
  work: () => Promise<{ mbPerSecond: number; seconds: number; busy: number }>,
): Promise<Measured> {
  const before = await on.emulator.stats();
  const cpu = on.relay?.watchCpu();
  const receiver = on.emulator.node('downloader');
  const dropsBefore = socketDrops(receiver);
  try {
    const { mbPerSecond, seconds, busy } = await work();
    const after = await on.emulator.stats();
    const relayed = on.relay ? [relayedNote(before, after, size), cpu!()] : [];
    const events = pathEvents(sendingLinks(before), sendingLinks(after));
    const host = [
      `the receiving node's sockets dropped ${socketDrops(receiver) - dropsBefore} datagrams on a full buffer`,
      `the machine ${(busy * 100).toFixed(0)} % busy over the transfer`,
    ];
    const path = [events, ...host, trafficPerMB(before, after, size), ...relayed].join('; ');
    log(`  ${label}: ${mbPerSecond.toFixed(2)} MB/s in ${seconds.toFixed(1)} s; ${path}`);
    return { mbPerSecond, seconds, path };
  } catch (error) {
    const message = firstLine(error);
    log(`  ${label} failed: ${message}`);
    return { mbPerSecond: null, error: message };
  }
}

/** The raw channel between the two nodes' tabs: from its first message to its last. */
function rawOnPath(on: OnPath, size: number, timeoutMs: number, log: (message: string) => void) {
  return withTabs(
    2,
    async (tabs) => {
      const rtcConfig = on.relay?.rawConfig();
      const { mbPerSecond, machineBusy } = await rawChannelBetween(tabs, on.server.origin, size, log, {
        timeoutMs,
        rtcConfig,
      });
      return { mbPerSecond, seconds: size / MB / mbPerSecond, busy: machineBusy };
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
      if (on.relay) await relayOnly(seed.page);
      const magnet = await share(seed.page, file.path, file.name, SHARE_TIMEOUT_MS);
      await openApp(leech.page, on.server.origin);
      if (on.relay) await relayOnly(leech.page);
      const cpu = watchBoth([seed, leech], log);
      const machine = watchMachineCpu();
      const { seconds, firstSeconds } = await timedDownload(leech.page, magnet, timeoutMs);
      const busy = machine.stop();
      cpu('our app');
      const after = (file.size / MB / Math.max(0.001, seconds - firstSeconds)).toFixed(2);
      log(`  our app's first verified piece ${firstSeconds.toFixed(1)} s after Download, then ${after} MB/s`);
      return { mbPerSecond: file.size / MB / seconds, seconds, busy };
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

/** One run on a fresh emulated path (with coturn in its core when `relayed`): the raw channel, then the app. */
async function runOnPath(
  path: WanPath,
  staticDir: string,
  file: { path: string; name: string; size: number },
  options: { seed: number; relayed: boolean },
  log: (message: string) => void,
): Promise<PathRun> {
  const load = loadLabel();
  const limit = transferTimeoutMs(path.spec, file.size);
  try {
    return await onPath(path, staticDir, options, async (on) => {
      const raw = await measured(on, log, 'raw RTCDataChannel', file.size, () =>
        rawOnPath(on, file.size, limit, log),
      );
      // Given what the raw channel took, the app has four times that and a minute for its setup.
      const appLimit = raw.seconds !== undefined ? Math.round(raw.seconds * 4000) + 60_000 : limit;
      const app = await measured(on, log, 'our app', file.size, () => appOnPath(on, file, appLimit, log));
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

/** With more than one run, the median ratio's order-statistic interval and what it says of the goal (at least
 * GOAL): a path whose raw channel moves by half from run to run is decided by the runs, not by one pair of them. */
function decided(ratios: number[]): { met: boolean | null; text: string } | undefined {
  if (ratios.length < 2) return undefined;
  const interval = medianInterval(ratios);
  const verdict = verdictAtLeast(interval, GOAL);
  return { met: metOf(verdict), text: `the median ratio's interval ${intervalText(interval)}: ${verdict}; ` };
}

/** The path's figure: the run at the median ratio (the lower middle for an even count), with every run in its note;
 * over several runs, met as the median ratio's interval decides. */
function pathFigure(path: WanPath, mib: number, runs: PathRun[], relayed: boolean): Figure {
  const name = relayed
    ? `${mib} MiB tab to tab relay-only through coturn over ${path.label}, vs the raw channel relayed the same way`
    : `${mib} MiB tab to tab over ${path.label}, vs the raw channel`;
  const baseline = relayed
    ? 'raw RTCDataChannel relay-only through the same coturn'
    : 'raw RTCDataChannel on the same path';
  const { median: chosen, sorted: complete } = medianBy(runs, ratio);
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
  const decision = decided(complete.map((run) => ratio(run)!));
  const note =
    `${spread}${decision?.text ?? ''}the line carries ${lineMBps.toFixed(2)} MB/s, the raw channel ${((chosen.raw.mbPerSecond! / lineMBps) * 100).toFixed(0)} % of it; ` +
    `raw: ${chosen.raw.path}; ours: ${chosen.app.path}; ours from Download to Seeding (tracker, connection, metadata ` +
    `included), the raw channel from its first message to its last; ${each}`;
  const result = figure(
    name,
    chosen.app.mbPerSecond,
    'MB/s',
    { name: baseline, value: chosen.raw.mbPerSecond },
    atLeast(GOAL),
    note,
  );
  return decision ? { ...result, met: decision.met } : result;
}

/** Each path of the plan, `plan.runs` times on a fresh emulated path each: a figure per path. */
async function runPlan(context: BenchContext, plan: WanPlan): Promise<Figure[]> {
  const unavailable = emulatorUnavailable() ?? (plan.relayed ? turnUnavailable() : undefined);
  const staticDir = await emulatedBenchStart(context, unavailable);
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
        const options = { seed: 1000 * (index + 1) + run, relayed: plan.relayed };
        runs.push(await runOnPath(wanPath, staticDir, file, options, context.log));
      }
      figures.push(pathFigure(wanPath, mib, runs, plan.relayed));
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  run: (context) => runPlan(context, wanPlan(context.flags)),
};

export const wanRelayBench: Bench = {
  name: 'wan-relay',
  flags: {
    '--tiny': '4 MiB: a smoke',
    '--wan-mib=N': 'MiB over the relayed path (128)',
    '--wan-runs=N': 'runs on each queue; the figure is their median (1)',
  },
  figures:
    'transfer between two tabs relay-only through coturn over an emulated 100 ms path, against the raw channel relayed the same way',
  onlyWhenNamed: true,
  run: (context) => runPlan(context, wanRelayPlan(context.flags)),
};
