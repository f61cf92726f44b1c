// Hidden and frozen tabs: a seeding tab whose Chromium throttles and freezes it as a real browser's does
// (e2e/lifecycle.ts: started without Playwright's switches that keep pages awake, driven over CDP), serving one
// download over an emulated path (netem/). Over a real uplink, not loopback with the app's own upload limit: on
// loopback the rate is set by the CPU or by the limiter's own waits, so the figure would measure them; behind a
// 20 Mbit/s uplink 50 ms away the seeder must keep a round trip's worth of blocks moving as a real one does, and
// any step of its serving that waits on a throttled page timer shows as lost rate. The same tab is measured visible,
// then hidden (intensive wake-up throttling forced after 10 s, as Chromium applies it after 5 minutes), then frozen
// for a minute and resumed. Figures and protocol: lifecycle-figures.ts.
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { forwardToNode } from '../../netem';
import { lifecycleTab, type LifecycleTab } from '../../e2e/lifecycle';
import type { Tab } from '../lib/app';
import { emulatedBenchStart, loadLabel } from '../lib/emulated';
import type { Bench, BenchContext, Figure } from '../lib/figure';
import { download, openApp, share } from './app-steps';
import { peersFigure, resumeFigure, uploadFigure, type LifecycleRun } from './lifecycle-figures';
import { lifecyclePlan, SETTLE_S, type LifecyclePlan } from './lifecycle-plan';
import { randomFileOf, withTabs } from './transfer';
import { onPath, type OnPath } from './wan';

const MB = 1e6;
const SHARE_TIMEOUT_MS = 600_000;
const FIRST_BYTES_TIMEOUT_MS = 120_000;

const sleep = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000));

type Watched = { benchBytes: { t: number; bytes: number }[] };
type Probed = { benchWakes: number };

/** Records in the downloader's page each change of its torrent's received bytes, with its time (Date.now). */
async function watchBytes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const changes: { t: number; bytes: number }[] = [];
    (window as unknown as Watched).benchBytes = changes;
    setInterval(() => {
      const bytes = Number(document.querySelector<HTMLElement>('li[data-infohash]')?.dataset.downloaded ?? 0);
      if (bytes !== (changes.at(-1)?.bytes ?? 0)) changes.push({ t: Date.now(), bytes });
    }, 20);
  });
}

const byteChanges = (page: Page) => page.evaluate(() => (window as unknown as Watched).benchBytes);

/** A chained 50 ms timer in the seeding tab's page: how often it runs tells the throttling the page has (a chain
 * of five or more is what intensive throttling holds back). Text, since the bench's build would name a function. */
const PROBE = `(() => {
  window.benchWakes = 0;
  const wake = () => { window.benchWakes++; setTimeout(wake, 50); };
  wake();
})()`;

const probeWakes = (page: Page) => page.evaluate(PROBE);

interface Reading {
  t: number;
  bytes: number;
  wakes: number;
}

async function reading(seeder: Page, leech: Page): Promise<Reading> {
  const wakes = await seeder.evaluate(() => (window as unknown as Probed).benchWakes);
  const changes = await byteChanges(leech);
  return { t: Date.now(), bytes: changes.at(-1)?.bytes ?? 0, wakes };
}

const rate = (a: Reading, b: Reading) => (b.bytes - a.bytes) / MB / ((b.t - a.t) / 1000);
const wakesPerS = (a: Reading, b: Reading) => (b.wakes - a.wakes) / ((b.t - a.t) / 1000);

async function peersOf(page: Page): Promise<number> {
  const text = await page.locator('li[data-infohash] div:has(> dt:text-is("Peers")) > dd').textContent();
  return Number(text);
}

