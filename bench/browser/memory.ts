// Memory through a large download: one tab downloads a large torrent (4 GiB by default) from another through the UI, then
// presses `Save`. Sampled all along in the downloading tab's Chromium: its resident memory (every process of that
// browser) against the moment before the download, its profile folder on disk (where the origin-private piece file
// and any blob of the Save live) against the torrent's size, and the JavaScript heap of the page and its workers.
// `--memory-mib=N` sets the size (`--tiny`: 256 MiB); the bench refuses a size the disk under the temporary folder
// cannot hold (the source file, the seeding tab's storage, the downloading tab's, and the saved copy).
import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { rmSync, statSync } from 'node:fs';
import { browserVersion, buildApp, serveApp, type Tab } from '../lib/app';
import { atMost, figure, under, type Bench, type Figure } from '../lib/figure';
import { heapNote, sampleHeap, type HeapPeak } from '../lib/heap';
import { browserRssByKind, ON_DEVICE_MODEL } from '../lib/processes';
import { openApp, share, timedDownload } from './app-steps';
import { countFlag } from '../lib/flags';
import { firstLine, noRoomFor, randomFileOf, withTabs } from '../lib/session';

const MiB = 1024 * 1024;
const MB = 1e6;
/** The goals: memory grows less than 200 MiB at any time; disk at most 1.05x the torrent; heap flat. */
const RSS_GROWTH_LIMIT_MIB = 200;
const DISK_GOAL = 1.05;
const HEAP_LIMIT_MB = 150;
/** Copies of the torrent the disk must hold at once, and a margin for everything else. */
const COPIES = 4;
const MARGIN_BYTES = 2 * 1024 * MiB;

/** Bytes of the files under `dir` (what they take on disk, `du`), 0 when it cannot be read. */
function diskUse(dir: string): number {
  try {
    const out = execFileSync('du', ['-sk', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(out.split('\t')[0]) * 1024;
  } catch {
    return 0;
  }
}

interface BrowserPeaks {
  rssPeak: number;
  /** Resident memory by process kind at that peak. */
  rssPeakByKind: Record<string, number>;
  diskPeak: number;
}

/** Samples a tab's browser every `everyMs`: the peak of its resident memory (and what each kind of process held
 * then) and of its profile folder's size. `peaks()` reads them so far. */
function watchBrowser(tab: Tab, everyMs: number): { peaks(): BrowserPeaks; stop(): BrowserPeaks } {
  let rssPeak = 0;
  let rssPeakByKind: Record<string, number> = {};
  let diskPeak = 0;
  const sample = () => {
    const byKind = browserRssByKind(tab.profileDir);
    const rss = countedRss(byKind);
    if (rss > rssPeak) {
      rssPeak = rss;
      rssPeakByKind = byKind;
    }
    diskPeak = Math.max(diskPeak, diskUse(tab.profileDir));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  const peaks = () => ({ rssPeak, rssPeakByKind, diskPeak });
  return {
    peaks,
    stop() {
      clearInterval(timer);
      sample();
      return peaks();
    },
  };
}

/** The resident memory that counts: every process but Chromium's on-device model service, which both tabs' browsers
 * start by themselves about three minutes after launch (93 MiB each at 1 GiB, the seeder's too), whatever the page
 * does; the log still shows it. */
function countedRss(byKind: Record<string, number>): number {
  return Object.entries(byKind).reduce(
    (sum, [kind, bytes]) => (kind === ON_DEVICE_MODEL ? sum : sum + bytes),
    0,
  );
}

/** "renderer 412 MiB, browser 180 MiB, ..." (largest first). */
function formatKinds(byKind: Record<string, number>): string {
  return Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, bytes]) => `${kind} ${(bytes / MiB).toFixed(0)} MiB`)
    .join(', ');
}

interface MemoryRun {
  seconds: number;
  saveSeconds: number;
  rssBefore: number;
  rssBeforeByKind: Record<string, number>;
  /** The peak until the download completed (before Save), and through the Save. */
  downloaded: BrowserPeaks;
  peaks: BrowserPeaks;
  diskBefore: number;
  heap: HeapPeak;
}

/** Presses `Save` on `name` and waits for the saved file, which must hold `size` bytes; the seconds it took. */
async function save(page: Page, name: string, size: number): Promise<number> {
  const item = page.getByRole('list', { name: 'Torrents' }).getByRole('listitem', { name, exact: true });
  const button = item.getByRole('button', { name: `Save ${name}`, exact: true });
  await button.waitFor({ timeout: 30_000 });
  const start = Date.now();
  const [saved] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const savedSize = statSync(await saved.path()).size;
  await saved.delete().catch(() => {});
  if (savedSize !== size) throw new Error(`Save wrote ${savedSize} bytes, not ${size}`);
  return (Date.now() - start) / 1000;
}

