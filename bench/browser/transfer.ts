// Transfer between two tabs: our app through its real UI against one raw RTCDataChannel between two plain pages
// (the limit) and WebTorrent's bundle through our tracker (the rival), `--runs=N` rounds of the three in turns. Every
// tab is its own Chromium with a persistent profile, so storage is on disk. Figures: the rate against each, the CPU
// time of both browsers, the downloading tab's heap peak, the time to the first verified piece.
import { rmSync } from 'node:fs';
import type { RunningServer } from '../../signal-tracker/src/server';
import { browserVersion, buildApp, serveApp, type Tab } from '../lib/app';
import { atLeast, atMost, figure, median, under, type Bench, type Figure } from '../lib/figure';
import { countFlag } from '../lib/flags';
import { heapNote, sampleHeap } from '../lib/heap';
import { formatCpu, totalCpu, watchCpu } from '../lib/processes';
import { firstLine, inTurns, medianBy, randomFileOf, succeeded, withTabs } from '../lib/session';
import { openApp, share, timedDownload } from './app-steps';
import { bundleServer, openBundle, wtDownload, wtSeed } from './webtorrent';

const MiB = 1024 * 1024;
const MB = 1e6;
const HEAP_LIMIT_MB = 150;
/** At least 1.8x WebTorrent's bundle; both browsers' CPU at most 1.25x the raw channel's; the first verified piece
 * in under half WebTorrent's time. */
const RIVAL_GOAL = 1.8;
const CPU_GOAL = 1.25;
const FIRST_PIECE_GOAL = 0.5;

type RawWindow = {
  bench: {
    ready: boolean;
    rawChannel: {
      offer(): Promise<string>;
      answer(offer: string): Promise<string>;
      accept(answer: string): Promise<void>;
      send(total: number): Promise<void>;
      received(total: number): Promise<{ bytes: number; seconds: number }>;
    };
  };
};

/** CPU time of both browsers over a transfer. */
interface CpuUse {
  cpuSeconds: number;
}