/** Polls `check` every 100 ms until it returns a value, or gives undefined after `seconds`. */
async function within<T>(seconds: number, check: () => Promise<T | undefined>): Promise<T | undefined> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() >= end) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The seeder shares, the downloader starts; resolves once the ramp is over. */
async function started(on: OnPath, tab: LifecycleTab, leech: Page, file: SharedFile, plan: LifecyclePlan) {
  await openApp(tab.page, `${on.server.origin}/`);
  const magnet = await share(tab.page, file.path, file.name, SHARE_TIMEOUT_MS, (input, path) =>
    tab.setInputFiles(input, [path]),
  );
  await probeWakes(tab.page);
  await openApp(leech, on.server.origin);
  await watchBytes(leech);
  await download(leech, magnet);
  const first = await within(FIRST_BYTES_TIMEOUT_MS / 1000, async () =>
    (await byteChanges(leech)).length > 0 ? true : undefined,
  );
  if (!first) throw new Error(`no bytes in ${FIRST_BYTES_TIMEOUT_MS / 1000} s`);
  await sleep(plan.warmupS);
}

/** The freeze: from the resume to the first new bytes, and the downloader's peers then. */
async function afterFreeze(tab: LifecycleTab, leech: Page, plan: LifecyclePlan) {
  const peersBefore = await peersOf(leech);
  await tab.freeze();
  await sleep(plan.freezeS);
  const frozenBytes = (await byteChanges(leech)).at(-1)?.bytes ?? 0;
  await tab.resume();
  const resumed = Date.now();
  // Where blocks are slow to come back, whether the downloader lost the seeder meanwhile and found it again.
  const counts: string[] = [];
  let lastCount: number | undefined;
  const flowing = await within(plan.afterResumeS, async () => {
    const peers = await peersOf(leech);
    if (peers !== lastCount) counts.push(`${peers} at ${((Date.now() - resumed) / 1000).toFixed(1)} s`);
    lastCount = peers;
    return (await byteChanges(leech)).find((change) => change.t >= resumed && change.bytes > frozenBytes);
  });
  const seen = await tab.seen();
  if (seen.join() !== 'hidden,visible,hidden,freeze,resume')
    throw new Error(`the tab lived through ${seen.join(', ')}`);
  const peersAfter = await within(plan.afterResumeS, async () => {
    const peers = await peersOf(leech);
    return peers >= peersBefore ? peers : undefined;
  });
  return {
    resumeS: flowing ? (flowing.t - resumed) / 1000 : null,
    peersBefore,
    peersAfter: peersAfter ?? null,
    peersSinceResume: counts.join(', '),
  };
}

/** The longest wait between two byte counts from `from` to `to`. */
function longestGapS(changes: { t: number }[], from: number, to: number): number | null {
  const inside = changes.filter((change) => change.t >= from && change.t <= to);
  let longest: number | null = null;
  for (let i = 1; i < inside.length; i++) longest = Math.max(longest ?? 0, inside[i].t - inside[i - 1].t);
  return longest === null ? null : longest / 1000;
}

interface SharedFile {
  path: string;
  name: string;
}

/** Visible, hidden, visible again: the rates and the page's timer wake-ups in each window. */
async function windows(tab: LifecycleTab, leech: Page, plan: LifecyclePlan) {
  const read = () => reading(tab.page, leech);
  const before = [await read()];
  await sleep(plan.visibleS);
  before.push(await read());
  await tab.hide();
  await sleep(plan.intensiveAfterS + SETTLE_S);
  const hidden = [await read()];
  await sleep(plan.hiddenS - plan.intensiveAfterS - SETTLE_S);
  hidden.push(await read());
  await tab.show();
  await sleep(SETTLE_S);
  const after = [await read()];
  await sleep(plan.visibleS);
  after.push(await read());
  await tab.hide();
  return { before, hidden, after };
}

