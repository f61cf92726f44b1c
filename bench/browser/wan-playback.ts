// Playback over a real path: the `streams` bench's video (60 s at 12 Mbit/s, a WebM as ffmpeg muxes it by default)
// played from a tab in one emulated node by a tab in another, 100 ms apart with 1 % loss each way on 40 Mbit/s
// links (netem/, docs/netem.md), our app against WebTorrent's own streaming (its bundle, service worker and
// `client.createServer`) on the same path in the same run. The app with its tracker, and WebTorrent's page, are served
// from a third node on the same path; WebTorrent's tabs announce to that same tracker.
//
// The protocol (each figure is noisy: one session's times move by a second or more on this path):
// - RUNS sessions of each client (`--wan-playback-runs=N`; `--tiny`: TINY_RUNS on a 10 s, 2 Mbit/s video), taken in
//   turns (ours, WebTorrent, ours, ...) so a change in the machine's load falls on both; every session has a fresh
//   seeder and a fresh leecher, each its own Chromium in its node, on one emulated path whose loss repeats with SEED;
// - each session measures Play to the first frame, a second of playback, then a seek to 80 % to playing again
//   (bench/browser/playback.ts), and `Download` (WebTorrent: the add) to the first verified piece;
// - a figure is the median of each client's sessions, its ratio ours / WebTorrent's, with the 95 % percentile
//   bootstrap interval of that ratio (bench/lib/interval.ts); the goal, no slower, is met when the whole interval is
//   at or under 1, missed when it is wholly over, and undecided (met: none) when it holds 1: more runs narrow it;
// - `--log-reads` logs our player's reads and the pieces it waited for, from Play and from the seek;
// - a session of ours that fails fails its figures (a failure is never hidden by the others); a failed WebTorrent
//   session is left out of its median and named in the note.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromiumInNode,
  startPath,
  startTracker,
  type EmulatedTracker,
  type Emulator,
  type PathSpec,
} from '../../netem';
import { LAUNCH_OPTIONS } from '../../playwright.config';
import type { ChromiumLaunch } from '../lib/app';
import { emulatedBenchStart, loadLabel } from '../lib/emulated';
import {
  atMost,
  failedFigure,
  figure,
  median,
  type Bench,
  type BenchContext,
  type Figure,
} from '../lib/figure';
import { intervalText, medianInterval, metOf, ratioInterval, verdictAtMost } from '../lib/interval';
import { share } from './app-steps';
import {
  attempt,
  benchVideo,
  playFromTab,
  playFromWebTorrent,
  videoSize,
  type Outcome,
  type Session,
} from './playback';
import { countFlag } from '../lib/flags';
import { pathLabel } from './wan-paths';
import { wtSeedFile } from './webtorrent';

/** The path of the playback figures; the queue a home router's shallow one (a quarter second at the rate). */
export const PLAYBACK_PATH: PathSpec = {
  rttMs: 100,
  loss: 0.01,
  upMbit: 40,
  downMbit: 40,
  queue: { ms: 250 },
};
/** The emulator's seed: the same losses, packet for packet, in every run of the bench. */
const SEED = 4401;
/** Sessions of each client per run of the bench, and in the smoke. */
export const RUNS = 7;
const TINY_RUNS = 2;
const SERVE = fileURLToPath(new URL('../lib/serve.ts', import.meta.url));
const SERVE_BUNDLE = fileURLToPath(new URL('../lib/serve-bundle.ts', import.meta.url));
/** Sharing hashes the file on this machine, off the emulated path. */
const SHARE_TIMEOUT_MS = 180_000;

/** The emulated path with its servers in the `tracker` node, and a Chromium launch for the seeder and the leecher. */
interface PlaybackPlace {
  emulator: Emulator;
  app: EmulatedTracker;
  bundle: EmulatedTracker;
  launches: ChromiumLaunch[];
}

/** Runs `work` on a fresh emulated path with the app (and its tracker) on port 8000 and WebTorrent's page on 8001. */
async function onPlaybackPath<T>(staticDir: string, work: (place: PlaybackPlace) => Promise<T>): Promise<T> {
  const emulator = await startPath(PLAYBACK_PATH, ['tracker', 'seeder', 'leecher'], { seed: SEED });
  const servers: EmulatedTracker[] = [];
  try {
    const app = await startTracker(
      emulator,
      'tracker',
      8000,
      ['--static-dir', staticDir],
      ['--import', 'tsx', SERVE],
    );
    servers.push(app);
    const bundle = await startTracker(emulator, 'tracker', 8001, [], ['--import', 'tsx', SERVE_BUNDLE]);
    servers.push(bundle);
    const origins = [app.origin, bundle.origin];
    const launches = ['seeder', 'leecher'].map((node) =>
      chromiumInNode(emulator.node(node), LAUNCH_OPTIONS, origins),
    );
    return await work({ emulator, app, bundle, launches });
  } finally {
    for (const server of servers) await server.stop();
    await emulator.stop();
  }
}

type Client = 'ours' | 'WebTorrent';

/** One session of `client` on the path: the video shared, played, sought, and its first piece timed; `log`: our
 * player's reads are logged (--log-reads). */
function session(
  place: PlaybackPlace,
  client: Client,
  video: string,
  log?: (message: string) => void,
): Promise<Session> {
  const name = basename(video);
  const options = { launches: place.launches, firstPiece: true, log };
  if (client === 'ours')
    return playFromTab(
      place.app.origin,
      name,
      0,
      'seek',
      (page) => share(page, video, name, SHARE_TIMEOUT_MS),
      options,
    );
  const tracker = place.app.origin.replace(/^http/, 'ws');
  return playFromWebTorrent(
    `${place.bundle.origin}/`,
    0,
    'seek',
    (page) => wtSeedFile(page, video, tracker),
    options,
  );
}

