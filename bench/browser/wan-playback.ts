// Playback over a real path: the `streams` bench's video (60 s at 12 Mbit/s, a WebM as ffmpeg muxes it by default)
// played from a tab in one emulated node by a tab in another, 100 ms apart with 1 % loss each way on 40 Mbit/s
// links (netem/, docs/netem.md), our app against WebTorrent's own streaming (its bundle, service worker and
// `client.createServer`) on the same path in the same run. The app with its tracker, and WebTorrent's page, are served
// from a third node on the same path; WebTorrent's tabs announce to that same tracker.
//
// Seven sessions of each client in turns (`--wan-playback-runs=N`; `--tiny`: two of a 10 s, 2 Mbit/s video), each
// with a fresh seeder and leecher, each its own Chromium in its node, on one emulated path whose loss repeats with
// SEED; each session measures Play to the first frame, then a seek to 80 % to playing again (playback.ts), and
// `Download` (WebTorrent: the add) to the first verified piece. Each figure is playback.ts's rivalFigure: the medians,
// the bootstrap interval of their ratio and its verdict on "no slower". `--log-reads` logs our player's reads.
import { basename } from 'node:path';
import type { PathSpec } from '../../netem';
import { emulatedBenchStart, onEmulatedPath, type OnPath } from '../lib/emulated';
import type { Bench, BenchContext, Figure } from '../lib/figure';
import { inTurns, loadLabel } from '../lib/session';
import { share } from './app-steps';
import {
  benchVideo,
  logged,
  playFromTab,
  playFromWebTorrent,
  rivalFigure,
  videoSize,
  type Sessions,
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
/** Sharing hashes the file on this machine, off the emulated path. */
const SHARE_TIMEOUT_MS = 180_000;

/** `runs` sessions of each client in turns on the path (the video shared, played, sought, its first piece timed;
 * `--log-reads` logs our player's reads), and the load and losses they ran under. */
async function sessionsInTurns(
  context: BenchContext,
  on: OnPath,
  video: string,
  runs: number,
): Promise<Sessions> {
  const load = loadLabel();
  const name = basename(video);
  const options = {
    launches: on.launches,
    firstPiece: true,
    log: context.flags.has('--log-reads') ? context.log : undefined,
  };
  const tracker = on.app.origin.replace(/^http/, 'ws');
  const ours = () =>
    playFromTab(on.app.origin, name, 'seek', (page) => share(page, video, name, SHARE_TIMEOUT_MS), options);
  const rival = () =>
    playFromWebTorrent(`${on.bundle!.origin}/`, 'seek', (page) => wtSeedFile(page, video, tracker), options);
  const outcomes = await inTurns(
    runs,
    {
      ours: () => logged(context.log, 'ours', ours()),
      WebTorrent: () => logged(context.log, 'WebTorrent', rival()),
    },
    context.log,
  );
  const { seeder } = (await on.emulator.stats()).nodes;
  const losses = `the seeders' node sent ${seeder.up.packets} packets, ${seeder.up.lost} lost`;
  return { ...outcomes, baseline: 'WebTorrent on the same path', load: `${load()}; ${losses}` };
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
    const runs = countFlag(context.flags, 'wan-playback-runs', context.flags.has('--tiny') ? 2 : 7);
    const video = benchVideo(context);
    const { duration, bitrate } = videoSize(context);
    const over = `${duration} s at ${bitrate / 1e6} Mbit/s over ${pathLabel(PLAYBACK_PATH)}`;
    const sessions = await onEmulatedPath(PLAYBACK_PATH, { staticDir, seed: SEED, bundle: true }, (on) =>
      sessionsInTurns(context, on, video, runs),
    );
    return [
      rivalFigure(`Play to first frame, ${over}, vs WebTorrent`, sessions, 'firstFrameMs'),
      rivalFigure(`seek to 80 % to playing, ${over}, vs WebTorrent`, sessions, 'seekMs'),
      rivalFigure(`Download to first verified piece, ${over}, vs WebTorrent`, sessions, 'firstPieceMs'),
    ];
  },
};
