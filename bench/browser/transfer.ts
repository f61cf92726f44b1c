// Figures 1 (transfer tab to tab), 5 (the downloading tab's heap) and 7 (time to first verified piece): our app
// through its real UI against one raw RTCDataChannel (the limit) and WebTorrent's bundle through our tracker
// (the rival). Every tab is its own Chromium process with a persistent profile, so storage is on disk.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '../../signal-tracker/src/server';
import { browserVersion, buildApp, persistentTab, serveApp, type Tab } from '../lib/app';
import {
  atLeast,
  failedFigure,
  figure,
  limitFigure,
  noGoal,
  type Bench,
  type BenchContext,
  type Figure,
} from '../lib/figure';
import { sampleHeap } from '../lib/heap';
import { profile } from '../lib/profile';
import { download, openApp, share, waitDone, watchItem } from './app-steps';
import { bundleServer, openBundle, wtDownload, wtSeed } from './webtorrent';

const MiB = 1024 * 1024;
const MB = 1e6;
const HEAP_LIMIT_MB = 150;

export function randomFileOf(size: number, name: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-file-'));
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  for (let at = 0; at < size; at += 16 * MiB) writeSync(fd, randomBytes(Math.min(16 * MiB, size - at)));
  closeSync(fd);
  return { dir, path };
}

export async function withTabs<T>(count: number, work: (tabs: Tab[]) => Promise<T>): Promise<T> {
  const tabs: Tab[] = [];
  try {
    for (let i = 0; i < count; i++) tabs.push(await persistentTab());
    return await work(tabs);
  } finally {
    for (const tab of tabs) await tab.close();
  }
}

type RawWindow = {
  bench: {
    ready: boolean;
    rawChannel: {
      offer(): Promise<string>;
      answer(offer: string): Promise<string>;
      accept(answer: string): Promise<void>;
      send(total: number, messageSize?: number, highWater?: number, lowThreshold?: number): Promise<void>;
      received(total: number): Promise<{ bytes: number; seconds: number }>;
    };
  };
};

/** MB/s of one fresh RTCDataChannel between two tabs moving `size` bytes (`buffer`: high water, low mark). */
async function rawChannel(server: RunningServer, size: number, buffer?: [number, number]): Promise<number> {
  return withTabs(2, async ([a, b]) => {
    for (const tab of [a, b]) {
      await tab.page.goto(new URL('/bench.html', server.url).href);
      await tab.page.waitForFunction(() => (window as unknown as RawWindow).bench?.ready === true);
    }
    const offer = await a.page.evaluate(() => (window as unknown as RawWindow).bench.rawChannel.offer());
    const answer = await b.page.evaluate(
      (o) => (window as unknown as RawWindow).bench.rawChannel.answer(o),
      offer,
    );
    await a.page.evaluate((s) => (window as unknown as RawWindow).bench.rawChannel.accept(s), answer);
    const received = b.page.evaluate(
      (n) => (window as unknown as RawWindow).bench.rawChannel.received(n),
      size,
    );
    await a.page.evaluate(
      ([n, b]) => (window as unknown as RawWindow).bench.rawChannel.send(n, 65536, b?.[0], b?.[1]),
      [size, buffer] as const,
    );
    const { bytes, seconds } = await received;
    return bytes / MB / seconds;
  });
}

interface AppRun {
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
  return withTabs(2, async ([seed, leech]) => {
    await openApp(seed.page, server.url);
    const shareStart = Date.now();
    const magnet = await share(seed.page, file.path, name, timeoutMs);
    log(`  ours: shared ${name} in ${((Date.now() - shareStart) / 1000).toFixed(1)} s`);
    await openApp(leech.page, server.url);
    const heap = await sampleHeap(leech.page);
    const profilers = profiling ? [await profile(seed.page), await profile(leech.page)] : [];
    await watchItem(leech.page);
    const start = await download(leech.page, magnet);
    const marks = await waitDone(leech.page, timeoutMs);
    const peak = await heap.stop();
    for (const [i, profiler] of profilers.entries())
      log(
        `  ${i === 0 ? 'seeding' : 'downloading'} tab, main thread, self time:\n    ${(await profiler.stop()).join('\n    ')}`,
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
      note: heapNote,
    };
  });
}

