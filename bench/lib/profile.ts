// `--profile`: a CPU profile of a tab's main thread over a transfer, summed by function (self time), for the
// paragraphs of docs/performance.md on what limits a figure. The engine worker is profiled from inside, with the
// JS Self-Profiling API (profiling it through the DevTools protocol's Target.sendMessageToTarget stalled the
// transfer: none of its connections came up).
import type { BrowserContext, CDPSession, Page } from '@playwright/test';

/** Chromium exposes the JS Self-Profiling API (`new Profiler(...)`) to workers only with experimental web platform
 * features on; these also turn on Local Network Access checks, which block the tracker's socket on 127.0.0.1. */
export function selfProfilingArgs(args: readonly string[]): string[] {
  const disabled = [
    'LocalNetworkAccessChecks',
    'LocalNetworkAccessChecksWebSockets',
    'LocalNetworkAccessChecksWebRTC',
  ];
  const other = args.filter((arg) => !arg.startsWith('--disable-features='));
  const features = args
    .filter((arg) => arg.startsWith('--disable-features='))
    .flatMap((arg) => arg.slice('--disable-features='.length).split(','));
  return [
    ...other,
    '--enable-experimental-web-platform-features',
    `--disable-features=${[...features, ...disabled].join(',')}`,
  ];
}

/** The API also needs the document's (and the worker script's) `Document-Policy: js-profiling` header: added to
 * every response of the app's origin by a route, so the app's server stays as it is. */
export async function allowSelfProfiling(context: BrowserContext): Promise<void> {
  const header = { 'document-policy': 'js-profiling' };
  await context.route(/^http:\/\/127\.0\.0\.1/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), ...header } });
  });
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** A V8 CPU profile (Profiler.stop's result, or a .cpuprofile file). */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The top functions of a profile by self time, as lines "12.3 % name file:line". */
export function summarizeProfile(result: CpuProfile, top = 12): string[] {
  const time = new Map<number, number>();
  result.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (result.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  for (const node of result.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber}`;
    byName.set(key, (byName.get(key) ?? 0) + (time.get(node.id) ?? 0));
  }
  const total = [...byName.values()].reduce((a, b) => a + b, 0) || 1;
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, t]) => `${((100 * t) / total).toFixed(1)} % ${name}`);
}

export interface Profiler {
  /** The top functions by self time, as lines "12.3 % name file:line". */
  stop(top?: number): Promise<string[]>;
}

export async function profile(page: Page): Promise<Profiler> {
  const session: CDPSession = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 1000 });
  await session.send('Profiler.start');
  return {
    async stop(top = 12) {
      const { profile: result } = (await session.send('Profiler.stop')) as unknown as {
        profile: CpuProfile;
      };
      await session.detach().catch(() => {});
      return summarizeProfile(result, top);
    },
  };
}

/**
 * A sampling profile of the page's engine worker, taken inside the worker with the JS Self-Profiling API (the tab
 * must come from persistentTab({ workerProfiling: true })). Lines: the share of samples in which the worker was busy,
 * then the top functions by self time and by total time (a function and what it calls), in % of busy samples.
 */
export async function profileWorker(page: Page): Promise<Profiler> {
  const deadline = Date.now() + 10_000;
  let worker = page.workers().find((w) => w.url().includes('engine'));
  while (!worker && Date.now() < deadline) {
    await page.waitForTimeout(100);
    worker = page.workers().find((w) => w.url().includes('engine'));
  }
  if (!worker) throw new Error('no engine worker to profile');
  await worker.evaluate(() => {
    type SelfProfiler = new (options: { sampleInterval: number; maxBufferSize: number }) => unknown;
    const scope = globalThis as unknown as { Profiler?: SelfProfiler; benchProfiler?: unknown };
    if (!scope.Profiler) throw new Error('the JS Self-Profiling API is not available in the worker');
    scope.benchProfiler = new scope.Profiler({ sampleInterval: 1, maxBufferSize: 1_000_000 });
  });
  const engineWorker = worker;
  return {
    async stop(top = 12) {
      // A string, not a function: tsx would wrap the function's inner names in a helper the worker lacks.
      return engineWorker.evaluate<string[]>(`(${SUMMARIZE_WORKER_PROFILE})(${Number(top)})`);
    },
  };
}

/** Stops the worker's profiler and sums its samples by function (runs inside the worker, hence plain JavaScript). */
const SUMMARIZE_WORKER_PROFILE = `async (count) => {
  const trace = await globalThis.benchProfiler.stop();
  function name(frameId) {
    const frame = trace.frames[frameId];
    const file = frame.resourceId !== undefined ? trace.resources[frame.resourceId] : '';
    return (frame.name || '(anonymous)') + ' ' + (file.split('/').pop() || '') + ':' + (frame.line ?? '');
  }
  const self = new Map();
  const total = new Map();
  let busy = 0;
  for (const sample of trace.samples) {
    if (sample.stackId === undefined) continue;
    busy++;
    const top = name(trace.stacks[sample.stackId].frameId);
    self.set(top, (self.get(top) || 0) + 1);
    const seen = new Set();
    for (let id = sample.stackId; id !== undefined; id = trace.stacks[id].parentId) {
      const frame = name(trace.stacks[id].frameId);
      if (seen.has(frame)) continue;
      seen.add(frame);
      total.set(frame, (total.get(frame) || 0) + 1);
    }
  }
  function lines(map) {
    return [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([frame, n]) => ((100 * n) / Math.max(1, busy)).toFixed(1) + ' % ' + frame);
  }
  return [
    'busy in ' + ((100 * busy) / Math.max(1, trace.samples.length)).toFixed(1) + ' % of ' + trace.samples.length + ' samples',
    'self time:',
    ...lines(self),
    'total time (with what it calls):',
    ...lines(total),
  ];
}`;
