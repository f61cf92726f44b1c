// The playback figures: a video played while it downloads, our app against WebTorrent's own streaming (its browser
// bundle with its service worker and `client.createServer`) on the same files and seeder limits, in the same run.
// The video: 60 s at 12 Mbit/s, as ffmpeg muxes a WebM by default (cues at the end), and the same streams in an MP4
// with its `moov` at the end and in a fragmented MP4 (a `moof` per keyframe, every second). For each client and file,
// sessions of a fresh seeder without a limit and a leecher each: Play to the first frame, then a seek to 80 % to
// playing (five sessions of each client, in turns, for the WebM and the moov-at-end MP4, the figures their medians;
// `--sessions=N`). A seeder at 2.4 times the bitrate is decision 0016.
// `--tiny`: 10 s at 2 Mbit/s, a smoke; the `streams` bench's parts `webm`, `mp4`, `fmp4` choose the files;
// `--log-reads`: our sessions log the player's reads (the service worker's requests and ranges) and the pieces the
// service worker asked for, from Play to the first frame and after a seek.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from '@playwright/test';
import { makeVideo, remuxToMp4 } from '../../e2e/media';
import type { RunningServer } from '../../signal-tracker/src/server';
import type { ChromiumLaunch } from '../lib/app';
import { atMost, figure, median, under, type BenchContext, type Figure } from '../lib/figure';
import { download, openApp, share } from './app-steps';
import { STREAM_WISHES_CHANNEL } from '../../web/src/lib/messages/stream-wishes';
import { FRESH_PIECES_CHANNEL } from '../../web/src/lib/messages/fresh-pieces';
import { bundleServer, openBundle, wtAddForPlay, wtSeed, wtStreamReady, wtFirstPieceMs } from './webtorrent';
import { firstPieceOf, watchFirstPiece } from './first-piece';
import { countFlag, wantsPart } from '../lib/flags';
import { intervalText, medianInterval, metOf, ratioInterval, verdictAtMost } from '../lib/interval';
import { firstLine, inTurns, withTabs } from '../lib/session';

/** The playback figures' goals, seconds. */
const FIRST_FRAME_GOAL_S = 3;
const SEEK_GOAL_S = 3;

/**
 * Watches the page's `<video>` from the first click on (the click on `Play`): the first frame (playing, with a
 * frame, its time past 0) and a seek (`benchSeek(fraction)`) to playing past its target. A string: the page runs it
 * as it is.
 */
const WATCH_SCRIPT = `(() => {
  const w = {};
  window.benchPlay = w;
  document.addEventListener('click', () => (w.pressed ??= performance.now()), { capture: true, once: true });
  const timer = setInterval(() => {
    const v = document.querySelector('video');
    if (!v || w.pressed === undefined) return;
    if (v.error) w.error = 'media error ' + v.error.code + ': ' + v.error.message;
    const now = performance.now();
    const playing = !v.paused && !v.seeking && v.readyState >= 2;
    if (w.first === undefined && playing && v.currentTime > 0) w.first = now;
    if (w.seekAt !== undefined && playing && v.currentTime > w.seekTarget + 0.1) {
      w.seekPlayed = now;
      clearInterval(timer);
    }
  }, 20);
  window.benchSeek = (fraction) => {
    const v = document.querySelector('video');
    w.seekTarget = v.duration * fraction;
    w.seekAt = performance.now();
    v.currentTime = w.seekTarget;
  };
})()`;

interface Watched {
  pressed?: number;
  first?: number;
  /** The player's error, if it failed. */
  error?: string;
  seekTarget?: number;
  seekAt?: number;
  seekPlayed?: number;
}

const watched = (page: Page) =>
  page.evaluate(() => ({ ...(window as unknown as { benchPlay: Watched }).benchPlay }));