async function measure(on: OnPath, tab: LifecycleTab, leech: Tab, file: SharedFile, plan: LifecyclePlan) {
  await started(on, tab, leech.page, file, plan);
  const { before, hidden, after } = await windows(tab, leech.page, plan);
  const freeze = await afterFreeze(tab, leech.page, plan);
  const both = (measure: (a: Reading, b: Reading) => number) =>
    (measure(before[0], before[1]) + measure(after[0], after[1])) / 2;
  return {
    visibleMBps: both(rate),
    hiddenMBps: rate(hidden[0], hidden[1]),
    visibleWakesPerS: both(wakesPerS),
    hiddenWakesPerS: wakesPerS(hidden[0], hidden[1]),
    steadyGapS: longestGapS(await byteChanges(leech.page), before[0].t, before[1].t),
    ...freeze,
  };
}

const failedRun = (error: string, load = ''): LifecycleRun => ({
  visibleMBps: null,
  hiddenMBps: null,
  visibleWakesPerS: null,
  hiddenWakesPerS: null,
  resumeS: null,
  steadyGapS: null,
  peersBefore: null,
  peersAfter: null,
  load,
  error,
});

/** One run on a fresh path: the seeding tab in the `seeder` node, driven over a forward to its debugging port. */
async function runOnce(
  plan: LifecyclePlan,
  staticDir: string,
  file: SharedFile,
  seed: number,
  log: (message: string) => void,
): Promise<LifecycleRun> {
  const load = loadLabel();
  try {
    return await onPath(plan.path, staticDir, { seed, relayed: false }, async (on) => {
      const tab = await lifecycleTab(on.server.origin, {
        launch: on.launches[0],
        reach: (port) => forwardToNode(on.emulator, 'seeder', port),
        intensiveAfterS: plan.intensiveAfterS,
      });
      try {
        const measured = await withTabs(1, ([leech]) => measure(on, tab, leech, file, plan), {
          log,
          launches: [on.launches[1]],
        });
        return { ...measured, load: load() };
      } finally {
        await tab.close();
      }
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    log(`  the run failed: ${message}`);
    return failedRun(message, load());
  }
}

function logRun(log: (message: string) => void, run: LifecycleRun): void {
  if (run.error) return;
  const f = (value: number | null) => (value === null ? '?' : value.toFixed(2));
  log(
    `  visible ${f(run.visibleMBps)} MB/s (${f(run.visibleWakesPerS)} page wake-ups/s), hidden ` +
      `${f(run.hiddenMBps)} MB/s (${f(run.hiddenWakesPerS)}/s); blocks ${f(run.resumeS)} s after the resume; ` +
      `peers ${run.peersAfter ?? 'fewer'} of ${run.peersBefore} (the downloader's from the resume: ` +
      `${run.peersSinceResume || 'none read'}); ${run.load}`,
  );
}

export const lifecycleBench: Bench = {
  name: 'lifecycle',
  flags: {
    '--tiny': 'one short run: a smoke',
    '--lifecycle-runs=N': 'runs (3)',
    '--lifecycle-freeze=N': 'seconds the seeding tab stays frozen (60)',
  },
  figures: 'a seeding tab hidden, throttled and frozen, against the same tab visible, over an emulated path',
  onlyWhenNamed: true,
  async run(context: BenchContext): Promise<Figure[]> {
    const staticDir = await emulatedBenchStart(context);
    if (staticDir === undefined) return [];
    const plan = lifecyclePlan(context.flags);
    const name = `lifecycle-${Math.round(plan.sizeBytes / MB)}MB.bin`;
    const { dir, path } = randomFileOf(plan.sizeBytes, name);
    try {
      const runs: LifecycleRun[] = [];
      for (let run = 0; run < plan.runs; run++) {
        context.log(`  ${plan.path.label}, run ${run + 1} of ${plan.runs}`);
        runs.push(await runOnce(plan, staticDir, { path, name }, 7000 + run, context.log));
        logRun(context.log, runs[run]);
      }
      return [uploadFigure(plan, runs), resumeFigure(plan, runs), peersFigure(plan, runs)];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
