// Containers as they come: videos and audio made by ffmpeg with its default muxing (MP4 with `moov` at
// the end, fragmented MP4, WebM and Matroska with their cues at the end; MP3, Ogg/Opus, FLAC, M4A), shared by one tab
// under an upload limit and played in another while it downloads: the first frame shows and playback advances, and a
// seek to 80 % plays before the download is complete.
import { chromium, expect, test, type Browser, type Locator } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  itemNumbers,
  openApp,
  openPeer,
  serviceWorkerControls,
  sha256,
  shareFiles,
  shareFolder,
  startDownload,
  tempDir,
  torrentItem,
  type Peer,
} from './helpers';
import {
  cuesAtEnd,
  makeAudio,
  makeVideo,
  mp4Boxes,
  VIDEO_NAMES,
  type AudioFormat,
  type VideoContainer,
} from './media';
import { heldPiecePeer, pieceToHold, releaseHold } from './hold';
import { LAUNCH_OPTIONS } from '../playwright.config';
import { choosePieceLength } from '../shared/codec/metainfo';

/** 30 s at 2 Mbit/s: a 7.5 MB file (made once a machine, the same in firefox-containers.spec.ts). */
const SECONDS = 30;
const BITRATE = 2_000_000;

/** The player's time, 0 while it is paused or seeking. */
function playingTime(player: Locator): Promise<number> {
  return player.evaluate((m: HTMLMediaElement) => (m.paused || m.seeking ? 0 : m.currentTime));
}

/** Waits until the media element has a frame (video) and its time advances by half a second. */
async function expectPlaying(player: Locator, video: boolean, timeout = 60_000): Promise<void> {
  if (video)
    await expect
      .poll(() => player.evaluate((m: HTMLMediaElement) => m.readyState), { timeout })
      .toBeGreaterThanOrEqual(2);
  await expect.poll(() => playingTime(player), { timeout }).toBeGreaterThan(0);
  const from = await playingTime(player);
  await expect.poll(() => playingTime(player), { timeout: 20_000 }).toBeGreaterThan(from + 0.5);
}

/** Starts the download of `magnet` in a second tab (`open`: a fresh context) and presses `Play <name>`; returns the
 * item and its player. */
