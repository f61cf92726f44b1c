// One run of the app downloading a torrent from a web seed alone in a fresh Chromium, after a plain `fetch` of the
// same bytes from the same server in the same page (webseed.ts, webseed-paced.ts); the figures made of such runs,
// and the A/B of where the engine computes v2 pieces' leaf hashes (its hash worker, or the engine worker itself).
import type { Page } from '@playwright/test';
import type { RangeServer } from '../../shared/testing/range-server';
import { atLeast, figure, median, noGoal, type Figure } from '../lib/figure';
import { ratioInterval } from '../lib/interval';
import { traceTab } from '../lib/trace';
import { openApp, waitDone, watchItem } from './app-steps';
import { withTabs } from './transfer';

const MiB = 1024 * 1024;

/** Seconds for the page to fetch `url` whole, reading its body as a stream. */
export async function plainFetch(page: Page, url: string, size: number): Promise<number> {
  const result = await page.evaluate(async (target) => {
    const start = performance.now();
    const response = await fetch(target, { cache: 'no-store' });
    const reader = response.body!.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
    }
    return { seconds: (performance.now() - start) / 1000, bytes };
  }, url);
  if (result.bytes !== size) throw new Error(`plain fetch read ${result.bytes} of ${size} bytes`);
  return result.seconds;
}

/** What one run measured: the plain fetch's and the app's seconds, and the GETs the server saw for the app. */
export interface AppRun {
  fetchSeconds: number;
  appSeconds: number;
  /** From opening the .torrent to its first verified piece shown: the torrent's start. */
  firstSeconds: number | undefined;
  requests: number;
}

/** The file the plain fetch reads (`url`, `size` bytes) and the .torrent the app opens (`torrent`, a path). */
export interface SeedDownload {
  url: string;
  size: number;
  torrent: string;
}

/** One run in a fresh Chromium: the plain fetch, then the app's download of the torrent from the seed alone;
 * with `trace`, the tab's Chromium trace over the download goes to it. */
export async function appRun(
  appOrigin: string,
  server: RangeServer,
  download: SeedDownload,
  trace?: (message: string) => void,
): Promise<AppRun> {
  const { url, size, torrent } = download;
  return withTabs(1, async ([tab]) => {
    const { page } = tab;
    await openApp(page, appOrigin);
    const fetchSeconds = await plainFetch(page, url, size);
    server.requests.length = 0;
    await watchItem(page);
    const tracer = trace ? await traceTab(page) : undefined;
    const start = Date.now();
    await page.getByLabel('Open .torrent file').setInputFiles(torrent);
    const marks = await waitDone(page, Math.max(120_000, (size / MiB) * 2_000));
    if (tracer)
      trace?.(
        `  the tab at ${appOrigin}, downloading from the web seed, traced:\n    ` +
          (await tracer.stop()).join('\n    '),
      );
    if (marks.done === undefined)
      throw new Error(`the download did not finish: ${marks.error ?? 'timed out'}`);
    const requests = server.requests.filter((request) => request.method === 'GET').length;
    const firstSeconds = marks.first === undefined ? undefined : (marks.first - start) / 1000;
    return { fetchSeconds, appSeconds: (marks.done - start) / 1000, firstSeconds, requests };
  });
}

/** The app's address with v2 pieces' leaf hashes computed in the engine worker rather than in its hash worker
 * (web/src/lib/messages/block-hash-place.ts). */
export function hashesInEngine(appOrigin: string): string {
  const url = new URL(appOrigin);
  url.searchParams.set('block-hashes', 'engine');
  return url.href;
}

/** The download's goal: at least this share of the plain fetch's rate. */
export const DOWNLOAD_GOAL = 0.9;

/** The app's rate against the plain fetch's over `runs` (medians, a bootstrap interval of the ratio); `server`: how
 * the range server sent, for the note. */
export function downloadFigure(
  name: string,
  runs: AppRun[],
  mib: number,
  server: string,
  load: string,
): Figure {
  const app = runs.map((run) => mib / run.appSeconds);
  const plain = runs.map((run) => mib / run.fetchSeconds);
  const interval = ratioInterval(app, plain);
  return figure(
    name,
    median(app),
    'MiB/s',
    { name: `a plain fetch of the same bytes from the same server`, value: median(plain) },
    atLeast(DOWNLOAD_GOAL),
    `Chromium, ${server}, median of ${runs.length} run(s), ratio interval ${interval.low.toFixed(2)} to ` +
      `${interval.high.toFixed(2)} (${Math.round(interval.confidence * 100)} %); the app's time runs from ` +
      `opening the .torrent to seeding; ${load}`,
  );
}

/** The A/B: the app's rate with its hash worker (`worker`, the app as it ships) against with the leaf hashes in the
 * engine worker (`engine`), from runs interleaved in the same bench run (medians, a bootstrap interval of the
 * ratio). Above 1: the hash worker pays on this machine. */
export function hashWorkerFigure(
  name: string,
  runs: { worker: AppRun; engine: AppRun }[],
  mib: number,
  load: string,
): Figure {
  const worker = runs.map((run) => mib / run.worker.appSeconds);
  const engine = runs.map((run) => mib / run.engine.appSeconds);
  const interval = ratioInterval(worker, engine);
  const perFetch = (pick: (run: { worker: AppRun; engine: AppRun }) => AppRun) =>
    median(runs.map((run) => pick(run).fetchSeconds / pick(run).appSeconds)).toFixed(2);
  return figure(
    name,
    median(worker),
    'MiB/s',
    {
      name: 'the same download with the leaf hashes in the engine worker (?block-hashes=engine)',
      value: median(engine),
    },
    noGoal,
    `Chromium, the range server on loopback, ${runs.length} run(s) of each, interleaved (the order swapped every ` +
      `run), each in a fresh Chromium after its own plain fetch; ratio interval ${interval.low.toFixed(2)} to ` +
      `${interval.high.toFixed(2)} (${Math.round(interval.confidence * 100)} %); against their own fetches ` +
      `(median of the per-run ratios) ${perFetch((run) => run.worker)}x with the hash worker, ` +
      `${perFetch((run) => run.engine)}x without; ${load}`,
  );
}
