// `--trace`: a Chromium trace of a tab's whole renderer over a transfer (every thread, not only JavaScript: the
// WebRTC network thread, the IPC thread to the network service, the compositor, the engine worker), summed two
// ways: the time of each thread's top-level tasks, and the V8 CPU profiler's samples of each thread that runs
// JavaScript (the main thread, the engine worker), by function (self time). Tracing slows the browser down: the
// figures of a --trace run are not figures to keep, the shares are what it is for.
import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from '@playwright/test';

export interface TraceEvent {
  ph: string;
  name: string;
  cat?: string;
  pid: number;
  tid: number;
  /** Wall and thread time of a complete ('X') event, in microseconds. */
  dur?: number;
  tdur?: number;
  id?: string;
  args?: {
    name?: string;
    data?: {
      cpuProfile?: {
        nodes?: Array<{ id: number; callFrame: { functionName: string; url?: string; lineNumber?: number } }>;
        samples?: number[];
      };
      timeDeltas?: number[];
    };
  };
}

const CATEGORIES = ['toplevel', 'disabled-by-default-v8.cpu_profiler'].join(',');

/** Top-level task names Chromium's threads run their work under. */
const TOP_LEVEL = new Set(['ThreadControllerImpl::RunTask', 'ThreadPool_RunTask']);

/** Lines: each thread's top-level task time (ms), then each profiled thread's top functions by self time (ms). */
export function summarizeTrace(events: TraceEvent[], top = 12): string[] {
  const threads = new Map<string, string>();
  for (const event of events)
    if (event.ph === 'M' && event.name === 'thread_name' && event.args?.name)
      threads.set(`${event.pid}:${event.tid}`, event.args.name);
  const threadOf = (event: TraceEvent) =>
    threads.get(`${event.pid}:${event.tid}`) ?? `thread ${event.pid}:${event.tid}`;

  const tasks = new Map<string, number>();
  for (const event of events) {
    if (event.ph !== 'X' || !TOP_LEVEL.has(event.name)) continue;
    const ms = (event.tdur ?? event.dur ?? 0) / 1000;
    tasks.set(threadOf(event), (tasks.get(threadOf(event)) ?? 0) + ms);
  }

  // The profiler's chunks: per profile (pid + id), the nodes seen so far and the self time of each.
  const profiles = new Map<
    string,
    { thread: string; nodes: Map<number, string>; self: Map<number, number> }
  >();
  for (const event of events) {
    if (event.name !== 'Profile' && event.name !== 'ProfileChunk') continue;
    const key = `${event.pid}:${event.id ?? ''}`;
    let profile = profiles.get(key);
    if (!profile) {
      profile = { thread: threadOf(event), nodes: new Map(), self: new Map() };
      profiles.set(key, profile);
    }
    if (event.name === 'Profile') profile.thread = threadOf(event);
    const data = event.args?.data;
    for (const node of data?.cpuProfile?.nodes ?? []) {
      const { functionName, url, lineNumber } = node.callFrame;
      const file = (url ?? '').split('/').pop() ?? '';
      profile.nodes.set(
        node.id,
        `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber ?? ''}` : ''}`,
      );
    }
    const deltas = data?.timeDeltas ?? [];
    (data?.cpuProfile?.samples ?? []).forEach((id, i) =>
      profile.self.set(id, (profile.self.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0)),
    );
  }

  const lines = ['threads, top-level task time:'];
  for (const [thread, ms] of [...tasks].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`  ${ms.toFixed(0)} ms ${thread}`);
  for (const profile of profiles.values()) {
    const byName = new Map<string, number>();
    for (const [id, us] of profile.self) {
      const name = profile.nodes.get(id) ?? `node ${id}`;
      if (name === '(idle)') continue;
      byName.set(name, (byName.get(name) ?? 0) + us / 1000);
    }
    const busy = [...byName.values()].reduce((a, b) => a + b, 0);
    if (busy === 0) continue;
    lines.push(`${profile.thread}, ${busy.toFixed(0)} ms sampled busy, self time:`);
    for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, top))
      lines.push(`  ${ms.toFixed(0)} ms ${name}`);
  }
  return lines;
}

export interface Tracer {
  stop(top?: number): Promise<string[]>;
}

/** Starts tracing the tab's renderer (and its workers' threads) until `stop`; with `save`, the events are written
 * there too (a JSON array, for chrome://tracing or a script), with the timeline's events (each task's events,
 * layouts, event dispatches). */
export async function traceTab(page: Page, save?: string): Promise<Tracer> {
  const session: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  session.on('Tracing.dataCollected', (event) => events.push(...(event.value as unknown as TraceEvent[])));
  const categories = save ? `${CATEGORIES},devtools.timeline` : CATEGORIES;
  await session.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
  return {
    async stop(top = 12) {
      const complete = new Promise<void>((resolve) =>
        session.once('Tracing.tracingComplete', () => resolve()),
      );
      await session.send('Tracing.end');
      await complete;
      await session.detach().catch(() => {});
      if (save) writeFileSync(save, JSON.stringify(events));
      return summarizeTrace(events, top);
    },
  };
}
