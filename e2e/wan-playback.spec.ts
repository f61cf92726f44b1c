// A video over a real path: a tab in one emulated node shares a video muxed by ffmpeg with its defaults (a WebM, its
// cues after the clusters) at a real bitrate, and a tab in another node, 100 ms and 1 % loss away, presses `Play`:
// the video plays through the service worker's stream (its time moves, a frame is decoded), then a seek far ahead
// plays from there. In Chromium, and in Firefox inside a node. Correctness only; the times are the `wan-playback`
// bench's figures.
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { LAUNCH_OPTIONS } from '../playwright.config';
import {
  chromiumInNode,
  emulatorUnavailable,
  launchFirefoxInNode,
  startPath,
  startTracker,
  type EmulatedTracker,
  type Emulator,
  type FirefoxInNode,
} from '../netem';
import { untilValue } from '../shared/testing/until';
import { downloadInFirefox, firefoxAvailable, openFirefoxApp, serviceWorkerControlsFirefox } from './firefox';
import { openApp, serviceWorkerControls, shareFiles, startDownload, tempDir, torrentItem } from './helpers';
import { makeVideo, VIDEO_NAMES } from './media';

const unavailable = emulatorUnavailable();
// The loss repeats packet for packet with the emulator's seed.
const PATH = { rttMs: 100, loss: 0.01, upMbit: 40, downMbit: 40, queue: { ms: 250 } };
const SEED = 44;
// 20 s at 1 Mbit/s (film grain makes the encoder spend it): about what one data channel carries at 100 ms and 1 %
// loss (MSS / RTT x 1.22 / sqrt(loss), some 150 KB/s), so playback meets the path's pace rather than a file that is
// in before it starts.
const VIDEO = { seconds: 20, bitrate: 1_000_000, grain: true };
const NAME = VIDEO_NAMES.webm;
/** Where the seek lands, as a share of the video's length. */
const FAR_AHEAD = 0.8;
// Everything crosses a lossy path: the page, the tracker, the connection, the pieces.
const WAIT = { timeoutMs: 150_000, intervalMs: 200 };

test.describe.configure({ timeout: 420_000 }); // Two browsers' starts, the page and every piece cross the lossy path.

/** What a player shows of its playback (run in the page, in either browser). */
interface Playback {
  time: number;
  duration: number;
  paused: boolean;
  seeking: boolean;
  /** Frames the player decoded (getVideoPlaybackQuality). */
  frames: number;
  width: number;
  source: string;
  error: string | null;
}

const readPlayback = (video: HTMLVideoElement): Playback => ({
  time: video.currentTime,
  duration: video.duration,
  paused: video.paused,
  seeking: video.seeking,
  frames: video.getVideoPlaybackQuality().totalVideoFrames,
  width: video.videoWidth,
  source: video.currentSrc,
  error: video.error ? `${video.error.code}: ${video.error.message}` : null,
});

const playingPast = (time: number) => (p: Playback) =>
  p.error !== null || (!p.paused && !p.seeking && p.time > time && p.frames > 0 && p.width > 0);

/** Reads `video` until it plays past `time`, and checks it did so without an error. */
async function playsPast(read: () => Promise<Playback>, time: number, what: string): Promise<Playback> {
  const state = await untilValue(read, playingPast(time), { ...WAIT, what });
  expect(state.error, what).toBeNull();
  return state;
}

/** The video plays (its time passes a second, a frame decoded) through the stream, then plays on from a seek far
 * ahead; `seek` sets the player's time in the page. */
async function playsAndSeeks(read: () => Promise<Playback>, seek: (time: number) => Promise<void>) {
  const started = await playsPast(read, 1, 'the video to play past 1 s');
  // Through the service worker's stream, not a Blob of a finished download.
  expect(started.source).toMatch(new RegExp(`/files/[0-9a-f]{40}/0/${NAME.replace('.', '\\.')}$`));
  const target = started.duration * FAR_AHEAD;
  await seek(target);
  const after = await playsPast(read, target + 1, `the video to play on from ${target.toFixed(1)} s`);
  expect(after.time).toBeGreaterThan(target);
}

test.describe('a video over 100 ms and 1 % loss', () => {
  test.skip(unavailable !== undefined, `skipped: ${unavailable}`);

  let emulator: Emulator;
  let tracker: EmulatedTracker;
  let video: string;
  const browsers: Browser[] = [];
  const firefoxes: FirefoxInNode[] = [];

  test.beforeAll(async () => {
    video = makeVideo(tempDir(), 'webm', VIDEO);
    emulator = await startPath(PATH, ['tracker', 'sharer', 'viewer', 'firefox'], { seed: SEED });
    tracker = await startTracker(emulator, 'tracker');
  });

  // Each test's browsers go with it: the next test's viewer finds its video at its own sharer only.
  test.afterEach(async () => {
    for (const browser of browsers.splice(0)) await browser.close();
    for (const firefox of firefoxes.splice(0)) await firefox.close();
  });

  test.afterAll(async () => {
    await tracker?.stop();
    await emulator?.stop();
  });

  async function tabIn(node: string): Promise<Page> {
    const browser = await chromium.launch(
      chromiumInNode(emulator.node(node), LAUNCH_OPTIONS, [tracker.origin]),
    );
    browsers.push(browser);
    const context = await browser.newContext({ baseURL: tracker.origin });
    const page = await context.newPage();
    await openApp(page);
    return page;
  }

  /** A tab in the sharer's node shares the video: its magnet link. */
  async function shared(): Promise<string> {
    return shareFiles(await tabIn('sharer'), video, NAME);
  }

  test('Chromium plays it, then plays on from a seek far ahead', async () => {
    const [magnet, viewer] = await Promise.all([shared(), tabIn('viewer')]);
    await serviceWorkerControls(viewer);
    await startDownload(viewer, magnet);
    const item = torrentItem(viewer, NAME);
    await item.getByRole('button', { name: `Play ${NAME}`, exact: true }).click({ timeout: 60_000 });
    const player = item.getByLabel(NAME, { exact: true });
    await playsAndSeeks(
      () => player.evaluate(readPlayback),
      (time) => player.evaluate((v: HTMLVideoElement, t: number) => void (v.currentTime = t), time),
    );
    const stats = await emulator.stats();
    // The path really lost packets on the way.
    expect(stats.nodes.sharer.up.lost).toBeGreaterThan(0);
  });

  test('Firefox plays it, then plays on from a seek far ahead', async () => {
    test.skip(!firefoxAvailable, 'no Firefox on this machine');
    const [magnet, firefox] = await Promise.all([
      shared(),
      launchFirefoxInNode(emulator, 'firefox', { secureHosts: [emulator.node('tracker').address] }),
    ]);
    firefoxes.push(firefox);
    const page = await openFirefoxApp(firefox.browser, `${tracker.origin}/`);
    await serviceWorkerControlsFirefox(page);
    await downloadInFirefox(page, magnet);
    // A real click: the gesture that lets the player start.
    const play = `li.torrent button[aria-label="Play ${NAME}"]`;
    await page.waitForSelector(play, { timeout: 60_000 });
    await page.click(play);
    const selector = `video[aria-label="${NAME}"]`;
    await page.waitForSelector(selector, { timeout: 30_000 });
    await playsAndSeeks(
      () => page.$eval(selector, readPlayback as (element: Element) => Playback),
      (time) => firefoxSeek(page, selector, time),
    );
  });
});

async function firefoxSeek(page: FirefoxPage, selector: string, time: number): Promise<void> {
  await page.$eval(selector, (v, t) => void ((v as HTMLVideoElement).currentTime = t), time);
}
