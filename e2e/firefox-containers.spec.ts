// Containers as they come, in Firefox: an MP4 with its `moov` at the end and a WebM with its cues at the end
// (ffmpeg's default muxing), shared by a Chromium tab that holds one piece back (e2e/hold.ts) and played in Firefox
// while it downloads:
// the first frame shows and playback advances, and a seek to 80 % plays before the download is complete.
import { expect, test } from '@playwright/test';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { untilValue } from '../shared/testing/until';
import {
  downloadInFirefox,
  firefoxAvailable,
  firefoxPerFile,
  openFirefoxApp,
  serviceWorkerControlsFirefox,
} from './firefox';
import { shareFiles, tempDir } from './helpers';
import { heldPiecePeer, pieceToHold, releaseHold } from './hold';
import { cuesAtEnd, makeVideo, mp4Boxes, VIDEO_NAMES, type VideoContainer } from './media';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');

/** 30 s at 2 Mbit/s (as in containers.spec.ts, the same files). */
const SECONDS = 30;
const BITRATE = 2_000_000;

const firefox = firefoxPerFile();

/** The player's state: its time (0 while paused or seeking), ready state and duration. */
function player(page: FirefoxPage, name: string) {
  return page.evaluate((name) => {
    const media = document.querySelector(
      `video[aria-label="${CSS.escape(name)}"]`,
    ) as HTMLVideoElement | null;
    return {
      time: !media || media.paused || media.seeking ? 0 : media.currentTime,
      readyState: media?.readyState ?? 0,
      duration: media?.duration ?? NaN,
      source: media?.currentSrc ?? '',
    };
  }, name);
}

/** The torrent item's verified pieces and piece count. */
function pieces(page: FirefoxPage, name: string) {
  return page.evaluate((name) => {
    const item = [...document.querySelectorAll('li.torrent')].find(
      (li) => li.getAttribute('aria-label') === name,
    );
    return {
      have: Number(item?.getAttribute('data-have')),
      pieces: Number(item?.getAttribute('data-pieces')),
    };
  }, name);
}

const VIDEOS: Array<{ container: VideoContainer; check(path: string): void }> = [
  {
    container: 'mp4',
    check: (path) => {
      const types = mp4Boxes(path).map((box) => box.type);
      expect(types.indexOf('moov')).toBeGreaterThan(types.indexOf('mdat'));
    },
  },
  { container: 'webm', check: (path) => expect(cuesAtEnd(path)).toBe(true) },
];

for (const { container, check } of VIDEOS) {
  const name = VIDEO_NAMES[container];
  test(`${name} (ffmpeg's default muxing) plays in Firefox while it downloads, and a seek to 80 % plays before the end`, async ({
    browser,
    baseURL,
  }) => {
    const path = makeVideo(tempDir(), container, { seconds: SECONDS, bitrate: BITRATE });
    check(path);
    // Every piece but one at 92 %, so the download stays short of its end.
    const sharer = await heldPiecePeer(browser, pieceToHold(path));
    const magnet = await shareFiles(sharer.page, path, name);

    const { context } = await firefox.peer();
    const page = await openFirefoxApp(context, `${baseURL}/`);
    await serviceWorkerControlsFirefox(page);
    await downloadInFirefox(page, magnet);
    const play = `li.torrent button[aria-label="Play ${name}"]`;
    await page.waitForSelector(play, { timeout: 30_000 });
    // A real click (the gesture that lets the player start with its sound).
    await page.click(play);

    // The first frame, then playback advancing.
    const first = await untilValue(
      () => player(page, name),
      (p) => p.readyState >= 2 && p.time > 0,
      { what: 'the first frame', timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(first.source).toMatch(/\/files\/[0-9a-f]{40}\/0\//);
    await untilValue(
      () => player(page, name),
      (p) => p.time > first.time + 0.5,
      { what: 'playback advancing', timeoutMs: 20_000, intervalMs: 100 },
    );

    const target = await page.evaluate((name) => {
      const media = document.querySelector(`video[aria-label="${CSS.escape(name)}"]`) as HTMLVideoElement;
      media.currentTime = media.duration * 0.8;
      return media.duration * 0.8;
    }, name);
    await untilValue(
      () => player(page, name),
      (p) => p.time > target + 0.5,
      { what: 'the seek to 80 % playing', timeoutMs: 30_000, intervalMs: 100 },
    );
    const numbers = await pieces(page, name);
    expect(numbers.have, 'pieces verified when the seek played').toBeLessThan(numbers.pieces);
    await releaseHold(sharer.page);
    await sharer.context.close();
  });
}
