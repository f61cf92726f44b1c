// Web seeds (BEP 19): a single-file torrent with no tracker, its `url-list` naming the test range server on loopback
// (shared/testing/range-server.ts), opened in the app in a fresh Chromium. Parts: `download`, the app's download
// against a plain `fetch` of the same bytes from the same server in the same page right before, and its HTTP requests
// per MiB and rate against WebTorrent's browser bundle downloading the same torrent from the same server in turns
// (webseed-app.ts); `play`, Play to the first frame from a web seed alone against from a tab.
// The download at 400 Mbit/s is decision 0018. 256 MiB, 3 runs each (medians, a bootstrap
// interval of the download's ratio, the load average); --tiny: 16 MiB, 1 run.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { startRangeServer, type RangeServer } from '../../shared/testing/range-server';
import { buildApp, serveApp } from '../lib/app';
import {
  atLeast,
  atMost,
  figure,
  median,
  noGoal,
  type Bench,
  type BenchContext,
  type Figure,
} from '../lib/figure';
import { wantsPart } from '../lib/flags';
import { intervalText, ratioInterval } from '../lib/interval';
import { firstLine, inTurns, loadLabel, succeeded } from '../lib/session';
import { appRun, seedTorrent, webTorrentRun, type SeedDownload, type SeedRun } from './webseed-app';
import { share } from './app-steps';
import { benchVideo, logged, playFromTab, playFromWebSeed, secondsOf, videoSize } from './playback';

const MiB = 1024 * 1024;
/** The download at least this share of the plain fetch's rate; requests per MiB at most this share of WebTorrent's. */
const DOWNLOAD_GOAL = 0.9;
const REQUESTS_GOAL = 0.1;
const NAME = 'webseed-bench.bin';
const WEBTORRENT = "WebTorrent's browser bundle on the same torrent and server";

/** The app's rate against the plain fetch's (medians, a bootstrap interval of the ratio). */
function downloadFigure(name: string, runs: (SeedRun | Error)[], mib: number, load: string): Figure {
  const ran = succeeded(runs);
  const app = ran.map((run) => mib / run.seconds);
  const plain = ran.map((run) => mib / run.fetchSeconds!);
  return figure(
    name,
    ran.length > 0 ? median(app) : null,
    'MiB/s',
    {
      name: 'a plain fetch of the same bytes from the same server',
      value: ran.length > 0 ? median(plain) : null,
    },
    atLeast(DOWNLOAD_GOAL),
    `Chromium, the range server on loopback, median of ${ran.length} of ${runs.length} run(s), ratio interval ` +
      `${ran.length > 0 ? intervalText(ratioInterval(app, plain)) : '—'}; the app's time runs from opening the ` +
      `.torrent to seeding; ${load}`,
    firstLine(runs.find((run) => run instanceof Error)),
  );
}

/** The unlimited download against the plain fetch, its requests per MiB and its rate against WebTorrent's. */
async function downloadFigures(
  server: RangeServer,
  download: SeedDownload,
  appUrl: string,
  rounds: number,
  log: (m: string) => void,
) {
  const mib = download.size / MiB;
  const name = `webseed: ${mib} MiB from a web seed alone`;
  const load = loadLabel();
  const runs = await inTurns(
    rounds,
    { ours: () => appRun(appUrl, server, download), WebTorrent: () => webTorrentRun(server, download) },
    log,
  );
  log(
    `  webseed runs: ${JSON.stringify(runs, (_, value) => (value instanceof Error ? firstLine(value) : value))}`,
  );
  const [ours, theirs] = [succeeded(runs.ours), succeeded(runs.WebTorrent)];
  const per = (list: SeedRun[], of: (run: SeedRun) => number) => (list.length ? median(list.map(of)) : null);
  const note = `medians of ${ours.length} and ${theirs.length} of ${rounds} run(s); ${load()}`;
  return [
    downloadFigure(name, runs.ours, mib, load()),
    figure(
      'webseed: HTTP requests per MiB',
      per(ours, (run) => run.requests / mib),
      'requests/MiB',
      { name: WEBTORRENT, value: per(theirs, (run) => run.requests / mib) },
      atMost(REQUESTS_GOAL),
      `GET requests the range server saw during each download; WebTorrent's also needed ` +
        `${per(theirs, (run) => run.preflights / mib)?.toFixed(2) ?? '—'} CORS preflights (OPTIONS) per MiB, the app's ` +
        `${per(ours, (run) => run.preflights / mib)?.toFixed(2) ?? '—'}; ${note}`,
    ),
    figure(
      `${name}, against WebTorrent`,
      per(ours, (run) => mib / run.seconds),
      'MiB/s',
      { name: WEBTORRENT, value: per(theirs, (run) => mib / run.seconds) },
      noGoal,
      `WebTorrent's from its torrent added to its 'done'; ${note}`,
    ),
  ];
}

