// Figures 1 (transfer tab to tab), 5 (the downloading tab's heap) and 7 (time to first verified piece): our app
// through its real UI against one raw RTCDataChannel (the limit) and WebTorrent's bundle through our tracker
// (the rival). Every tab is its own Chromium process with a persistent profile, so storage is on disk. --profile logs
// where both app tabs' main threads and engine workers spend their time (bench/lib/profile.ts).
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '../../signal-tracker/src/server';
import { browserVersion, buildApp, persistentTab, serveApp, type ChromiumLaunch, type Tab } from '../lib/app';
import {
  atLeast,
  atMost,
  failedFigure,
  figure,
  limitFigure,
  median,
  noGoal,
  type Bench,
  type BenchContext,
  type Figure,
} from '../lib/figure';
import { countFlag } from '../lib/flags';
import { sampleHeap } from '../lib/heap';
import {
  formatCpu,
  formatThreads,
  totalCpu,
  watchCpu,
  watchMachineCpu,
  type CpuByKind,
  type CpuByThread,
} from '../lib/processes';
import { profile, profileWorker } from '../lib/profile';
import { download, openApp, share, waitDone, watchItem } from './app-steps';
import { bundleServer, openBundle, wtDownload, wtSeed } from './webtorrent';

const MiB = 1024 * 1024;
const MB = 1e6;
const HEAP_LIMIT_MB = 150;
/** The transfer's goals: at least 1.8x WebTorrent's bundle; both browsers' CPU at most 1.25x the raw channel's; the first
 * verified piece in under half WebTorrent's time. */
const RIVAL_GOAL = 1.8;
const CPU_GOAL = 1.25;
const FIRST_PIECE_GOAL = 0.5;

export function randomFileOf(size: number, name: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-file-'));
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  for (let at = 0; at < size; at += 16 * MiB) writeSync(fd, randomBytes(Math.min(16 * MiB, size - at)));
  closeSync(fd);
  return { dir, path };
}

/** A browser, context or page that went away under the bench (Playwright's "Target page, context or browser has
 * been closed", a crashed renderer): nothing the app did wrong, so the work runs again with fresh browsers. */
export function lostBrowser(error: unknown): boolean {
  return /has been closed|crashed|browser has disconnected/i.test(String((error as Error)?.message ?? error));
}

/** Runs `work` with `count` fresh tabs (each its own Chromium, tab i launched as `launches[i]` when given), closed
 * afterwards. When a browser is lost under it (see lostBrowser), the work runs once more with fresh tabs, and the
 * log says what was lost. */
export async function withTabs<T>(
  count: number,
  work: (tabs: Tab[]) => Promise<T>,
  options: {
    workerProfiling?: boolean;
    log?: (message: string) => void;
    launches?: ChromiumLaunch[];
  } = {},
): Promise<T> {
  const { log, launches, ...tabOptions } = options;
  for (let attempt = 1; ; attempt++) {
    const tabs: Tab[] = [];
    try {
      for (let i = 0; i < count; i++)
        tabs.push(await persistentTab({ ...tabOptions, launch: launches?.[i] }));
      return await work(tabs);
    } catch (error) {
      if (attempt >= 2 || !lostBrowser(error)) throw error;
      const lost = tabs.flatMap((tab, i) => (tab.lost ? [`tab ${i + 1}: ${tab.lost}`] : []));
      (log ?? console.log)(
        `  a browser went away (${(error as Error).message.split('\n')[0]}; ${lost.join(', ') || 'no tab saw it go'}): ` +
          'running again with fresh browsers',
      );
    } finally {
      for (const tab of tabs) await tab.close();
    }
  }
}

type RawWindow = {
  bench: {
    ready: boolean;
    rawChannel: {
      offer(config?: RTCConfiguration): Promise<string>;
      answer(offer: string, config?: RTCConfiguration): Promise<string>;
      accept(answer: string): Promise<void>;
      send(total: number, messageSize?: number, highWater?: number, lowThreshold?: number): Promise<void>;
      received(total: number): Promise<{ bytes: number; seconds: number }>;
    };
  };
};