async function playFrom(
  browser: Browser,
  magnet: string,
  item: string,
  name: string,
  open: () => Promise<Peer> = () => openPeer(browser),
) {
  const b = await open();
  await serviceWorkerControls(b.page);
  await startDownload(b.page, magnet);
  const torrent = torrentItem(b.page, item);
  const play = torrent.getByRole('button', { name: `Play ${name}`, exact: true });
  await expect(play).toBeVisible({ timeout: 30_000 });
  await play.click();
  const player = torrent.getByLabel(name, { exact: true });
  await expect(player).toBeVisible();
  // Played through the service worker's stream.
  expect(await player.evaluate((m: HTMLMediaElement) => m.currentSrc)).toMatch(/\/files\/[0-9a-f]{40}\//);
  return { b, torrent, player };
}

/** A video's container and the check that it is muxed as ffmpeg does by default. */
interface Video {
  container: VideoContainer;
  check(path: string): void;
}

const VIDEOS: Video[] = [
  {
    container: 'mp4',
    check: (path) => {
      const types = mp4Boxes(path).map((box) => box.type);
      expect(types.indexOf('moov')).toBeGreaterThan(types.indexOf('mdat'));
    },
  },
  {
    container: 'fmp4',
    check: (path) => expect(mp4Boxes(path).filter((box) => box.type === 'moof').length).toBeGreaterThan(3),
  },
  { container: 'webm', check: (path) => expect(cuesAtEnd(path)).toBe(true) },
  { container: 'mkv', check: (path) => expect(cuesAtEnd(path)).toBe(true) },
];

for (const { container, check } of VIDEOS) {
  const name = VIDEO_NAMES[container];
  test(`${name} (ffmpeg's default muxing) plays while it downloads, and a seek to 80 % plays before the end`, async ({
    browser,
  }) => {
    const path = makeVideo(tempDir(), container, { seconds: SECONDS, bitrate: BITRATE });
    check(path);
    // Every piece but one at 92 % (no fragment's header in it), so the download stays short of its end.
    const a = await heldPiecePeer(browser, pieceToHold(path));
    const magnet = await shareFiles(a.page, path, name);

    const { b, torrent, player } = await playFrom(browser, magnet, name, name);
    await expectPlaying(player, true);

    const target = await player.evaluate((m: HTMLMediaElement) => {
      m.currentTime = m.duration * 0.8;
      return m.duration * 0.8;
    });
    await expect.poll(() => playingTime(player), { timeout: 30_000 }).toBeGreaterThan(target + 0.5);
    const numbers = await itemNumbers(torrent);
    expect(numbers.have, 'pieces verified when the seek played').toBeLessThan(numbers.pieces);
    await releaseHold(a.page);
    await a.context.close();
    await b.context.close();
  });
}

/** The part of a file read again and again while it downloads. */
const HEAD_BYTES = 1024 * 1024;

test("a 12 Mbit/s MP4 with `moov` at the end plays from a seeder without a limit, every byte served as it arrives being the file's", async ({
  browser,
}) => {
  // Film grain at a small size: the encoder spends its whole 12 Mbit/s (a 45 MB file) and encodes in seconds.
  const path = makeVideo(tempDir(), 'mp4', {
    seconds: 30,
    bitrate: 12_000_000,
    grain: true,
    size: '426x240',
  });
  VIDEOS[0].check(path);
  const name = VIDEO_NAMES.mp4;
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, path, name);

  // The player's browser keeps its origin-private files on disk, as people's profiles do (a context of the test's
  // browser keeps them in memory, where a file's snapshot is not invalidated by later writes).
  const { b, player } = await playFrom(browser, magnet, name, name, async () => {
    const context = await chromium.launchPersistentContext(tempDir('swarmdrop-profile-'), {
      ...LAUNCH_OPTIONS,
      acceptDownloads: true,
      baseURL: test.info().project.use.baseURL,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    return { context, page };
  });
  // Through the service worker while the file downloads at full speed, besides the player's reads: the whole file
  // once (each piece read as soon as it is verified) and its first MiB again and again, while the engine writes the
  // next pieces to the same piece file. (A read of a snapshot of that file taken before a write failed the stream,
  // and the player with a format error.)
  const url = await player.evaluate((m: HTMLMediaElement) => m.currentSrc);
  const reads = b.page.evaluate(
    async ({ src, head }) => {
      const hex = async (response: Response) => {
        const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
        return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      };
      const whole = fetch(src).then(hex);
      const heads: string[] = [];
      const page = window as { stopReads?: boolean };
      // A read every 20 ms, not back to back: a tight loop of fetches and digests took the player's main thread on a
      // loaded machine (the video froze for 20 s at its first frame in one CI run).
      while (!page.stopReads) {
        heads.push(await hex(await fetch(src, { headers: { range: `bytes=0-${head - 1}` } })));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { whole: await whole, heads };
    },
    { src: url, head: HEAD_BYTES },
  );
  await expectPlaying(player, true);
  const target = await player.evaluate((m: HTMLMediaElement) => (m.currentTime = m.duration * 0.8));
  await expect.poll(() => playingTime(player), { timeout: 30_000 }).toBeGreaterThan(target + 0.5);
  await b.page.evaluate(() => ((window as { stopReads?: boolean }).stopReads = true));
  const bytes = readFileSync(path);
  const { whole, heads } = await reads;
  expect(whole, 'the whole file as the service worker served it').toBe(sha256(bytes));
  expect(heads.length).toBeGreaterThan(0);
  expect(new Set(heads), 'its first MiB each time').toEqual(new Set([sha256(bytes.subarray(0, HEAD_BYTES))]));
  expect(await player.evaluate((m: HTMLMediaElement) => m.error?.code ?? null)).toBeNull();
  await a.context.close();
  await b.context.close();
});

/** The piece three quarters into the largest of `paths` shared as one folder (a hybrid: files in the order of
 * their names, each from a piece boundary). */
function pieceInsideLargest(paths: string[]): number {
  const sizes = paths.map((path) => statSync(path).size);
  const length = choosePieceLength(sizes.reduce((sum, size) => sum + size, 0));
  const ordered = paths
    .map((path, i) => ({ path, size: sizes[i] }))
    .sort((x, y) => (x.path < y.path ? -1 : 1));
  const largest = Math.max(...sizes);
  let first = 0;
  for (const { size } of ordered) {
    if (size === largest) return first + Math.floor((0.75 * size) / length);
    first += Math.ceil(size / length);
  }
  throw new Error('no largest file');
}

test('MP3, Ogg/Opus, FLAC and M4A (moov at the end) play while they download', async ({ browser }) => {
  const dir = join(tempDir(), 'album');
  const formats: AudioFormat[] = ['mp3', 'opus', 'flac', 'm4a'];
  const paths = formats.map((format) => makeAudio(dir, format, SECONDS));
  const m4a = mp4Boxes(paths[3]).map((box) => box.type);
  expect(m4a.indexOf('moov')).toBeGreaterThan(m4a.indexOf('mdat'));
  // Every piece but one inside the largest file, past its start (files in the torrent's order, each from a piece
  // boundary): the album stays short of its end, and each file's first seconds and its `moov` are served.
  const a = await heldPiecePeer(browser, pieceInsideLargest(paths));
  const magnet = await shareFolder(a.page, dir, 'album');

  const b = await openPeer(browser);
  await serviceWorkerControls(b.page);
  await startDownload(b.page, magnet);
  const torrent = torrentItem(b.page, 'album');
  for (const format of [...formats].reverse()) {
    const name = `tone.${format}`;
    const play = torrent.getByRole('button', { name: `Play ${name}`, exact: true });
    await expect(play).toBeVisible({ timeout: 30_000 });
    await play.click();
    const player = torrent.getByLabel(name, { exact: true });
    await expect(player).toBeVisible();
    expect(await player.evaluate((m: HTMLMediaElement) => m.tagName)).toBe('AUDIO');
    await expectPlaying(player, false);
  }
  const numbers = await itemNumbers(torrent);
  expect(numbers.have, 'pieces verified when the last file played').toBeLessThan(numbers.pieces);
  await releaseHold(a.page);
  await a.context.close();
  await b.context.close();
});