interface RivalRun {
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
    return await withTabs(2, async ([seed, leech]) => {
      await openBundle(seed.page, bundle.url);
      const magnet = await wtSeed(seed.page, name, server.trackerUrl);
      await openBundle(leech.page, bundle.url);
      const heap = await sampleHeap(leech.page);
      const result = await wtDownload(leech.page, magnet);
      const peak = await heap.stop();
      if (result.length !== size) throw new Error(`WebTorrent got ${result.length} bytes, not ${size}`);
      log(
        `  WebTorrent: downloaded in ${(result.doneMs / 1000).toFixed(1)} s, heap peak ${(peak.peak / MB).toFixed(0)} MB`,
      );
      return {
        mbPerSecond: size / MB / (result.doneMs / 1000),
        firstMs: result.firstMs,
        heapPeakMB: peak.peak / MB,
      };
    });
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

export const transferBench: Bench = {
  name: 'transfer',
  figures: '1, 5, 7',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    // --tiny: 32 MiB, a smoke (or a short --profile run), not figures to keep.
    const size = context.flags.has('--tiny') ? 32 * MiB : 256 * MiB;
    const label = `${size / MiB} MiB`;
    const name = `bench-${size / MiB}MiB.bin`;
    const server = await serveApp(buildApp(context.log));
    const file = randomFileOf(size, name);
    const figures: Figure[] = [];
    try {
      const raw = await attempt('raw channel', context, () => rawChannel(server, size));
      if (!(raw instanceof Error)) context.log(`  raw RTCDataChannel: ${raw.toFixed(1)} MB/s`);
      // The same channel kept as full as the app keeps its channels (ChannelWriter's 256 KiB high-water mark,
      // simple-peer's 64 KiB low mark): how much the shallow send buffer alone costs.
      const shallow = await attempt('raw channel, shallow buffer', context, () =>
        rawChannel(server, size, [256 * 1024, 64 * 1024]),
      );
      if (!(shallow instanceof Error))
        context.log(`  raw RTCDataChannel, 256 KiB buffer: ${shallow.toFixed(1)} MB/s`);
      const ours = await attempt('our app', context, () =>
        appTransfer(server, file, name, size, 240_000, context.log, context.flags.has('--profile')),
      );
      const rival = await attempt('WebTorrent', context, () =>
        webtorrentTransfer(server, file, name, size, context.log),
      );
      const rawValue = raw instanceof Error ? null : raw;
      const rivalValue = rival instanceof Error ? null : rival;
      const oursValue = ours instanceof Error ? null : ours;
      const failure = ours instanceof Error ? ours.message.split('\n')[0] : ours.error;

      const transfer = (against: string, baseline: string, value: number | null, goal: number) =>
        oursValue?.mbPerSecond != null
          ? figure(
              `transfer ${label} tab to tab, vs ${against}`,
              oursValue.mbPerSecond,
              'MB/s',
              { name: baseline, value },
              atLeast(goal),
            )
          : failedFigure(
              `transfer ${label} tab to tab, vs ${against}`,
              'MB/s',
              baseline,
              atLeast(goal),
              `our app: ${failure}`,
              value,
            );
      figures.push(transfer('the limit', 'raw RTCDataChannel', rawValue, 0.8));
      figures.push(
        shallow instanceof Error
          ? failedFigure(
              "raw channel with the app's 256 KiB send buffer",
              'MB/s',
              'raw RTCDataChannel',
              noGoal,
              shallow.message,
            )
          : figure(
              "raw channel with the app's 256 KiB send buffer",
              shallow,
              'MB/s',
              { name: 'raw RTCDataChannel', value: rawValue },
              noGoal,
              'diagnostic: refilled from 64 KiB to 256 KiB, as ChannelWriter and simple-peer do; the raw figure keeps 1-8 MiB queued',
            ),
      );
      figures.push(transfer('the rival', 'WebTorrent bundle', rivalValue?.mbPerSecond ?? null, 2));
      figures.push(
        oursValue
          ? limitFigure(
              `heap peak, downloading tab, ${label}`,
              oursValue.heapPeakMB,
              'MB',
              { name: 'WebTorrent bundle', value: rivalValue?.heapPeakMB ?? null },
              HEAP_LIMIT_MB,
              oursValue.note + (oursValue.error ? `; download failed: ${oursValue.error}` : ''),
            )
          : failedFigure(
              `heap peak, downloading tab, ${label}`,
              'MB',
              'WebTorrent bundle',
              noGoal,
              `our app: ${failure}`,
            ),
      );
      figures.push(
        oursValue?.firstMs != null
          ? figure(
              'time to first verified piece',
              oursValue.firstMs,
              'ms',
              { name: 'WebTorrent bundle', value: rivalValue?.firstMs ?? null },
              noGoal,
              'ours is read from the UI, which refreshes every 500 ms: up to 500 ms late',
            )
          : failedFigure(
              'time to first verified piece',
              'ms',
              'WebTorrent bundle',
              noGoal,
              `our app: ${failure}`,
            ),
      );
      if (context.flags.has('--heap-2g')) {
        const big = randomFileOf(2048 * MiB, 'bench-2GiB.bin');
        try {
          const run = await attempt('2 GiB', context, () =>
            appTransfer(server, big, 'bench-2GiB.bin', 2048 * MiB, 600_000, context.log),
          );
          figures.push(
            run instanceof Error || run.error
              ? failedFigure(
                  'heap peak, downloading tab, 2 GiB',
                  'MB',
                  `same tab at ${label}`,
                  noGoal,
                  run instanceof Error ? run.message : run.error!,
                )
              : limitFigure(
                  'heap peak, downloading tab, 2 GiB',
                  run.heapPeakMB,
                  'MB',
                  { name: `same tab at ${label}`, value: oursValue?.heapPeakMB ?? null },
                  HEAP_LIMIT_MB,
                  `${run.note}; ${run.mbPerSecond?.toFixed(1)} MB/s`,
                ),
          );
        } finally {
          rmSync(big.dir, { recursive: true, force: true });
        }
      }
      return figures;
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
      await server.close();
    }
  },
};