/** From a web seed alone at most this many times the first frame from a tab. */
const PLAY_GOAL = 1.2;
/** Sessions of each kind (--tiny: one). */
const PLAY_RUNS = 5;

/** Play to the first frame of the playback bench's video from a web seed alone (a hybrid torrent with no tracker,
 * its url-list the video on the range server) against from a tab seeding it (playback.ts's sessions without an
 * upload limit), PLAY_RUNS of each in turns: the ratio of their medians, with a bootstrap interval of it. */
async function webSeedPlayFigure(context: BenchContext, appUrl: string): Promise<Figure> {
  const { duration, bitrate } = videoSize(context);
  const path = benchVideo(context);
  const file = basename(path);
  const bytes = new Uint8Array(readFileSync(path));
  const server = await startRangeServer(new Map([[`/files/${file}`, bytes]]));
  const torrent = await seedTorrent(file, bytes, `${server.origin}/files/${file}`);
  try {
    const runs = context.flags.has('--tiny') ? 1 : PLAY_RUNS;
    const load = loadLabel();
    const outcomes = await inTurns(
      runs,
      {
        'web seed': () => logged(context.log, 'web seed', playFromWebSeed(appUrl, torrent.path, file)),
        tab: () =>
          logged(
            context.log,
            'tab',
            playFromTab(appUrl, file, 'first', (page) => share(page, path, file, 120_000)),
          ),
      },
      context.log,
    );
    const [fromSeed, fromTab] = [outcomes['web seed'], outcomes.tab].map((o) => secondsOf(o, 'firstFrameMs'));
    const both = fromSeed.length > 0 && fromTab.length > 0;
    return figure(
      `webseed: Play to the first frame of ${duration} s at ${bitrate / 1e6} Mbit/s from a web seed alone`,
      both ? median(fromSeed) : null,
      's',
      { name: 'from a tab seeding it', value: both ? median(fromTab) : null },
      atMost(PLAY_GOAL),
      `a WebM of ${duration} s at ${bitrate / 1e6} Mbit/s: Chromium, the range server and the tabs on loopback, ` +
        `medians of ${fromSeed.length} and ${fromTab.length} of ${runs} session(s) in turns, ratio interval ` +
        `${both ? intervalText(ratioInterval(fromSeed, fromTab)) : '—'}; ${load()}`,
      'no session reached a frame',
    );
  } finally {
    await server.close();
    rmSync(torrent.dir, { recursive: true, force: true });
  }
}

export const webseedBench: Bench = {
  name: 'webseed',
  flags: { '--tiny': '16 MiB, one run: a smoke' },
  parts: {
    download: 'the download against a plain fetch, its requests per MiB and rate against WebTorrent',
    play: 'Play to the first frame from a web seed alone against from a tab',
  },
  figures:
    'a download from a web seed alone against a plain fetch, its requests per MiB ' +
    'and rate against WebTorrent, and Play to the first frame from a web seed alone against from a tab',
  onlyWhenNamed: true,
  async run(context) {
    const { flags, log } = context;
    const tiny = flags.has('--tiny');
    const rounds = tiny ? 1 : 3;
    const app = await serveApp(buildApp(log));
    const bytes = new Uint8Array(randomBytes((tiny ? 16 : 256) * MiB));
    const server = await startRangeServer(new Map([[`/files/${NAME}`, bytes]]));
    const url = `${server.origin}/files/${NAME}`;
    const torrent = await seedTorrent(NAME, bytes, url, MiB);
    const download = { url, size: bytes.length, torrent };
    try {
      return [
        ...(wantsPart(flags, 'download')
          ? await downloadFigures(server, download, app.url, rounds, log)
          : []),
        ...(wantsPart(flags, 'play') ? [await webSeedPlayFigure(context, app.url)] : []),
      ];
    } finally {
      await server.close();
      rmSync(torrent.dir, { recursive: true, force: true });
      await app.close();
    }
  },
};
