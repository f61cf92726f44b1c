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
import { atLeast, failedFigure, figure, median, noGoal, type Bench, type Figure } from '../lib/figure';
import { ratioInterval } from '../lib/interval';
import { openApp, waitDone, watchItem } from './app-steps';
import { withTabs } from './transfer';

const MiB = 1024 * 1024;
const GOAL = 0.9;
const NAME = 'webseed-bench.bin';
const PIECE_LENGTH = 1024 * 1024;

const hashers = {
  sha1: async (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
};

/** A hybrid torrent of `bytes`, its url-list the file's URL on the server, written to a temporary folder. */
async function seededTorrent(bytes: Uint8Array, url: string): Promise<{ dir: string; path: string }> {
  const { info, pieceLayers } = await createAnyInfo(
    [{ path: [NAME], length: bytes.length, read: async (o: number, n: number) => bytes.slice(o, o + n) }],
    { name: NAME, ...hashers, pieceLength: PIECE_LENGTH },
  );
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-webseed-'));
  const path = join(dir, 'webseed.torrent');
  writeFileSync(path, encodeAnyTorrent({ info, pieceLayers, announce: [], urlList: [url] }));
  return { dir, path };
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
}

/** One run in a fresh Chromium: the plain fetch, then the app's download of the torrent from the seed alone. */
async function oneRun(appOrigin: string, server: RangeServer, torrent: string, size: number): Promise<Run> {
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

function figures(runs: Run[], mib: number, load: string): Figure[] {
  const app = runs.map((run) => mib / run.appSeconds);
  const plain = runs.map((run) => mib / run.fetchSeconds);
  const interval = ratioInterval(app, plain);
  const requestsPerMiB = median(runs.map((run) => run.requests / mib));
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
    figure(
      `webseed: HTTP requests per MiB`,
      requestsPerMiB,
      'requests/MiB',
      { name: "WebTorrent's (not measured)", value: null },
      noGoal,
      `GET requests the server saw during the app's download; WebTorrent's bundle is not run against the seed ` +
        `here, so there is no ratio; ${load}`,
    ),
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
        const run = await oneRun(app.url, server, torrent.path, bytes.length);
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