async function downloadAndSave(
  serverUrl: string,
  file: { path: string },
  name: string,
  size: number,
  log: (message: string) => void,
): Promise<MemoryRun> {
  const timeoutMs = Math.max(240_000, (size / MiB) * 400);
  return withTabs(
    2,
    async ([seed, leech]) => {
      await openApp(seed.page, serverUrl);
      const magnet = await share(seed.page, file.path, name, timeoutMs);
      await openApp(leech.page, serverUrl);
      // Let the fresh tab settle before its baseline is taken.
      await leech.page.waitForTimeout(1000);
      const rssBeforeByKind = browserRssByKind(leech.profileDir);
      const diskBefore = diskUse(leech.profileDir);
      const heap = await sampleHeap(leech.page, 1000);
      const watch = watchBrowser(leech, 1000);
      try {
        const { seconds } = await timedDownload(leech.page, magnet, timeoutMs);
        const downloaded = watch.peaks();
        const saveSeconds = await save(leech.page, name, size);
        const peaks = watch.stop();
        log(
          `  ${size / MiB} MiB downloaded in ${seconds.toFixed(1)} s, saved in ${saveSeconds.toFixed(1)} s`,
        );
        const rssBefore = countedRss(rssBeforeByKind);
        return {
          seconds,
          saveSeconds,
          rssBefore,
          rssBeforeByKind,
          downloaded,
          peaks,
          diskBefore,
          heap: await heap.stop(),
        };
      } finally {
        watch.stop();
      }
    },
    { log },
  );
}

/** The three figures of one run (or of none, with why): memory growth and disk against their limits, the heap's
 * peak. */
function memoryFigures(label: string, size: number, run: MemoryRun | string): Figure[] {
  const [done, why] = typeof run === 'string' ? [undefined, run] : [run, undefined];
  const over = `${label} download then Save`;
  const mib = (bytes: number) => (bytes / MiB).toFixed(0);
  const rssBefore = done?.rssBefore ?? 0;
  return [
    figure(
      `memory: browser growth over a ${over}`,
      done ? (done.peaks.rssPeak - rssBefore) / MiB : null,
      'MiB',
      { name: `limit ${RSS_GROWTH_LIMIT_MIB} MiB`, value: RSS_GROWTH_LIMIT_MIB },
      under(RSS_GROWTH_LIMIT_MIB),
      done &&
        `peak resident memory of every process of the downloading browser (but Chromium's on-device model ` +
          `service), sampled each second, less its ${mib(rssBefore)} MiB before the download (growth until the ` +
          `download completed ${mib(done.downloaded.rssPeak - rssBefore)} MiB); at the peak ` +
          `${formatKinds(done.peaks.rssPeakByKind)}, before ${formatKinds(done.rssBeforeByKind)}; download ` +
          `${done.seconds.toFixed(1)} s, Save ${done.saveSeconds.toFixed(1)} s`,
      why,
    ),
    figure(
      `disk: downloading browser over a ${over}`,
      done ? (done.peaks.diskPeak - done.diskBefore) / MiB : null,
      'MiB',
      { name: 'torrent size', value: size / MiB },
      atMost(DISK_GOAL),
      "peak growth of the downloading browser's profile folder (piece file, IndexedDB, blobs), sampled each " +
        'second through the Save (the saved file itself is not in it)',
      why,
    ),
    figure(
      `heap peak, downloading tab, ${over}`,
      done ? done.heap.peak / MB : null,
      'MB',
      { name: `limit ${HEAP_LIMIT_MB} MB`, value: HEAP_LIMIT_MB },
      under(HEAP_LIMIT_MB),
      done && heapNote(done.heap),
      why,
    ),
  ];
}

export const memoryBench: Bench = {
  name: 'memory',
  flags: {
    '--tiny': '256 MiB: a smoke',
    '--memory-mib=N': "the download's size in MiB (4096; refused when the disk cannot hold it)",
  },
  figures: 'memory, disk and heap through a large download and Save',
  async run(context) {
    context.browserVersion ??= await browserVersion();
    const size = countFlag(context.flags, 'memory-mib', context.flags.has('--tiny') ? 256 : 4096) * MiB;
    const label =
      size >= 1024 * MiB ? `${(size / 1024 / MiB).toFixed(0)} GiB` : `${(size / MiB).toFixed(0)} MiB`;
    const noRoom = noRoomFor(COPIES, size, MARGIN_BYTES);
    if (noRoom) return memoryFigures(label, size, `not run: ${noRoom} (pass a smaller --memory-mib=N)`);
    const name = `bench-memory-${size / MiB}MiB.bin`;
    const server = await serveApp(buildApp(context.log));
    const file = randomFileOf(size, name);
    try {
      const run = await downloadAndSave(server.url, file, name, size, context.log);
      return memoryFigures(label, size, run);
    } catch (error) {
      const reason = firstLine(error);
      context.log(`  memory failed: ${reason}`);
      return memoryFigures(label, size, `our app: ${reason}`);
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
      await server.close();
    }
  },
};
