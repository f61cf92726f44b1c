// Web seeds (BEP 19), three figures in one run. (1) A download from a web seed alone: a single-file torrent with no
// tracker, its `url-list` naming the test range server on loopback (shared/testing/range-server.ts), opened in the
// app in a fresh Chromium, against a plain `fetch` of the same bytes from the same server in the same page, measured
// right before. (2) The app's HTTP requests per MiB in that download against those of WebTorrent's browser bundle
// downloading the same torrent from the same server right after (webseed-webtorrent.ts), from the server's own log.
// 256 MiB, 3 runs (medians, a bootstrap interval of the download's ratio, the load average); --tiny: 16 MiB, 1 run.
// (3) Play to the first frame from a web seed alone against from a tab (webseed-playback.ts). `--download`, `--play`:
// (1) and (2), or (3), only; `--log-reads`: each web-seed session of (3) logs its timeline from Play to the first frame.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from '@playwright/test';
import { startRangeServer, type RangeServer } from '../../shared/testing/range-server';
import { buildApp, serveApp } from '../lib/app';
import {
  atLeast,
  atMost,
  failedFigure,
  figure,
  median,
  type Bench,
  type BenchContext,
  type Figure,
} from '../lib/figure';
import { ratioInterval } from '../lib/interval';
import { openApp, waitDone, watchItem } from './app-steps';
import { withTabs } from './transfer';
import { seedTorrent, type SeedTorrent } from './webseed-torrent';
import { webSeedPlayFigure } from './webseed-playback';
import { webTorrentFromSeed, type ReferenceRun } from './webseed-webtorrent';

const MiB = 1024 * 1024;
const GOAL = 0.9;
/** Requests per MiB at most this share of WebTorrent's. */
const REQUESTS_GOAL = 0.1;
const NAME = 'webseed-bench.bin';
const PIECE_LENGTH = 1024 * 1024;

/** Seconds for the page to fetch `url` whole, reading its body as a stream. */
async function plainFetch(page: Page, url: string, size: number): Promise<number> {
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

interface Run {
  fetchSeconds: number;
  appSeconds: number;
  requests: number;
  /** WebTorrent's download of the same torrent from the same server. */
  reference: ReferenceRun;
}

/** One run in a fresh Chromium: the plain fetch, then the app's download of the torrent from the seed alone. */
async function appRun(
  appOrigin: string,
  server: RangeServer,
  torrent: string,
  size: number,
): Promise<Omit<Run, 'reference'>> {
  return withTabs(1, async ([tab]) => {
    const { page } = tab;
    await openApp(page, appOrigin);
    const fetchSeconds = await plainFetch(page, `${server.origin}/files/${NAME}`, size);
    server.requests.length = 0;
    await watchItem(page);
    const start = Date.now();
    await page.getByLabel('Open .torrent file').setInputFiles(torrent);
    const marks = await waitDone(page, Math.max(120_000, (size / MiB) * 2_000));
    if (marks.done === undefined)
      throw new Error(`the download did not finish: ${marks.error ?? 'timed out'}`);
    const requests = server.requests.filter((request) => request.method === 'GET').length;
    return { fetchSeconds, appSeconds: (marks.done - start) / 1000, requests };
  });
}

/** One run: the plain fetch and the app in one fresh Chromium, then WebTorrent in another. */
async function oneRun(
  appOrigin: string,
  server: RangeServer,
  torrent: SeedTorrent,
  size: number,
): Promise<Run> {
  const app = await appRun(appOrigin, server, torrent.path, size);
  return { ...app, reference: await webTorrentFromSeed(server, torrent.file, size) };
}

function requestsFigure(runs: Run[], mib: number, load: string): Figure {
  const ours = median(runs.map((run) => run.requests / mib));
  const theirs = median(runs.map((run) => run.reference.requests / mib));
  const preflights = median(runs.map((run) => run.reference.preflights / mib));
  return figure(
    'webseed: HTTP requests per MiB',
    ours,
    'requests/MiB',
    { name: "WebTorrent's browser bundle on the same torrent and server", value: theirs },
    atMost(REQUESTS_GOAL),
    `GET requests the range server saw during each download, median of ${runs.length} run(s); WebTorrent's ` +
      `also needed ${preflights.toFixed(2)} CORS preflights (OPTIONS) per MiB, the app's none ` +
      `(${median(runs.map((run) => run.reference.seconds)).toFixed(1)} s for WebTorrent's download); ${load}`,
  );
}

function figures(runs: Run[], mib: number, load: string): Figure[] {
  const app = runs.map((run) => mib / run.appSeconds);
  const plain = runs.map((run) => mib / run.fetchSeconds);
  const interval = ratioInterval(app, plain);
  return [
    figure(
      `webseed: ${mib} MiB from a web seed alone`,
      median(app),
      'MiB/s',
      { name: 'a plain fetch of the same bytes', value: median(plain) },
      atLeast(GOAL),
      `Chromium, the range server on loopback, median of ${runs.length} run(s), ratio interval ` +
        `${interval.low.toFixed(2)} to ${interval.high.toFixed(2)} (${Math.round(interval.confidence * 100)} %); ` +
        `the app's time runs from opening the .torrent to seeding (published every 500 ms); ${load}`,
    ),
    requestsFigure(runs, mib, load),
  ];
}

/** The 256 MiB download (--tiny: 16 MiB) against a plain fetch, and the requests per MiB against WebTorrent's. */
async function downloadFigures(context: BenchContext, appUrl: string): Promise<Figure[]> {
  const tiny = context.flags.has('--tiny');
  const mib = tiny ? 16 : 256;
  const rounds = tiny ? 1 : 3;
  const bytes = new Uint8Array(randomBytes(mib * MiB));
  const server = await startRangeServer(new Map([[`/files/${NAME}`, bytes]]));
  const torrent = await seedTorrent(NAME, bytes, `${server.origin}/files/${NAME}`, PIECE_LENGTH);
  try {
    const loadBefore = loadavg()[0];
    const runs: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      const run = await oneRun(appUrl, server, torrent, bytes.length);
      context.log(`  webseed run ${round + 1}: ${JSON.stringify(run)}`);
      runs.push(run);
    }
    const load = `1-minute load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`;
    return figures(runs, mib, load);
  } catch (error) {
    const reason = (error as Error).message;
    return [
      failedFigure(
        `webseed: ${mib} MiB from a web seed alone`,
        'MiB/s',
        'a plain fetch',
        atLeast(GOAL),
        reason,
      ),
    ];
  } finally {
    await server.close();
    rmSync(torrent.dir, { recursive: true, force: true });
  }
}

export const webseedBench: Bench = {
  name: 'webseed',
  figures:
    'a download from a web seed alone against a plain fetch, its requests per MiB against WebTorrent, and Play ' +
    'to the first frame from a web seed alone against from a tab (--download, --play: that part only)',
  onlyWhenNamed: true,
  async run(context) {
    const download = context.flags.has('--download');
    const play = context.flags.has('--play');
    const app = await serveApp(buildApp(context.log));
    try {
      const figures: Figure[] = [];
      if (download || !play) figures.push(...(await downloadFigures(context, app.url)));
      if (play || !download) figures.push(await webSeedPlayFigure(context, app.url));
      return figures;
    } finally {
      await app.close();
    }
  },
};