/** Starts counting both tabs' browsers' CPU; the function it returns logs what they used under `label`. */
export function watchBoth(tabs: Tab[], log: (message: string) => void): (label: string) => CpuUse {
  const [sender, receiver] = tabs.map((tab) => watchCpu(tab.profileDir));
  return (label) => {
    const [sent, received] = [sender.stop(), receiver.stop()];
    log(`  ${label}, CPU: sending browser ${formatCpu(sent)}; receiving browser ${formatCpu(received)}`);
    return { cpuSeconds: totalCpu(sent) + totalCpu(received) };
  };
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

/** The raw channel between the tabs `a` (sending) and `b`, both on bench.html of `origin`, from its first message to
 * its last; `timeoutMs` bounds its opening and its bytes. */
export async function rawChannelBetween(
  [a, b]: Tab[],
  origin: string,
  size: number,
  log: (message: string) => void,
  { timeoutMs }: { timeoutMs?: number } = {},
): Promise<{ mbPerSecond: number } & CpuUse> {
  for (const tab of [a, b]) {
    await tab.page.goto(new URL('/bench.html', origin).href);
    await tab.page.waitForFunction(() => (window as unknown as RawWindow).bench?.ready === true);
  }
  const raw = (page: Tab['page']) =>
    page.evaluateHandle(() => (window as unknown as RawWindow).bench.rawChannel);
  const [sender, receiver] = [await raw(a.page), await raw(b.page)];
  const offer = await sender.evaluate((r) => r.offer());
  const answer = await receiver.evaluate((r, o) => r.answer(o), offer);
  const limit = `${(timeoutMs ?? 0) / 1000} s`;
  await withinTime(
    sender.evaluate((r, s) => r.accept(s), answer),
    timeoutMs,
    `the raw channel did not open in ${limit}`,
  );
  const cpu = watchBoth([a, b], log);
  const received = receiver.evaluate((r, n) => r.received(n), size);
  const sent = sender.evaluate((r, n) => r.send(n), size);
  const { bytes, seconds } = await withinTime(
    Promise.all([sent, received]).then(([, result]) => result),
    timeoutMs,
    `the raw channel did not deliver ${size} bytes in ${limit}`,
  );
  return { mbPerSecond: bytes / MB / seconds, ...cpu('raw channel') };
}

/** What one client's transfer measured (the raw channel has no heap or first piece). */
interface Run extends CpuUse {
  mbPerSecond: number;
  firstMs: number | null;
  heapPeakMB: number | null;
  note?: string;
}

/** Our app: one tab shares the file, another downloads it through the UI. */
function appTransfer(
  server: RunningServer,
  file: { path: string; name: string; size: number },
  log: (message: string) => void,
): Promise<Run> {
  return withTabs(
    2,
    async (tabs) => {
      const [seed, leech] = tabs;
      await openApp(seed.page, server.url);
      const magnet = await share(seed.page, file.path, file.name, 240_000);
      await openApp(leech.page, server.url);
      const heap = await sampleHeap(leech.page);
      const cpu = watchBoth(tabs, log);
      const done = await timedDownload(leech.page, magnet, 240_000);
      const cpuUse = cpu('ours');
      const peak = await heap.stop();
      const note = `heap ${heapNote(peak)}`;
      log(`  ours: downloaded in ${done.seconds.toFixed(1)} s; ${note}`);
      const mbPerSecond = file.size / MB / done.seconds;
      return { mbPerSecond, firstMs: done.firstSeconds * 1000, heapPeakMB: peak.peak / MB, ...cpuUse, note };
    },
    { log },
  );
}

/** WebTorrent's bundle, seeding in one tab and downloading in another. */
async function webtorrentTransfer(
  server: RunningServer,
  file: { path: string; name: string; size: number },
  log: (message: string) => void,
): Promise<Run> {
  const bundle = await bundleServer(file.path);
  try {
    return await withTabs(
      2,
      async (tabs) => {
        const [seed, leech] = tabs;
        await openBundle(seed.page, bundle.url);
        const magnet = await wtSeed(seed.page, file.name, server.trackerUrl);
        await openBundle(leech.page, bundle.url);
        const heap = await sampleHeap(leech.page);
        const cpu = watchBoth(tabs, log);
        const result = await wtDownload(leech.page, magnet);
        const cpuUse = cpu('WebTorrent');
        const peak = await heap.stop();
        if (result.length !== file.size)
          throw new Error(`WebTorrent got ${result.length} bytes, not ${file.size}`);
        log(
          `  WebTorrent: downloaded in ${(result.doneMs / 1000).toFixed(1)} s, heap ${(peak.peak / MB).toFixed(0)} MB`,
        );
        const mbPerSecond = file.size / MB / (result.doneMs / 1000);
        return { mbPerSecond, firstMs: result.firstMs, heapPeakMB: peak.peak / MB, ...cpuUse };
      },
      { log },
    );
  } finally {
    bundle.close();
  }
}

/** One round: each client's run, or its error. */
interface Round {
  raw: Run | Error;
  ours: Run | Error;
  WebTorrent: Run | Error;
}

const rate = (run: Run | Error) => (run instanceof Error ? null : run.mbPerSecond);

/** Ours against `baseline` in each round that measured the baseline; a round whose download failed counts as the
 * worst (ratio -1). */
function against(rounds: Round[], baseline: 'raw' | 'WebTorrent') {
  const measured = rounds.filter((round) => rate(round[baseline]) !== null);
  const ratio = (round: Round) => (rate(round.ours) ?? -rate(round[baseline])!) / rate(round[baseline])!;
  const { sorted } = medianBy(measured, ratio);
  const completed = sorted.filter((round) => ratio(round) >= 0);
  const text = (round: Round) =>
    !measured.includes(round) ? '—' : ratio(round) < 0 ? 'failed' : `${ratio(round).toFixed(2)}x`;
  const each = rounds.map((round, i) => `run ${i + 1}: ${text(round)}`).join(', ');
  return { median: completed[(completed.length - 1) >> 1], worst: sorted[0], each };
}

/** The rate figures: ours against the raw channel (the median round, and the worst of several), against WebTorrent. */
function rateFigures(rounds: Round[], label: string, why: string): Figure[] {
  const n = rounds.length;
  const medianOf = (each: string) => (n > 1 ? `median of ${n} runs (${each})` : undefined);
  const rateFigure = (
    name: string,
    round: Round | undefined,
    baseline: 'raw' | 'WebTorrent',
    goal: number,
    note?: string,
  ) => {
    const base = baseline === 'raw' ? 'raw RTCDataChannel' : 'WebTorrent bundle';
    // No round measured the baseline: say why, rather than blame our app.
    const baseFailure = rounds.map((r) => r[baseline]).find((run) => run instanceof Error);
    const reason = round || !baseFailure ? why : `${base}: ${firstLine(baseFailure)}`;
    const value = { name: base, value: round ? rate(round[baseline]) : null };
    return figure(name, round ? rate(round.ours) : null, 'MB/s', value, atLeast(goal), note, reason);
  };
  const [limit, rival] = [against(rounds, 'raw'), against(rounds, 'WebTorrent')];
  return [
    rateFigure(
      `transfer ${label} tab to tab, vs the limit`,
      limit.median,
      'raw',
      n > 1 ? 0.9 : 0.8,
      medianOf(limit.each),
    ),
    ...(n > 1
      ? [rateFigure(`transfer ${label} tab to tab, worst of ${n} runs vs the limit`, limit.worst, 'raw', 0.8)]
      : []),
    rateFigure(
      `transfer ${label} tab to tab, vs the rival`,
      rival.median,
      'WebTorrent',
      RIVAL_GOAL,
      medianOf(rival.each),
    ),
  ];
}

function figures(rounds: Round[], label: string): Figure[] {
  const n = rounds.length;
  const failure = rounds.map((round) => round.ours).find((run) => run instanceof Error);
  const why = `our app: ${failure ? firstLine(failure) : 'no run'}`;
  const ok = (run: Run | Error | undefined) => (run instanceof Error ? undefined : run);
  // What limits the rate when the cores are full: the CPU both browsers spend (from /proc), in the round at the
  // median ratio to the limit, against the raw channel's in that round.
  const middle = against(rounds, 'raw').median;
  const [ours, raw, wt] = [ok(middle?.ours), ok(middle?.raw), ok(middle?.WebTorrent)];
  const cpu = figure(
    `CPU time of both browsers, ${label} tab to tab`,
    ours && raw ? ours.cpuSeconds : null,
    'CPU-s',
    { name: 'raw RTCDataChannel', value: raw?.cpuSeconds ?? null },
    atMost(CPU_GOAL),
    `the median run; WebTorrent bundle ${wt?.cpuSeconds.toFixed(1) ?? '—'} CPU-s`,
    'no run measured both',
  );
  // The heap's goal is a ceiling: the round with the highest peak counts.
  const heapRound = rounds
    .filter((round) => !(round.ours instanceof Error))
    .sort((a, b) => (b.ours as Run).heapPeakMB! - (a.ours as Run).heapPeakMB!)[0];
  const heapOurs = ok(heapRound?.ours);
  const heap = figure(
    `heap peak, downloading tab, ${label}`,
    heapOurs?.heapPeakMB ?? null,
    'MB',
    { name: 'WebTorrent bundle', value: ok(heapRound?.WebTorrent)?.heapPeakMB ?? null },
    under(HEAP_LIMIT_MB),
    `${heapOurs?.note}${n > 1 ? `; the highest of ${n} runs` : ''}`,
    why,
  );
  const firsts = (client: keyof Round) =>
    succeeded(rounds.map((round) => round[client])).flatMap((run) => run.firstMs ?? []);
  const [ourFirsts, rivalFirsts] = [firsts('ours'), firsts('WebTorrent')];
  const first = figure(
    'time to first verified piece',
    ourFirsts.length > 0 ? median(ourFirsts) : null,
    'ms',
    { name: 'WebTorrent bundle', value: rivalFirsts.length ? median(rivalFirsts) : null },
    atMost(FIRST_PIECE_GOAL),
    `ours is read from the UI (the first piece is posted at once as a milestone) by a 20 ms poll${n > 1 ? `; medians of ${n} runs` : ''}`,
    why,
  );
  return [...rateFigures(rounds, label, why), cpu, heap, first];
}

export const transferBench: Bench = {
  name: 'transfer',
  flags: {
    '--tiny': '32 MiB once: a smoke, not a figure to keep',
    '--runs=N': 'rounds of the raw channel, ours and WebTorrent in turns (5)',
  },
  figures: 'transfer between two tabs: rate, CPU, heap, first verified piece',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const { flags, log } = context;
    const size = flags.has('--tiny') ? 32 * MiB : 256 * MiB;
    const runs = countFlag(flags, 'runs', flags.has('--tiny') ? 1 : 5);
    const file = {
      ...randomFileOf(size, `bench-${size / MiB}MiB.bin`),
      name: `bench-${size / MiB}MiB.bin`,
      size,
    };
    const server = await serveApp(buildApp(log));
    try {
      const raw = (tabs: Tab[]) => rawChannelBetween(tabs, server.url, size, log);
      const clients: Record<keyof Round, () => Promise<Run>> = {
        raw: async () => ({ ...(await withTabs(2, raw, { log })), firstMs: null, heapPeakMB: null }),
        ours: () => appTransfer(server, file, log),
        WebTorrent: () => webtorrentTransfer(server, file, log),
      };
      const outcomes = await inTurns(runs, clients, log);
      const rounds = outcomes.ours.map((ours, i) => ({
        ours,
        raw: outcomes.raw[i],
        WebTorrent: outcomes.WebTorrent[i],
      }));
      return figures(rounds, `${size / MiB} MiB`);
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
      await server.close();
    }
  },
};