/** MB/s of one fresh RTCDataChannel between two tabs moving `size` bytes in messages of `messageSize` (`buffer`:
 * high water, low mark). */
export async function rawChannel(
  server: RunningServer,
  size: number,
  log: (message: string) => void,
  buffer?: [number, number],
  messageSize = 65536,
): Promise<{ mbPerSecond: number } & CpuUse> {
  return withTabs(2, (tabs) => rawChannelBetween(tabs, server.url, size, log, { buffer, messageSize }), {
    log,
  });
}

export interface RawChannelOptions {
  /** The send buffer's high water and low mark (by default 8 MiB and 1 MiB). */
  buffer?: [number, number];
  messageSize?: number;
  /** Gives up (throws) when the channel has not opened, or the bytes have not all arrived, in that time. */
  timeoutMs?: number;
  /** Both pages' RTCConfiguration (e.g. relay-only through a TURN server); by default host candidates only. */
  rtcConfig?: RTCConfiguration;
}

/** The raw channel between the tabs `a` (sending) and `b`, both on bench.html of `origin`. */
export async function rawChannelBetween(
  [a, b]: Tab[],
  origin: string,
  size: number,
  log: (message: string) => void,
  { buffer, messageSize = 65536, timeoutMs, rtcConfig }: RawChannelOptions = {},
): Promise<{ mbPerSecond: number; machineBusy: number } & CpuUse> {
  for (const tab of [a, b]) {
    await tab.page.goto(new URL('/bench.html', origin).href);
    await tab.page.waitForFunction(() => (window as unknown as RawWindow).bench?.ready === true);
  }
  const offer = await a.page.evaluate(
    (config) => (window as unknown as RawWindow).bench.rawChannel.offer(config),
    rtcConfig,
  );
  const answer = await b.page.evaluate(
    ([o, config]) => (window as unknown as RawWindow).bench.rawChannel.answer(o, config),
    [offer, rtcConfig] as const,
  );
  await withinTime(
    a.page.evaluate((s) => (window as unknown as RawWindow).bench.rawChannel.accept(s), answer),
    timeoutMs,
    `the raw channel did not open in ${(timeoutMs ?? 0) / 1000} s`,
  );
  const cpu = [watchCpu(a.profileDir), watchCpu(b.profileDir)];
  const machine = watchMachineCpu();
  const received = b.page.evaluate(
    (n) => (window as unknown as RawWindow).bench.rawChannel.received(n),
    size,
  );
  const sent = a.page.evaluate(
    ([n, b, m]) => (window as unknown as RawWindow).bench.rawChannel.send(n, m, b?.[0], b?.[1]),
    [size, buffer, messageSize] as const,
  );
  const { bytes, seconds } = await withinTime(
    Promise.all([sent, received]).then(([, result]) => result),
    timeoutMs,
    `the raw channel did not deliver ${size} bytes in ${(timeoutMs ?? 0) / 1000} s`,
  );
  const machineBusy = machine.stop();
  const cpuUse = logCpu(
    log,
    `raw channel${buffer ? ', shallow buffer' : ''}, ${messageSize / 1024} KiB messages`,
    cpu,
  );
  return { mbPerSecond: bytes / MB / seconds, machineBusy, ...cpuUse };
}

