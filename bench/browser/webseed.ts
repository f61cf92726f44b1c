// Web seeds (BEP 19). (1) A download from a web seed alone: a single-file torrent with no tracker, its `url-list`
// naming the test range server on loopback (shared/testing/range-server.ts), opened in the app in a fresh Chromium,
// against a plain `fetch` of the same bytes from the same server in the same page, measured right before
// (webseed-app.ts). (2) The app's HTTP requests per MiB in that download, and its rate, against WebTorrent's browser
// bundle downloading the same torrent from the same server right after (webseed-webtorrent.ts), the requests from
// the server's own log. (3) (1) with the server sending at 400 Mbit/s (webseed-paced.ts). 256 MiB, 3 runs each
// (medians, a bootstrap interval of the download's ratio, the load average); --tiny: 16 MiB, 1 run. (4) Play to the
// first frame from a web seed alone against from a tab (webseed-playback.ts). `--download`: (1) to (3); `--paced`:
// (3); `--play`: (4).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startRangeServer, type RangeServer } from '../../shared/testing/range-server';
import { buildApp, serveApp } from '../lib/app';
import {
  atLeast,
  atMost,
  failedFigure,
  figure,
  median,
  noGoal,
  type Bench,
  type BenchContext,
  type Figure,
} from '../lib/figure';
import { appRun, downloadFigure, DOWNLOAD_GOAL, type AppRun } from './webseed-app';
import { seedTorrent, type SeedTorrent } from './webseed-torrent';
import { webSeedPlayFigure } from './webseed-playback';
import { webTorrentFromSeed, type ReferenceRun } from './webseed-webtorrent';
import { pacedFigure } from './webseed-paced';

const MiB = 1024 * 1024;
/** Requests per MiB at most this share of WebTorrent's. */
const REQUESTS_GOAL = 0.1;
const NAME = 'webseed-bench.bin';
const PIECE_LENGTH = 1024 * 1024;

interface Run {
  /** The app as it ships. */
  worker: AppRun;
  /** WebTorrent's download of the same torrent from the same server. */
  reference: ReferenceRun;
}

/** One run: the plain fetch and the app in a fresh Chromium, then WebTorrent in another. */
async function oneRun(
  appOrigin: string,
  seed: { server: RangeServer; torrent: SeedTorrent; size: number },
): Promise<Run> {
  const { server, torrent, size } = seed;
  const download = { url: `${server.origin}/files/${NAME}`, size, torrent: torrent.path };
  const worker = await appRun(appOrigin, server, download);
  return { worker, reference: await webTorrentFromSeed(server, torrent.file, size) };
}

function requestsFigure(runs: Run[], mib: number, load: string): Figure {
  const ours = median(runs.map((run) => run.worker.requests / mib));
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

/** The app's rate against WebTorrent's browser bundle downloading the same torrent from the same server. */
function webTorrentFigure(runs: Run[], mib: number, load: string): Figure {
  return figure(
    `webseed: ${mib} MiB from a web seed alone, against WebTorrent`,
    median(runs.map((run) => mib / run.worker.appSeconds)),
    'MiB/s',
    {
      name: "WebTorrent's browser bundle on the same torrent and server",
      value: median(runs.map((run) => mib / run.reference.seconds)),
    },
    noGoal,
    `medians of ${runs.length} run(s), WebTorrent's from its torrent added to its 'done'; ${load}`,
  );
}

function figures(runs: Run[], mib: number, load: string): Figure[] {
  const name = `webseed: ${mib} MiB from a web seed alone`;
  const server = 'the range server on loopback';
  return [
    downloadFigure(
      name,
      runs.map((run) => run.worker),
      mib,
      server,
      load,
    ),
    requestsFigure(runs, mib, load),
    webTorrentFigure(runs, mib, load),
  ];
}

/** The unlimited runs: the 256 MiB download against a plain fetch, its requests per MiB and its rate against
 * WebTorrent's. */
async function unlimitedFigures(
  context: BenchContext,
  appUrl: string,
  seed: { server: RangeServer; torrent: SeedTorrent; size: number },
): Promise<Figure[]> {
  const mib = seed.size / MiB;
  const rounds = context.flags.has('--tiny') ? 1 : 3;
  try {
    const loadBefore = loadavg()[0];
    const runs: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      const run = await oneRun(appUrl, seed);
      context.log(`  webseed run ${round + 1}: ${JSON.stringify(run)}`);
      runs.push(run);
    }
    const load = `1-minute load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`;
    return figures(runs, mib, load);
  } catch (error) {
    const name = `webseed: ${mib} MiB from a web seed alone`;
    return [failedFigure(name, 'MiB/s', 'a plain fetch', atLeast(DOWNLOAD_GOAL), (error as Error).message)];
  }
}

/** The 256 MiB download (--tiny: 16 MiB) from the range server unlimited (unless --paced), and paced. */
async function downloadFigures(context: BenchContext, appUrl: string): Promise<Figure[]> {
  const { flags } = context;
  const tiny = flags.has('--tiny');
  const bytes = new Uint8Array(randomBytes((tiny ? 16 : 256) * MiB));
  const server = await startRangeServer(new Map([[`/files/${NAME}`, bytes]]));
  const url = `${server.origin}/files/${NAME}`;
  const torrent = await seedTorrent(NAME, bytes, url, PIECE_LENGTH);
  try {
    const figures: Figure[] = [];
    if (!flags.has('--paced'))
      figures.push(...(await unlimitedFigures(context, appUrl, { server, torrent, size: bytes.length })));
    const download = { url, size: bytes.length, torrent: torrent.path };
    figures.push(await pacedFigure(appUrl, server, download, tiny ? 1 : 3, context.log));
    return figures;
  } finally {
    await server.close();
    rmSync(torrent.dir, { recursive: true, force: true });
  }
}

export const webseedBench: Bench = {
  name: 'webseed',
  flags: {
    '--tiny': '16 MiB, one run: a smoke',
    '--download': 'only the download figures (unlimited and at 400 Mbit/s)',
    '--paced': 'only the download at 400 Mbit/s',
    '--play': 'only Play to the first frame from a web seed',
  },
  figures:
    'a download from a web seed alone against a plain fetch (unlimited, and at 400 Mbit/s), its requests per MiB ' +
    'and rate against WebTorrent, and Play to the first frame from a web seed alone against from a tab',
  onlyWhenNamed: true,
  async run(context) {
    const download = context.flags.has('--download') || context.flags.has('--paced');
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