/** Each client's sessions, and the load they ran under. */
type Sessions = Record<Client, Outcome[]> & { load: string };

/** `runs` sessions of each client, in turns. */
async function sessionsInTurns(context: BenchContext, place: PlaybackPlace, video: string, runs: number) {
  const sessions: Sessions = { ours: [], WebTorrent: [], load: '' };
  const load = loadLabel();
  const clients: Client[] = ['ours', 'WebTorrent'];
  for (let run = 1; run <= runs; run++) {
    for (const client of clients) {
      const outcome = await attempt(context.log, `${client}, session ${run} of ${runs}`, () =>
        session(place, client, video, context.flags.has('--log-reads') ? context.log : undefined),
      );
      sessions[client].push(outcome);
    }
  }
  const { nodes } = await place.emulator.stats();
  sessions.load =
    `${load()}; ` + `the seeders' node sent ${nodes.seeder.up.packets} packets, ${nodes.seeder.up.lost} lost`;
  return sessions;
}

type Timing = 'firstFrameMs' | 'seekMs' | 'firstPieceMs';

/** The seconds each session took for `key`, of the sessions that ran. */
function secondsOf(outcomes: Outcome[], key: Timing): number[] {
  return outcomes.flatMap((outcome) =>
    outcome instanceof Error || outcome[key] === undefined ? [] : [outcome[key]! / 1000],
  );
}

/** What a figure is measured against: WebTorrent on the same path. */
interface Baseline {
  /** The figure's baseline name. */
  name: string;
  /** Its sessions' owner, in the note ("WebTorrent's"). */
  whose: string;
  outcomes: Outcome[];
}

/** The figure for `key`: medians, the ratio's interval and the verdict on "no slower", every session in the note. */
function playbackFigure(name: string, key: Timing, sessions: Sessions, baseline: Baseline): Figure {
  const { name: baselineName, whose } = baseline;
  const failed = sessions.ours.find((outcome): outcome is Error => outcome instanceof Error);
  const ours = secondsOf(sessions.ours, key);
  const rival = secondsOf(baseline.outcomes, key);
  const rivalFailures = baseline.outcomes.filter((outcome) => outcome instanceof Error).length;
  const rivalValue = rival.length > 0 ? median(rival) : null;
  if (failed || ours.length === 0)
    return failedFigure(
      name,
      's',
      baselineName,
      atMost(1),
      `our app: ${failed?.message.split('\n')[0] ?? 'no session'}`,
      rivalValue,
    );
  if (rivalValue === null)
    return failedFigure(name, 's', baselineName, atMost(1), `none of ${whose} sessions completed`, null);
  const ratio = ratioInterval(ours, rival);
  const verdict = verdictAtMost(ratio, 1);
  const each = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
  const note =
    `medians of ${ours.length} sessions of ours and ${rival.length} of ${whose}, in turns` +
    (rivalFailures > 0 ? ` (${rivalFailures} of ${whose} failed)` : '') +
    `; the ratio's interval ${intervalText(ratio)}: ${verdict}; ours ${each(ours)} s (median within ` +
    `${intervalText(medianInterval(ours))}), ${whose} ${each(rival)} s (${intervalText(medianInterval(rival))}); ${sessions.load}`;
  const result = figure(name, median(ours), 's', { name: baselineName, value: rivalValue }, atMost(1), note);
  return { ...result, met: metOf(verdict) };
}

/** Sessions of each client: `--wan-playback-runs=N`, else RUNS (`--tiny`: TINY_RUNS). */
export function playbackRuns(flags: Set<string>): number {
  return countFlag(flags, 'wan-playback-runs', flags.has('--tiny') ? TINY_RUNS : RUNS);
}

/** The three figures against `baseline`, each named `over` and `versus`. */
function playbackFigures(sessions: Sessions, over: string, versus: string, baseline: Baseline): Figure[] {
  return [
    playbackFigure(`Play to first frame, ${over}, vs ${versus}`, 'firstFrameMs', sessions, baseline),
    playbackFigure(`seek to 80 % to playing, ${over}, vs ${versus}`, 'seekMs', sessions, baseline),
    playbackFigure(
      `Download to first verified piece, ${over}, vs ${versus}`,
      'firstPieceMs',
      sessions,
      baseline,
    ),
  ];
}

export const wanPlaybackBench: Bench = {
  name: 'wan-playback',
  flags: {
    '--tiny': '2 sessions each of a 10 s, 2 Mbit/s video: a smoke',
    '--wan-playback-runs=N': 'sessions of each client (7)',
    '--log-reads': "logs our player's reads from Play and from the seek",
  },
  figures:
    'a video played, sought and its first piece fetched over 100 ms, 1 % loss, 40 Mbit/s, against WebTorrent on the same path',
  onlyWhenNamed: true,
  async run(context: BenchContext): Promise<Figure[]> {
    const staticDir = await emulatedBenchStart(context);
    if (staticDir === undefined) return [];
    const runs = playbackRuns(context.flags);
    const video = benchVideo(context);
    const { duration, bitrate } = videoSize(context);
    const over = `${duration} s at ${bitrate / 1e6} Mbit/s over ${pathLabel(PLAYBACK_PATH)}`;
    const sessions = await onPlaybackPath(staticDir, (place) => sessionsInTurns(context, place, video, runs));
    const webTorrent = {
      name: 'WebTorrent on the same path',
      whose: "WebTorrent's",
      outcomes: sessions.WebTorrent,
    };
    return playbackFigures(sessions, over, 'WebTorrent', webTorrent);
  },
};