/** `work`, or an error saying `why` once `timeoutMs` passed (no limit when it is undefined). */
function withinTime<T>(work: Promise<T>, timeoutMs: number | undefined, why: string): Promise<T> {
  if (timeoutMs === undefined) return work;
  // The work goes on until its tabs close; its own failure after the timeout is of no interest.
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** CPU time of both browsers over a transfer, and its split by thread (threads of 0.1 CPU-s or more). */
interface CpuUse {
  cpuSeconds: number;
  cpuThreads: string;
}

/** Logs the CPU time each side's browser used, by process kind and by thread. */
export function logCpu(
  log: (message: string) => void,
  label: string,
  [sender, receiver]: Array<{ stop(): CpuByKind; threads(): CpuByThread }>,
): CpuUse {
  const sent = sender.stop();
  const received = receiver.stop();
  const cpuThreads =
    `sending ${formatThreads(sender.threads())}; ` + `receiving ${formatThreads(receiver.threads())}`;
  log(`  ${label}, CPU: sending browser ${formatCpu(sent)}; receiving browser ${formatCpu(received)}`);
  log(`    by thread: ${cpuThreads}`);
  return { cpuSeconds: totalCpu(sent) + totalCpu(received), cpuThreads };
}

interface AppRun extends CpuUse {
  mbPerSecond: number | null;
  firstMs: number | null;
  heapPeakMB: number;
  note: string;
  error?: string;
}

/** Our app: one tab shares the file, another downloads it through the UI. */
async function appTransfer(
  server: RunningServer,
  file: { path: string },
  name: string,
  size: number,
  timeoutMs: number,
  log: (message: string) => void,
  profiling = false,
): Promise<AppRun> {
  return withTabs(
    2,
    async ([seed, leech]) => {
      await openApp(seed.page, server.url);
      const shareStart = Date.now();
      const magnet = await share(seed.page, file.path, name, timeoutMs);
      log(`  ours: shared ${name} in ${((Date.now() - shareStart) / 1000).toFixed(1)} s`);
      await openApp(leech.page, server.url);
      const heap = await sampleHeap(leech.page);
      const profilers = profiling
        ? [
            await profile(seed.page),
            await profile(leech.page),
            await profileWorker(seed.page),
            await profileWorker(leech.page),
          ]
        : [];
      await watchItem(leech.page);
      const cpu = [watchCpu(seed.profileDir), watchCpu(leech.profileDir)];
      const start = await download(leech.page, magnet);
      const marks = await waitDone(leech.page, timeoutMs);
      const cpuUse = logCpu(log, 'ours', cpu);
      const peak = await heap.stop();
      const profiled = [
        'seeding tab, main thread',
        'downloading tab, main thread',
        'seeding tab, engine worker',
      ];
      for (const [i, profiler] of profilers.entries())
        log(
          `  ${profiled[i] ?? 'downloading tab, engine worker'}:\n    ${(await profiler.stop()).join('\n    ')}`,
        );
      const heapNote =
        `heap page ${(peak.pagePeak / MB).toFixed(0)} MB + ${peak.workers} worker(s) ${(peak.workerPeak / MB).toFixed(0)} MB, ` +
        `${peak.samples} samples`;
      if (marks.done === undefined) {
        const have = await leech.page
          .locator('li[data-infohash]')
          .first()
          .getAttribute('data-have')
          .catch(() => null);
        return {
          mbPerSecond: null,
          firstMs: marks.first !== undefined ? marks.first - start : null,
          heapPeakMB: peak.peak / MB,
          ...cpuUse,
          note: heapNote,
          error: marks.error ?? `not complete after ${timeoutMs / 1000} s (${have ?? '?'} pieces verified)`,
        };
      }
      const seconds = (marks.done - start) / 1000;
      log(`  ours: ${name} downloaded in ${seconds.toFixed(1)} s; ${heapNote}`);
      return {
        mbPerSecond: size / MB / seconds,
        firstMs: (marks.first ?? marks.done) - start,
        heapPeakMB: peak.peak / MB,
        ...cpuUse,
        note: heapNote,
      };
    },
    { workerProfiling: profiling, log },
  );
}

interface RivalRun extends CpuUse {
  mbPerSecond: number;
  firstMs: number | null;
  heapPeakMB: number;
}

async function webtorrentTransfer(
  server: RunningServer,
  file: { path: string },
  name: string,
  size: number,
  log: (message: string) => void,
): Promise<RivalRun> {
  const bundle = await bundleServer(file.path);
  try {
    return await withTabs(
      2,
      async ([seed, leech]) => {
        await openBundle(seed.page, bundle.url);
        const magnet = await wtSeed(seed.page, name, server.trackerUrl);
        await openBundle(leech.page, bundle.url);
        const heap = await sampleHeap(leech.page);
        const cpu = [watchCpu(seed.profileDir), watchCpu(leech.profileDir)];
        const result = await wtDownload(leech.page, magnet);
        const cpuUse = logCpu(log, 'WebTorrent', cpu);
        const peak = await heap.stop();
        if (result.length !== size) throw new Error(`WebTorrent got ${result.length} bytes, not ${size}`);
        log(
          `  WebTorrent: downloaded in ${(result.doneMs / 1000).toFixed(1)} s, heap peak ${(peak.peak / MB).toFixed(0)} MB`,
        );
        return {
          mbPerSecond: size / MB / (result.doneMs / 1000),
          firstMs: result.firstMs,
          heapPeakMB: peak.peak / MB,
          ...cpuUse,
        };
      },
      { log },
    );
  } finally {
    bundle.close();
  }
}

async function attempt<T>(label: string, context: BenchContext, work: () => Promise<T>): Promise<T | Error> {
  try {
    return await work();
  } catch (error) {
    context.log(`  ${label} failed: ${(error as Error).message.split('\n')[0]}`);
    return error as Error;
  }
}

interface TransferRun {
  raw: number | null;
  rawCpuSeconds: number | null;
  rawCpuThreads?: string;
  ours: AppRun | null;
  failure?: string;
  rival: RivalRun | null;
}

function ratioOf(value: number | null | undefined, baseline: number | null): number | null {
  return value != null && baseline != null && baseline > 0 ? value / baseline : null;
}

function formatRatio(ratio: number | null): string {
  return ratio === null ? 'failed' : `${ratio.toFixed(2)}x`;
}

/** The runs at the median ratio (the lower middle for an even count) and the lowest ratio of ours against a
 * baseline; a run whose download failed counts as the worst, a run without a baseline is left out. */
function pickRuns<R extends { ours: { mbPerSecond: number | null } | null }>(
  runs: R[],
  baseline: (run: R) => number | null,
): { median?: R; worst?: R; failed: number } {
  const measured = runs.filter((run) => baseline(run) != null);
  const ratio = (run: R) => ratioOf(run.ours?.mbPerSecond, baseline(run)) ?? -1;
  const sorted = [...measured].sort((a, b) => ratio(a) - ratio(b));
  const completed = sorted.filter((run) => ratio(run) >= 0);
  return {
    median: completed[(completed.length - 1) >> 1],
    worst: sorted[0],
    failed: sorted.length - completed.length,
  };
}

export const transferBench: Bench = {
  name: 'transfer',
  flags: {
    '--tiny': '32 MiB once: a smoke, not a figure to keep',
    '--runs=N': 'runs of the raw channel, ours and WebTorrent (5)',
    '--profile': "one run, logging where both app tabs' main threads and engine workers spend their time",
  },
  figures: 'transfer between two tabs: rate, CPU, heap, first verified piece',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    // --tiny: 32 MiB, a smoke (or a short --profile run), not figures to keep.
    const size = context.flags.has('--tiny') ? 32 * MiB : 256 * MiB;
    const profiling = context.flags.has('--profile');
    // The goal is the median of 5 runs, none under 0.8x: each run measures the limit, ours and the rival afresh.
    const runs = countFlag(context.flags, 'runs', context.flags.has('--tiny') || profiling ? 1 : 5);
    const label = `${size / MiB} MiB`;
    const name = `bench-${size / MiB}MiB.bin`;
    const server = await serveApp(buildApp(context.log, profiling));
    const file = randomFileOf(size, name);
    const figures: Figure[] = [];
    try {
      const results: TransferRun[] = [];
      let shallow: { mbPerSecond: number } | Error | undefined;
      for (let i = 0; i < runs; i++) {
        if (runs > 1) context.log(`  run ${i + 1} of ${runs}`);
        const raw = await attempt('raw channel', context, () => rawChannel(server, size, context.log));
        if (!(raw instanceof Error)) context.log(`  raw RTCDataChannel: ${raw.mbPerSecond.toFixed(1)} MB/s`);
        // Once: the same channel kept as full as the app keeps its channels (ChannelWriter's 256 KiB high-water
        // mark, simple-peer's 64 KiB low mark): how much the shallow send buffer alone costs.
        if (i === 0) {
          shallow = await attempt('raw channel, shallow buffer', context, () =>
            rawChannel(server, size, context.log, [256 * 1024, 64 * 1024]),
          );
          if (!(shallow instanceof Error))
            context.log(`  raw RTCDataChannel, 256 KiB buffer: ${shallow.mbPerSecond.toFixed(1)} MB/s`);
        }
        const ours = await attempt('our app', context, () =>
          appTransfer(server, file, name, size, 240_000, context.log, profiling),
        );
        const rival = await attempt('WebTorrent', context, () =>
          webtorrentTransfer(server, file, name, size, context.log),
        );
        results.push({
          raw: raw instanceof Error ? null : raw.mbPerSecond,
          rawCpuSeconds: raw instanceof Error ? null : raw.cpuSeconds,
          rawCpuThreads: raw instanceof Error ? undefined : raw.cpuThreads,
          ours: ours instanceof Error ? null : ours,
          failure: ours instanceof Error ? ours.message.split('\n')[0] : ours.error,
          rival: rival instanceof Error ? null : rival,
        });
      }
      const perRun = (of: (run: TransferRun) => number | null) =>
        results
          .map((run, i) => `run ${i + 1}: ${formatRatio(ratioOf(run.ours?.mbPerSecond, of(run)))}`)
          .join(', ');
      const againstLimit = pickRuns(results, (run) => run.raw);
      const againstRival = pickRuns(results, (run) => run.rival?.mbPerSecond ?? null);
      const runsNote = (of: (run: TransferRun) => number | null) =>
        runs > 1 ? `median of ${runs} runs (${perRun(of)})` : undefined;

      const transfer = (
        title: string,
        baseline: string,
        run: TransferRun | undefined,
        value: number | null,
        goal: number,
        note?: string,
      ) =>
        run?.ours?.mbPerSecond != null
          ? figure(title, run.ours.mbPerSecond, 'MB/s', { name: baseline, value }, atLeast(goal), note)
          : failedFigure(
              title,
              'MB/s',
              baseline,
              atLeast(goal),
              `our app: ${run?.failure ?? results.find((r) => r.failure)?.failure ?? 'no run'}`,
              value,
            );
      const limitRun = againstLimit.median;
      figures.push(
        transfer(
          `transfer ${label} tab to tab, vs the limit`,
          'raw RTCDataChannel',
          limitRun,
          limitRun?.raw ?? null,
          runs > 1 ? 0.9 : 0.8,
          runsNote((run) => run.raw),
        ),
      );
      if (runs > 1)
        figures.push(
          transfer(
            `transfer ${label} tab to tab, worst of ${runs} runs vs the limit`,
            'raw RTCDataChannel',
            againstLimit.worst,
            againstLimit.worst?.raw ?? null,
            0.8,
            againstLimit.failed > 0 ? `${againstLimit.failed} run(s) failed` : undefined,
          ),
        );
      figures.push(
        shallow === undefined || shallow instanceof Error
          ? failedFigure(
              "raw channel with the app's 256 KiB send buffer",
              'MB/s',
              'raw RTCDataChannel',
              noGoal,
              shallow?.message ?? 'not run',
            )
          : figure(
              "raw channel with the app's 256 KiB send buffer",
              shallow.mbPerSecond,
              'MB/s',
              { name: 'raw RTCDataChannel', value: results[0].raw },
              noGoal,
              'diagnostic (first run): refilled from 64 KiB to 256 KiB, as ChannelWriter and simple-peer do; the raw figure keeps 1-8 MiB queued',
            ),
      );
      const rivalRun = againstRival.median;
      figures.push(
        transfer(
          `transfer ${label} tab to tab, vs the rival`,
          'WebTorrent bundle',
          rivalRun,
          rivalRun?.rival?.mbPerSecond ?? null,
          RIVAL_GOAL,
          runsNote((run) => run.rival?.mbPerSecond ?? null),
        ),
      );
      // What limits the rate when the cores are full: the CPU both browsers spend on the transfer (from /proc), in the
      // run at the median ratio to the limit, against the raw channel's in that run.
      figures.push(
        limitRun?.ours && limitRun.rawCpuSeconds !== null
          ? figure(
              `CPU time of both browsers, ${label} tab to tab`,
              limitRun.ours.cpuSeconds,
              'CPU-s',
              { name: 'raw RTCDataChannel', value: limitRun.rawCpuSeconds },
              atMost(CPU_GOAL),
              `the median run; WebTorrent bundle ${limitRun.rival?.cpuSeconds.toFixed(1) ?? '—'} CPU-s; by ` +
                `thread (CPU-s): ours ${limitRun.ours.cpuThreads}; raw channel ${limitRun.rawCpuThreads ?? '—'}; ` +
                `WebTorrent ${limitRun.rival?.cpuThreads ?? '—'}`,
            )
          : failedFigure(
              `CPU time of both browsers, ${label} tab to tab`,
              'CPU-s',
              'raw RTCDataChannel',
              atMost(CPU_GOAL),
              'no run measured both',
            ),
      );
      // The heap's goal is a ceiling: the run with the highest peak counts.
      const heapRun = results
        .filter((run) => run.ours)
        .sort((a, b) => b.ours!.heapPeakMB - a.ours!.heapPeakMB)[0];
      const failure = results.find((run) => run.failure)?.failure;
      figures.push(
        heapRun?.ours
          ? limitFigure(
              `heap peak, downloading tab, ${label}`,
              heapRun.ours.heapPeakMB,
              'MB',
              { name: 'WebTorrent bundle', value: heapRun.rival?.heapPeakMB ?? null },
              HEAP_LIMIT_MB,
              heapRun.ours.note +
                (runs > 1 ? `; the highest of ${runs} runs` : '') +
                (heapRun.ours.error ? `; download failed: ${heapRun.ours.error}` : ''),
            )
          : failedFigure(
              `heap peak, downloading tab, ${label}`,
              'MB',
              'WebTorrent bundle',
              noGoal,
              `our app: ${failure}`,
            ),
      );
      const firstTimes = results.flatMap((run) => (run.ours?.firstMs != null ? [run.ours.firstMs] : []));
      const rivalFirstTimes = results.flatMap((run) =>
        run.rival?.firstMs != null ? [run.rival.firstMs] : [],
      );
      figures.push(
        firstTimes.length > 0
          ? figure(
              'time to first verified piece',
              median(firstTimes),
              'ms',
              { name: 'WebTorrent bundle', value: rivalFirstTimes.length ? median(rivalFirstTimes) : null },
              atMost(FIRST_PIECE_GOAL),
              'ours is read from the UI (the first piece is posted at once as a milestone) by a 20 ms poll' +
                (runs > 1 ? `; medians of ${runs} runs` : ''),
            )
          : failedFigure(
              'time to first verified piece',
              'ms',
              'WebTorrent bundle',
              atMost(FIRST_PIECE_GOAL),
              `our app: ${failure}`,
            ),
      );
      return figures;
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
      await server.close();
    }
  },
};
