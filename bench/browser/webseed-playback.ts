// Play to the first frame of the playback bench's video (60 s at 12 Mbit/s, a WebM as ffmpeg muxes it by default)
// from a web seed alone, against the same video played from a tab seeding it, in the same run. Web seed: a hybrid
// torrent of the video with no tracker, its url-list the video on the range server on loopback, opened in a fresh
// Chromium with `Open .torrent file`, then Play. Tab: one fresh Chromium shares the video, another downloads it and
// presses Play (playback.ts's session without an upload limit). The two kinds take turns, PLAY_RUNS of each; the
// figure is the ratio of their medians, with a bootstrap interval of it and the load average.
import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { startRangeServer } from '../../shared/testing/range-server';
import { persistentTab } from '../lib/app';
import { atMost, failedFigure, figure, median, type BenchContext, type Figure } from '../lib/figure';
import { intervalText, ratioInterval } from '../lib/interval';
import { inTurns, loadLabel } from '../lib/session';
import { openApp, share } from './app-steps';
import {
  benchVideo,
  logged,
  playAndMeasure,
  playFromTab,
  secondsOf,
  videoSize,
  type Session,
} from './playback';
import { seedTorrent } from './webseed-app';

/** From a web seed alone at most this many times the first frame from a tab. */
export const PLAY_GOAL = 1.2;
/** Sessions of each kind (--tiny: one). */
export const PLAY_RUNS = 5;

/** One fresh Chromium opens the torrent (its url-list the only source) and presses Play on `name`. */
async function playFromWebSeed(appUrl: string, torrentPath: string, name: string): Promise<Session> {
  const tab = await persistentTab();
  try {
    const { page } = tab;
    await openApp(page, appUrl);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.getByLabel('Open .torrent file').setInputFiles(torrentPath);
    const play = page
      .getByRole('listitem', { name, exact: true })
      .getByRole('button', { name: `Play ${name}`, exact: true });
    await play.waitFor({ timeout: 60_000 });
    return await playAndMeasure(page, () => play.click(), 'first', {});
  } finally {
    await tab.close();
  }
}

/** The figure: Play to the first frame from a web seed alone against from a tab seeding the same video. */
export async function webSeedPlayFigure(context: BenchContext, appUrl: string): Promise<Figure> {
  const { duration, bitrate } = videoSize(context);
  const video = `a WebM of ${duration} s at ${bitrate / 1e6} Mbit/s`;
  const title = `webseed: Play to the first frame of ${duration} s at ${bitrate / 1e6} Mbit/s from a web seed alone`;
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
    const fromSeed = secondsOf(outcomes['web seed'], 'firstFrameMs');
    const fromTab = secondsOf(outcomes.tab, 'firstFrameMs');
    if (fromSeed.length === 0 || fromTab.length === 0)
      return failedFigure(
        title,
        's',
        'from a tab seeding it',
        atMost(PLAY_GOAL),
        'no session reached a frame',
      );
    const interval = ratioInterval(fromSeed, fromTab);
    return figure(
      title,
      median(fromSeed),
      's',
      { name: 'from a tab seeding it', value: median(fromTab) },
      atMost(PLAY_GOAL),
      `${video}: Chromium, the range server and the tabs on loopback, medians of ${fromSeed.length} and ` +
        `${fromTab.length} of ${runs} session(s) in turns, ratio interval ${intervalText(interval)}; ${load()}`,
    );
  } finally {
    await server.close();
    rmSync(torrent.dir, { recursive: true, force: true });
  }
}
