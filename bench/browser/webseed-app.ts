// One run of the app downloading a torrent from a web seed alone in a fresh Chromium, after a plain `fetch` of the
// same bytes from the same server in the same page (webseed.ts, webseed-paced.ts), and the figure made of such runs.
import type { Page } from '@playwright/test';
import type { RangeServer } from '../../shared/testing/range-server';
import { atLeast, figure, median, type Figure } from '../lib/figure';
import { ratioInterval } from '../lib/interval';
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

/** One run in a fresh Chromium: the plain fetch, then the app's download of the torrent from the seed alone. */
export async function appRun(
  appOrigin: string,
  server: RangeServer,
  download: SeedDownload,
): Promise<AppRun> {
  const { url, size, torrent } = download;
  return withTabs(1, async ([tab]) => {
    const { page } = tab;
    await openApp(page, appOrigin);
    const fetchSeconds = await plainFetch(page, url, size);
    server.requests.length = 0;
    await watchItem(page);
    const start = Date.now();
    await page.getByLabel('Open .torrent file').setInputFiles(torrent);
    const marks = await waitDone(page, Math.max(120_000, (size / MiB) * 2_000));
    if (marks.done === undefined)
      throw new Error(`the download did not finish: ${marks.error ?? 'timed out'}`);
    const requests = server.requests.filter((request) => request.method === 'GET').length;
    const firstSeconds = marks.first === undefined ? undefined : (marks.first - start) / 1000;
    return { fetchSeconds, appSeconds: (marks.done - start) / 1000, firstSeconds, requests };
  });
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
