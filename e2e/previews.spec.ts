// Previews: an image of a torrent opens in the page (an SVG only as an image: opened on its own it is a download),
// and the subtitle files beside a video become its text tracks, SRT converted to WebVTT, each cue at its time.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FFMPEG, makeVideo } from './media';
import {
  TRANSFER_TIMEOUT,
  expectStatus,
  openPeer,
  seriousViolations,
  shareFolder,
  startDownload,
  tempDir,
  torrentItem,
} from './helpers';

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><script>parent.hacked = true</script>' +
  '<rect width="40" height="30" fill="teal"/></svg>';

test('an image opens in the page, and an SVG only as an image', async ({ browser }) => {
  const dir = tempDir();
  mkdirSync(join(dir, 'pics'));
  execFileSync(FFMPEG, [
    ...['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48', '-frames:v', '1'],
    join(dir, 'pics', 'photo.png'),
  ]);
  writeFileSync(join(dir, 'pics', 'drawing.svg'), SVG);
  const a = await openPeer(browser);
  const magnet = await shareFolder(a.page, join(dir, 'pics'), 'pics');
  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'pics');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);

  for (const [name, width] of [
    ['photo.png', 64],
    ['drawing.svg', 40],
  ] as const) {
    const open = item.getByRole('button', { name: `Open ${name}` });
    await open.click();
    await expect(open).toHaveAttribute('aria-pressed', 'true');
    const image = item.getByRole('img', { name });
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(width);
  }
  expect(await b.page.evaluate(() => (window as unknown as { hacked?: boolean }).hacked)).toBeUndefined();
  expect(await seriousViolations(b.page, 'li.torrent')).toEqual([]);

  // Opened on its own (a link, a typed address), the SVG is a download, never a page of the app's origin.
  const svgUrl = await item.getByRole('img', { name: 'drawing.svg' }).getAttribute('src');
  const direct = await b.context.newPage();
  const [download] = await Promise.all([
    direct.waitForEvent('download'),
    direct.goto(svgUrl!).catch(() => undefined),
  ]);
  expect(download.suggestedFilename()).toBe('drawing.svg');
  await a.context.close();
  await b.context.close();
});

/** SRT as found in the wild: a BOM, CRLF line ends, a `<font>` tag, no blank line at the end. */
const SRT =
  '\uFEFF1\r\n00:00:01,000 --> 00:00:02,000\r\n<font color="#ffff00">First</font> line\r\n\r\n' +
  '2\r\n00:00:03,000 --> 00:00:04,500\r\nSecond & last';
const VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nPremier\n';

test('subtitle files beside a video become its tracks, with their cues at their times', async ({
  browser,
}) => {
  const dir = tempDir();
  const film = join(dir, 'film');
  renameSync(makeVideo(film, 'mp4', { seconds: 6, bitrate: 400_000 }), join(film, 'movie.mp4'));
  writeFileSync(join(film, 'movie.en.srt'), SRT);
  writeFileSync(join(film, 'movie.fr.vtt'), VTT);
  const a = await openPeer(browser);
  const magnet = await shareFolder(a.page, film, 'film');
  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'film');
  await item.getByRole('button', { name: 'Play movie.mp4' }).click();
  const video = b.page.getByLabel('movie.mp4', { exact: true }).and(b.page.locator('video'));
  await expect(video).toBeVisible({ timeout: TRANSFER_TIMEOUT });

  const tracks = () =>
    video.evaluate((media: HTMLVideoElement) =>
      [...media.textTracks].map((track) => ({
        label: track.label,
        language: track.language,
        mode: track.mode,
        cues: [...(track.cues ?? [])].map((cue) => [cue.startTime, cue.endTime, (cue as VTTCue).text]),
      })),
    );
  await expect.poll(tracks, { timeout: 30_000 }).toEqual([
    {
      label: 'movie.en.srt',
      language: 'en',
      mode: 'showing',
      cues: [
        [1, 2, 'First line'],
        [3, 4.5, 'Second &amp; last'],
      ],
    },
    { label: 'movie.fr.vtt', language: 'fr', mode: 'disabled', cues: [] },
  ]);

  // Each cue is active at its time.
  const activeAt = (time: number) =>
    video.evaluate(async (media: HTMLVideoElement, time) => {
      media.pause();
      media.currentTime = time;
      await new Promise((resolve) => media.addEventListener('seeked', resolve, { once: true }));
      return [...(media.textTracks[0].activeCues ?? [])].map((cue) => (cue as VTTCue).text);
    }, time);
  await expect.poll(() => activeAt(3.5), { timeout: 30_000 }).toEqual(['Second &amp; last']);
  await expect.poll(() => activeAt(1.5)).toEqual(['First line']);
  expect(await activeAt(2.5)).toEqual([]);

  // The other track is selectable: chosen, its cues load.
  await video.evaluate((media: HTMLVideoElement) => {
    media.textTracks[0].mode = 'disabled';
    media.textTracks[1].mode = 'showing';
  });
  await expect
    .poll(() => video.evaluate((media: HTMLVideoElement) => media.textTracks[1].cues?.length ?? 0))
    .toBe(1);
  expect(await seriousViolations(b.page)).toEqual([]);
  await a.context.close();
  await b.context.close();
});
