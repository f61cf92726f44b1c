// A download from a web seed alone (BEP 19): a single-file torrent with no tracker, its `url-list` naming the test
// range server on loopback (shared/testing/range-server.ts), opened in the app in a fresh Chromium, against a plain
// `fetch` of the same bytes from the same server in the same page, measured right before in the same run. Also
// the app's HTTP requests per MiB. 256 MiB, 3 runs (medians, a bootstrap interval of the ratio); --tiny: 16 MiB,
// 1 run.
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createAnyInfo, encodeAnyTorrent } from '../../shared/codec/metainfo-v2';
import { startRangeServer, type RangeServer } from '../../shared/testing/range-server';
import { buildApp, serveApp } from '../lib/app';
import { atLeast, atMost, failedFigure, figure, median, type Bench, type Figure } from '../lib/figure';
import { ratioInterval } from '../lib/interval';
import { openApp, waitDone, watchItem } from './app-steps';
import { withTabs } from './transfer';
import { webTorrentFromSeed, type ReferenceRun } from './webseed-webtorrent';

const MiB = 1024 * 1024;
const GOAL = 0.9;
/** Requests per MiB at most this share of WebTorrent's. */
const REQUESTS_GOAL = 0.1;
const NAME = 'webseed-bench.bin';
const PIECE_LENGTH = 1024 * 1024;

const hashers = {
  sha1: async (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
};

type Torrent = Awaited<ReturnType<typeof seededTorrent>>;

/** A hybrid torrent of `bytes`, its url-list the file's URL on the server, written to a temporary folder. */
async function seededTorrent(
  bytes: Uint8Array,
  url: string,
): Promise<{ dir: string; path: string; file: Uint8Array }> {
  const { info, pieceLayers } = await createAnyInfo(
    [{ path: [NAME], length: bytes.length, read: async (o: number, n: number) => bytes.slice(o, o + n) }],
    { name: NAME, ...hashers, pieceLength: PIECE_LENGTH },
  );
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-webseed-'));
  const path = join(dir, 'webseed.torrent');
  const file = encodeAnyTorrent({ info, pieceLayers, announce: [], urlList: [url] });
  writeFileSync(path, file);
  return { dir, path, file };
}

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
async function oneRun(appOrigin: string, server: RangeServer, torrent: Torrent, size: number): Promise<Run> {
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

export const webseedBench: Bench = {
  name: 'webseed',
  figures: 'a download from a web seed alone against a plain fetch, and its requests per MiB',
  onlyWhenNamed: true,
  async run(context) {
    const tiny = context.flags.has('--tiny');
    const mib = tiny ? 16 : 256;
    const rounds = tiny ? 1 : 3;
    const bytes = new Uint8Array(randomBytes(mib * MiB));
    const server = await startRangeServer(new Map([[`/files/${NAME}`, bytes]]));
    const app = await serveApp(buildApp(context.log));
    const torrent = await seededTorrent(bytes, `${server.origin}/files/${NAME}`);
    try {
      const loadBefore = loadavg()[0];
      const runs: Run[] = [];
      for (let round = 0; round < rounds; round++) {
        const run = await oneRun(app.url, server, torrent, bytes.length);
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
      await app.close();
      await server.close();
      rmSync(torrent.dir, { recursive: true, force: true });
    }
  },
};
