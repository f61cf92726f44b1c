// `npm run bench -- keeper`: the keeper (issue "Keep online") against a tab. A tracker with a keeper in a temporary
// folder serves the app; a tab shares a file and presses `Keep online`, and once the card says it can close, it
// closes. Each run then times a tab seeding the same bytes (under another name: another swarm) to a fresh tab, and the
// keeper seeding its copy to a fresh tab, with the CPU each seeder spent (the tab's whole Chromium, the keeper
// process, from /proc). The keeper's memory keeping 4 GiB is decision 0017.
import { linkSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { untilValue } from '../../shared/testing/until';
import { startServer, type RunningServer } from '../../signal-tracker/src/server';
import { buildTrackerBundle } from '../../signal-tracker/src/testing/bundle';
import { browserVersion, buildApp, type Tab } from '../lib/app';
import type { Bench, BenchContext, Figure } from '../lib/figure';
import { cpuSecondsOf, totalCpu, watchCpu } from '../lib/processes';
import { openApp, share, timedDownload } from '../browser/app-steps';
import { countFlag } from '../lib/flags';
import { attempt, firstLine, inTurns, loadLabel, randomFileOf, withTabs } from '../lib/session';
import { fetchFigure, serveFigures, type ServeRun } from './keeper-figures';

const MiB = 1024 * 1024;
const MB = 1e6;
/** How long one transfer may take before the run counts as failed, in ms. */
const TRANSFER_TIMEOUT_MS = 300_000;
const KEEP_HOURS = 24;

/** The keeper process the tracker (started in this process) forks: its pid, found by its parent and command line,
 * or undefined while there is none. Its CPU time comes from /proc, not from anything the keeper reports. */
function keeperPid(parent = process.pid): string | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (ppid !== String(parent)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/keeper(-process\.ts|\.js)/.test(command)) return pid;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return undefined;
}

/** What every figure says of the keeper it measured (the bundle users run, not the sources through tsx), and the
 * load average over its runs. */
function loadNote(): () => string {
  const load = loadLabel();
  return () => `the keeper process runs keeper.js as scripts/build-tracker.mjs bundles it; ${load()}`;
}

/** A tracker with a keeper whose quotas hold everything the bench keeps, serving the app; the keeper process runs
 * `script`, the built keeper.js. */
async function keeperServer(folder: string, script: string, context: BenchContext): Promise<RunningServer> {
  const quotaBytes = 64 * 1024 * MiB;
  return startServer({
    port: 0,
    host: '127.0.0.1',
    staticDir: buildApp(context.log),
    logError: (line) => context.log(`  tracker: ${line}`),
    keeper: { folder, script, limits: { quotaBytes, perAddressBytes: quotaBytes, hours: KEEP_HOURS } },
  });
}

/** A tab shares `path` and has the keeper keep it; resolves with its magnet link and the seconds the keep took. */
async function keepFromTab(
  server: RunningServer,
  pid: string,
  path: string,
  name: string,
  log: (message: string) => void,
): Promise<{ magnet: string; seconds: number }> {
  return withTabs(
    1,
    async ([tab]) => {
      await openApp(tab.page, server.url);
      const magnet = await share(tab.page, path, name, TRANSFER_TIMEOUT_MS);
      const item = tab.page
        .getByRole('list', { name: 'Torrents' })
        .getByRole('listitem', { name, exact: true });
      const start = Date.now();
      await item.getByRole('button', { name: `Keep online for ${KEEP_HOURS} hours` }).click();
      await item
        .getByText(/^Kept online until \d\d:\d\d: this tab can close$/)
        .waitFor({ timeout: TRANSFER_TIMEOUT_MS })
        .catch(async () => {
          const card = await item
            .locator('.keep')
            .innerText()
            .catch(() => 'no keep card');
          throw new Error(`the card did not say the tab can close; it says: ${card.replace(/\s+/g, ' ')}`);
        });
      const seconds = (Date.now() - start) / 1000;
      log(`  the keeper fetched ${name} from a tab in ${seconds.toFixed(1)} s`);
      return { magnet, seconds };
    },
    { log },
  );
}

/** Downloads `magnet` in `leech` through the UI; MB/s. */
async function downloadRate(
  leech: Tab,
  server: RunningServer,
  magnet: string,
  size: number,
): Promise<number> {
  await openApp(leech.page, server.url);
  return size / MB / (await timedDownload(leech.page, magnet, TRANSFER_TIMEOUT_MS)).seconds;
}

/** `runs` rounds in turns of a tab seeding `file.path` to a fresh tab (the rate and the seeding Chromium's CPU ms per
 * MB) and of the keeper seeding its copy, `file.magnet`, to a fresh tab (the rate and the keeper process's). */