/** Waits (polling the page) until `done` holds for its watch, or throws `what` after `timeoutMs`. */
async function waitWatch(page: Page, done: (w: Watched) => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const w = await watched(page);
    if (done(w)) return w;
    if (w.error) throw new Error(`${what}: ${w.error}`);
    if (Date.now() > deadline) {
      const state = await page.evaluate(() => {
        const v = document.querySelector('video');
        return v
          ? `readyState ${v.readyState}, networkState ${v.networkState}, paused ${v.paused}, time ${v.currentTime}`
          : 'no video';
      });
      throw new Error(`${what} not within ${timeoutMs / 1000} s (${state})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What to measure after the first frame: a seek to 80 %, or nothing. */
export type Mode = 'seek' | 'first';

export interface Session {
  firstFrameMs: number;
  seekMs?: number;
  /** From `Download` (WebTorrent: the add) to the first verified piece, when asked for. */
  firstPieceMs?: number;
}

/** What a session logs and where its tabs run. */
export interface PlayOptions {
  /** Logs the player's reads up to its first frame (--log-reads; our app only). */
  log?: (message: string) => void;
  /** How the seeder's and the leecher's Chromium start (e.g. each in an emulated network node). */
  launches?: ChromiumLaunch[];
  /** Also measures the time from `Download` to the first verified piece. */
  firstPiece?: boolean;
}

/** After the first frame: a seek to 80 % (a second of playback first), or nothing. */
async function measure(page: Page, mode: Mode, onSeek?: () => void): Promise<Session> {
  const first = await waitWatch(page, (w) => w.first !== undefined, 120_000, 'the first frame');
  const firstFrameMs = first.first! - first.pressed!;
  if (mode === 'first') return { firstFrameMs };
  await new Promise((resolve) => setTimeout(resolve, 1000));
  onSeek?.();
  await page.evaluate(() => (window as unknown as { benchSeek(f: number): void }).benchSeek(0.8));
  const w = await waitWatch(page, (w) => w.seekPlayed !== undefined, 120_000, 'the seek to 80 % playing');
  return { firstFrameMs, seekMs: w.seekPlayed! - w.seekAt! };
}

/**
 * From now on, the player's reads of the page (requests under /files/, by range) and the pieces its service worker
 * asks for (`want-pieces`), each at its time; `report` logs them relative to `from` (ms, Date.now()).
 */
async function logReads(
  page: Page,
): Promise<(log: (message: string) => void, from: number, to?: number, since?: number) => void> {
  const events: Array<{ at: number; what: string }> = [];
  const note = (what: string) => events.push({ at: Date.now(), what });
  const rangeOf = (request: Request) => request.headers()['range'] ?? 'whole';
  const reads = {
    request: (request: Request) => `read ${rangeOf(request)}`,
    requestfinished: (request: Request) => `  done ${rangeOf(request)}`,
    requestfailed: (request: Request) =>
      `  dropped ${rangeOf(request)} (${request.failure()?.errorText ?? '?'})`,
  };
  for (const [event, what] of Object.entries(reads))
    page.on(event as 'request', (request) => {
      if (request.url().includes('/files/')) note(what(request));
    });
  await page.exposeFunction('benchNote', note);
  // The service worker tells the engine worker on a BroadcastChannel (web/src/lib/messages/stream-wishes.ts) and the
  // engine worker the streams which pieces it verified (fresh-pieces.ts); the page hears both.
  await page.evaluate(
    ([wishes, fresh]) => {
      // No named functions here: the bundler would wrap them in a helper the page does not have.
      const w = window as unknown as { benchNote(what: string): void };
      new BroadcastChannel(wishes).onmessage = ({ data }: MessageEvent) => {
        const { type, pieces = [], seek } = data as { type?: string; pieces?: number[]; seek?: boolean };
        if (type === 'want-pieces')
          w.benchNote(`want ${pieces[0]}..${pieces[pieces.length - 1]}${seek ? ' seek' : ''}`);
      };
      new BroadcastChannel(fresh).onmessage = ({ data }: MessageEvent) => {
        const { type, index } = data as { type?: string; index?: number };
        if (type === 'piece-verified') w.benchNote(`piece ${index} to the service worker`);
      };
    },
    [STREAM_WISHES_CHANNEL, FRESH_PIECES_CHANNEL] as const,
  );
  return (log, from, to = Infinity, since = from) => {
    for (const { at, what } of events)
      if (at >= since && at <= to) log(`    ${((at - from) / 1000).toFixed(3)} s ${what}`);
  };
}

/**
 * Our app: the seeder tab shares through `seed`, which resolves with the magnet link; the leecher tab downloads it
 * and presses Play on `name`.
 */
export function playFromTab(
  url: string,
  name: string,
  mode: Mode,
  seed: (page: Page) => Promise<string>,
  options: PlayOptions = {},
): Promise<Session> {
  return withTabs(
    2,
    async ([seeder, leecher]) => {
      await openApp(seeder.page, url);
      const magnet = await seed(seeder.page);
      await openApp(leecher.page, url);
      await leecher.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      const firstPiece = options.firstPiece ? await watchFirstPiece(leecher.page) : undefined;
      await download(leecher.page, magnet);
      const session = await playNamed(leecher.page, name, mode, options);
      if (firstPiece) session.firstPieceMs = await firstPiece();
      return session;
    },
    { launches: options.launches },
  );
}

/** Our app from a web seed alone: one fresh Chromium opens the torrent at `torrentPath` (its url-list the only
 * source) and presses Play on `name`. */
export function playFromWebSeed(url: string, torrentPath: string, name: string): Promise<Session> {
  return withTabs(1, async ([{ page }]) => {
    await openApp(page, url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.getByLabel('Open .torrent file').setInputFiles(torrentPath);
    return playNamed(page, name, 'first', {});
  });
}

/** Presses Play on `name` in our app's list once it shows, and measures the session. */
async function playNamed(page: Page, name: string, mode: Mode, options: PlayOptions): Promise<Session> {
  const play = page
    .getByRole('listitem', { name, exact: true })
    .getByRole('button', { name: `Play ${name}`, exact: true });
  await play.waitFor({ timeout: 60_000 });
  return playAndMeasure(page, () => play.click(), mode, options);
}

/** Clicks `play` in our leecher's page and measures the session, logging the player's reads with `log` (also when
 * the player fails: that is when they tell the most). */
async function playAndMeasure(page: Page, play: () => Promise<void>, mode: Mode, { log }: PlayOptions) {
  await page.evaluate(WATCH_SCRIPT);
  const reads = log && (await logReads(page));
  const pressed = Date.now();
  await play();
  let seekAt = 0;
  try {
    return await measure(page, mode, () => (seekAt = Date.now()));
  } finally {
    if (reads) {
      log!('  reads from 2 s before Play, in seconds from Play:');
      reads(log!, pressed, seekAt || Infinity, pressed - 2000);
      if (seekAt) {
        log!('  reads from the seek to 80 %, in seconds from the seek:');
        reads(log!, seekAt);
      }
    }
  }
}

/**
 * WebTorrent: the seeder tab opens its bundle's page at `pageUrl` and seeds through `seed`, which resolves with the
 * magnet link; the leecher tab adds it and plays it through WebTorrent's server.
 */
export function playFromWebTorrent(
  pageUrl: string,
  mode: Mode,
  seed: (page: Page) => Promise<string>,
  options: PlayOptions = {},
): Promise<Session> {
  return withTabs(
    2,
    async ([seeder, leecher]) => {
      await openBundle(seeder.page, pageUrl);
      const magnet = await seed(seeder.page);
      await openBundle(leecher.page, pageUrl);
      await wtStreamReady(leecher.page);
      await wtAddForPlay(leecher.page, magnet);
      await leecher.page.evaluate(WATCH_SCRIPT);
      await leecher.page.click('#play');
      const session = await measure(leecher.page, mode);
      if (options.firstPiece) session.firstPieceMs = await firstPieceOf(leecher.page, wtFirstPieceMs);
      return session;
    },
    { launches: options.launches },
  );
}

/** WebTorrent on loopback: its bundle's page served here, seeding the file it fetches from there. */
async function webtorrent(trackerUrl: string, path: string, name: string) {
  const bundle = await bundleServer(path, true);
  try {
    return await playFromWebTorrent(bundle.url, 'seek', (page) => wtSeed(page, name, trackerUrl));
  } finally {
    bundle.close();
  }
}

export type Outcome = Session | Error;

/** A session's times. */
export type Timing = 'firstFrameMs' | 'seekMs' | 'firstPieceMs';

/** Logs a session's times under `label`; its failure goes on to the caller (session.ts's attempt logs it). */
export async function logged(log: (message: string) => void, label: string, running: Promise<Session>) {
  const session = await running;
  const parts = [`first frame ${(session.firstFrameMs / 1000).toFixed(2)} s`];
  if (session.seekMs !== undefined) parts.push(`seek ${(session.seekMs / 1000).toFixed(2)} s`);
  if (session.firstPieceMs !== undefined)
    parts.push(`first piece ${(session.firstPieceMs / 1000).toFixed(2)} s after Download`);
  log(`  ${label}: ${parts.join(', ')}`);
  return session;
}

/** The seconds each session took for `key`, of the sessions that ran. */
export function secondsOf(outcomes: Outcome[], key: Timing): number[] {
  return outcomes.flatMap((outcome) =>
    outcome instanceof Error || outcome[key] === undefined ? [] : [outcome[key]! / 1000],
  );
}

const failureOf = (outcomes: Outcome[]) =>
  outcomes.find((outcome): outcome is Error => outcome instanceof Error);

/** Each client's sessions, what WebTorrent's baseline is called, and the load they ran under. */
export interface Sessions {
  ours: Outcome[];
  WebTorrent: Outcome[];
  baseline: string;
  load?: string;
}

/** Our sessions' and WebTorrent's seconds for `key`, and why ours give no figure (a failure is never hidden by the
 * others). */
function timesOf(sessions: Sessions, key: Timing) {
  const [ours, rival] = [secondsOf(sessions.ours, key), secondsOf(sessions.WebTorrent, key)];
  const failed = failureOf(sessions.ours);
  const why = failed || ours.length === 0 ? `our app: ${firstLine(failed ?? 'no session')}` : undefined;
  return { ours, rival, why, rivalValue: rival.length > 0 ? median(rival) : null };
}

/** Our time for `key` against an absolute goal (`limit` seconds), WebTorrent's beside it: the median of our
 * sessions. */
function secondsFigure(name: string, sessions: Sessions, key: Timing, limit: number): Figure {
  const { ours, why, rivalValue } = timesOf(sessions, key);
  const rivalFailed = failureOf(sessions.WebTorrent);
  return figure(
    name,
    why ? null : median(ours),
    's',
    { name: sessions.baseline, value: rivalValue },
    under(limit),
    rivalFailed && `WebTorrent: ${firstLine(rivalFailed)}`,
    why,
  );
}

/**
 * Ours against WebTorrent for `key`, no slower: the medians of each client's sessions, the bootstrap interval of their
 * ratio and the verdict on it (met when the whole interval is at or under 1, missed when wholly over, undecided
 * between), every session in the note.
 */
export function rivalFigure(name: string, sessions: Sessions, key: Timing): Figure {
  const { ours, rival, rivalValue, ...rest } = timesOf(sessions, key);
  const why = rest.why ?? (rivalValue === null ? "none of WebTorrent's sessions completed" : undefined);
  const baseline = { name: sessions.baseline, value: rivalValue };
  if (why) return figure(name, null, 's', baseline, atMost(1), undefined, why);
  const ratio = ratioInterval(ours, rival);
  const verdict = verdictAtMost(ratio, 1);
  const rivalFailures = sessions.WebTorrent.length - rival.length;
  const each = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
  const note =
    `medians of ${ours.length} sessions of ours and ${rival.length} of WebTorrent's, in turns` +
    (rivalFailures > 0 ? ` (${rivalFailures} of WebTorrent's failed)` : '') +
    `; the ratio's interval ${intervalText(ratio)}: ${verdict}; ours ${each(ours)} s (median within ` +
    `${intervalText(medianInterval(ours))}), WebTorrent's ${each(rival)} s (${intervalText(medianInterval(rival))})` +
    (sessions.load ? `; ${sessions.load}` : '');
  return { ...figure(name, median(ours), 's', baseline, atMost(1), note), met: metOf(verdict) };
}

/** The figures of one file, for our app and for WebTorrent in turns: `file.sessions` of each (Play to the first
 * frame, then a seek to 80 %). A single session's first frame or seek moves by 0.1 to 0.5 s from run to run here, as
 * much as the difference measured. */
async function fileFigures(
  context: BenchContext,
  server: RunningServer,
  file: { path: string; name: string; label: string; sessions: number },
): Promise<Figure[]> {
  const log = context.flags.has('--log-reads') ? context.log : undefined;
  const label = `${file.label}, seek`;
  const clients = {
    ours: () =>
      logged(
        context.log,
        `${label}, ours`,
        playFromTab(server.url, file.name, 'seek', (page) => share(page, file.path, file.name, 120_000), {
          log,
        }),
      ),
    WebTorrent: () =>
      logged(context.log, `${label}, WebTorrent`, webtorrent(server.trackerUrl, file.path, file.name)),
  };
  const free: Sessions = { ...(await inTurns(file.sessions, clients, context.log)), baseline: 'WebTorrent' };
  const name = (what: string) => `${file.label}: ${what}`;
  return [
    secondsFigure(
      name('Play to first frame, seeder without a limit'),
      free,
      'firstFrameMs',
      FIRST_FRAME_GOAL_S,
    ),
    rivalFigure(name('Play to first frame, seeder without a limit, vs WebTorrent'), free, 'firstFrameMs'),
    secondsFigure(name('seek to 80 % to playing, seeder without a limit'), free, 'seekMs', SEEK_GOAL_S),
    rivalFigure(name('seek to 80 %, seeder without a limit, vs WebTorrent'), free, 'seekMs'),
  ];
}

/** The bench's video: 60 s at 12 Mbit/s (--tiny: 10 s at 2 Mbit/s). */
export function videoSize(context: BenchContext): { duration: number; bitrate: number } {
  const tiny = context.flags.has('--tiny');
  return { duration: tiny ? 10 : 60, bitrate: tiny ? 2_000_000 : 12_000_000 };
}

/** The bench's videos encoded in this process, by size: `streams` and `wan-playback` play the same one. */
const encoded = new Map<string, string>();

/** The bench's video as ffmpeg muxes a WebM by default (cues at the end): its path, in a folder of its own that
 * lives as long as the process (encoding it takes about half a minute here, once per run). */
export function benchVideo(context: BenchContext): string {
  const { duration, bitrate } = videoSize(context);
  const size = context.flags.has('--tiny') ? '640x360' : '1280x720';
  const key = `${duration} s, ${bitrate} bit/s, ${size}`;
  const known = encoded.get(key);
  if (known && existsSync(known)) return known;
  context.log(`  encoding ${duration} s of video at ${bitrate / 1e6} Mbit/s`);
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-video-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = makeVideo(dir, 'webm', { seconds: duration, bitrate, size, grain: true });
  encoded.set(key, path);
  return path;
}

/** The playback parts of `streams`: one per file. */
export const PLAYBACK_PARTS = {
  webm: 'playback of the WebM (cues at the end) against WebTorrent',
  mp4: 'playback of the same as an MP4 with its moov at the end',
  fmp4: 'playback of the same as a fragmented MP4',
};

/** Every playback figure, for the WebM and the two MP4s (those `--only=` names, when it names any). */
export async function playbackFigures(context: BenchContext, server: RunningServer): Promise<Figure[]> {
  const { duration, bitrate } = videoSize(context);
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-video-'));
  try {
    const webm = benchVideo(context);
    const files = [
      ['webm', webm, `WebM (cues at the end), ${duration} s at ${bitrate / 1e6} Mbit/s`],
      ['mp4', remuxToMp4(webm, dir, 'moov-at-end.mp4'), `the same as MP4 (moov at the end)`],
      [
        'fmp4',
        remuxToMp4(webm, dir, 'fragmented.mp4', true),
        `the same as fragmented MP4 (a moof per keyframe)`,
      ],
    ] as const;
    const figures: Figure[] = [];
    for (const [part, path, label] of files) {
      if (!wantsPart(context.flags, part)) continue;
      // The WebM's and the moov-at-end MP4's times are compared with WebTorrent's over several sessions each; the
      // fragmented MP4's (over 10 s for both) over one.
      const one = part === 'fmp4' || context.flags.has('--tiny');
      figures.push(
        ...(await fileFigures(context, server, {
          path,
          name: path.split('/').pop()!,
          label,
          sessions: one ? 1 : countFlag(context.flags, 'sessions', 5),
        })),
      );
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