async function serveRuns(
  server: RunningServer,
  pid: string,
  file: { path: string; tabName: string; magnet: string },
  size: number,
  runs: number,
  log: (m: string) => void,
): Promise<ServeRun[]> {
  const perMB = (cpuSeconds: number) => (cpuSeconds * 1000) / (size / MB);
  const tab = () =>
    withTabs(
      2,
      async ([seed, leech]) => {
        await openApp(seed.page, server.url);
        const magnet = await share(seed.page, file.path, file.tabName, TRANSFER_TIMEOUT_MS);
        const cpu = watchCpu(seed.profileDir);
        const rate = await downloadRate(leech, server, magnet, size);
        return { rate, cpuMsPerMB: perMB(totalCpu(cpu.stop())) };
      },
      { log },
    );
  const keeper = () =>
    withTabs(
      1,
      async ([leech]) => {
        const start = cpuSecondsOf(pid);
        const rate = await downloadRate(leech, server, file.magnet, size);
        return { rate, cpuMsPerMB: perMB(cpuSecondsOf(pid) - start) };
      },
      { log },
    );
  const outcomes = await inTurns(runs, { tab, keeper }, log);
  return outcomes.tab.map((tabRun, i) => {
    const [tabOk, keptOk] = [tabRun, outcomes.keeper[i]].map((r) => (r instanceof Error ? undefined : r));
    const failed = [tabRun, outcomes.keeper[i]].find((r): r is Error => r instanceof Error);
    const text = (value: number | undefined) => value?.toFixed(1) ?? '—';
    log(
      `  run ${i + 1} of ${runs}: tab to tab ${text(tabOk?.rate)} MB/s, ${text(tabOk?.cpuMsPerMB)} CPU-ms/MB; ` +
        `keeper to tab ${text(keptOk?.rate)} MB/s, ${text(keptOk?.cpuMsPerMB)} CPU-ms/MB`,
    );
    return {
      tabRate: tabOk?.rate ?? null,
      keeperRate: keptOk?.rate ?? null,
      tabCpuMsPerMB: tabOk?.cpuMsPerMB ?? null,
      keeperCpuMsPerMB: keptOk?.cpuMsPerMB ?? null,
      ...(failed ? { failure: firstLine(failed) } : {}),
    };
  });
}

interface Sizes {
  size: number;
  runs: number;
}

/** The section's figures from a tracker with a keeper, `file` (a hard link of it at `tabName`) shared by tabs. */
async function measure(
  server: RunningServer,
  file: { dir: string; path: string },
  { size, runs }: Sizes,
  log: (m: string) => void,
): Promise<Figure[]> {
  const label = `${size / MiB} MiB`;
  const tabName = `tab-${size / MiB}MiB.bin`;
  const pid = (await untilValue(keeperPid, (found) => found !== undefined, {
    what: 'the keeper process to start',
    timeoutMs: 30_000,
    intervalMs: 100,
  }))!;
  const load = loadNote();
  const kept = await attempt(log, 'the keep', () =>
    keepFromTab(server, pid, file.path, `kept-${size / MiB}MiB.bin`, log),
  );
  const paths = { path: join(file.dir, tabName), tabName, magnet: kept instanceof Error ? '' : kept.magnet };
  const none = { tabRate: null, keeperRate: null, tabCpuMsPerMB: null, keeperCpuMsPerMB: null };
  const results =
    kept instanceof Error
      ? [{ ...none, failure: firstLine(kept) }]
      : await serveRuns(server, pid, paths, size, runs, log);
  const tabRates = results.flatMap((r) => (r.tabRate === null ? [] : [r.tabRate]));
  const seconds = kept instanceof Error ? [] : [kept.seconds];
  return [...serveFigures(results, label, load()), fetchFigure(label, seconds, size, tabRates, load())];
}

export const keeperBench: Bench = {
  name: 'keeper',
  flags: {
    '--tiny': '32 MiB once: a smoke',
    '--keeper-runs=N': 'runs of the keeper against a tab (3)',
  },
  figures:
    "the keeper: its rate seeding to a tab against a tab's, its CPU per MB served, its rate fetching from a tab",
  onlyWhenNamed: true,
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const tiny = context.flags.has('--tiny');
    const size = (tiny ? 32 : 256) * MiB;
    const sizes = {
      size,
      runs: countFlag(context.flags, 'keeper-runs', tiny ? 1 : 3),
    };
    const keepDir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-keep-'));
    const file = randomFileOf(size, `kept-${size / MiB}MiB.bin`);
    // The same bytes under another name: a torrent of its own, whose swarm the keeper is not in.
    linkSync(file.path, join(file.dir, `tab-${size / MiB}MiB.bin`));
    // The tracker's bundle as `npm run build` makes it (from this checkout, into a temporary folder): the keeper
    // forked from it is the process users run.
    context.log('  building the tracker and its keeper (scripts/build-tracker.mjs)');
    const bundle = buildTrackerBundle();
    let server: RunningServer | undefined;
    try {
      server = await keeperServer(keepDir, join(dirname(bundle.main), 'keeper.js'), context);
      return await measure(server, file, sizes, context.log);
    } finally {
      await server?.close();
      bundle.remove();
      rmSync(file.dir, { recursive: true, force: true });
      rmSync(keepDir, { recursive: true, force: true });
    }
  },
};
