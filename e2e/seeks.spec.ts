// Playback from a seeder under an upload limit, with a WebM muxed by ffmpeg with its defaults (cues at the
// end): a seek never costs a connection (ten seeks, one connection throughout), and the pieces after the playhead
// come first, so the playable part keeps ahead of playback while the download goes on. Two mechanisms fetch from the
// playhead: the engine's playback window and the pieces the service worker's streams wait for (the player reads
// ahead of its playhead). With the window turned off the second test still passes, on the streams' wishes; with both
// turned off it fails. The window's own order and deadlines are held by
// shared/engine/streaming/playback-window.test.ts and streaming.test.ts.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  havePieces,
  itemNumbers,
  openPeer,
  setUploadLimit,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
} from './helpers';

test.describe.configure({ timeout: 240_000 });

/** `seconds` of VP8 (640x360 at 4 Mbit/s unless told) with Opus, muxed as ffmpeg does by default (the cues after the
 * clusters). */
function makeVideo(dir: string, seconds = 30, name = 'seeks.webm', size = '640x360', bitrate = '4M'): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    ...['-y', '-loglevel', 'error'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds)],
    ...['-c:v', 'libvpx', '-b:v', bitrate, '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'],
    path,
  ]);
  return path;
}

test('ten seeks under an upload limit keep the connection to the seeder', async ({ browser }) => {
  const video = makeVideo(tempDir());
  const a = await openPeer(browser);
  // 2.4 times the bitrate: playback keeps up, the whole file takes longer than the seeks.
  const limit = Math.round((2.4 * statSync(video).size) / 30 / 1024);
  await setUploadLimit(a.page, limit);
  const magnet = await shareFiles(a.page, video, 'seeks.webm');

  const b = await openPeer(browser);
  // Count the leecher's connections that opened, and those of them that were lost (its unanswered offers, made and
  // dropped as it announces, are not connections).
  await b.page.evaluate(() => {
    const w = window as unknown as { opened: number; lost: number };
    w.opened = 0;
    w.lost = 0;
    const Original = RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      private open = false;
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        this.addEventListener('connectionstatechange', () => {
          if (this.connectionState === 'connected' && !this.open) {
            this.open = true;
            w.opened++;
          } else if (this.open && ['closed', 'failed', 'disconnected'].includes(this.connectionState)) {
            this.lose();
          }
        });
      }
      // Closed by the app (the engine dropped the peer): close() fires no state change.
      override close(): void {
        if (this.open) this.lose();
        super.close();
      }
      private lose(): void {
        this.open = false;
        w.lost++;
      }
    } as typeof RTCPeerConnection;
  });
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'seeks.webm');
  await item.getByRole('button', { name: 'Play seeks.webm' }).click();
  const player = item.getByLabel('seeks.webm', { exact: true });
  // The player knows the duration (the header has arrived) and the leecher is connected.
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => (Number.isFinite(v.duration) ? v.duration : 0)), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0);
  const connections = () =>
    b.page.evaluate(() => {
      const w = window as unknown as { opened: number; lost: number };
      return { opened: w.opened, lost: w.lost };
    });
  const before = await connections();
  expect(before.opened).toBeGreaterThanOrEqual(1);

  for (const fraction of [0.8, 0.2, 0.9, 0.5, 0.95, 0.1, 0.7, 0.3, 0.85, 0.6]) {
    const target = await player.evaluate((v: HTMLVideoElement, f: number) => {
      v.currentTime = v.duration * f;
      return v.currentTime;
    }, fraction);
    // Wait for the seek to play on (or at most 10 s), then seek again.
    await expect
      .poll(() => player.evaluate((v: HTMLVideoElement) => (v.paused || v.seeking ? 0 : v.currentTime)), {
        timeout: 10_000,
      })
      .toBeGreaterThan(target)
      .catch(() => undefined);
  }
  const after = await connections();
  expect(after.lost, 'connections lost during the seeks').toBe(before.lost);
  expect(after.opened, 'connections opened during the seeks').toBe(before.opened);
  await a.context.close();
  await b.context.close();
});

test('the pieces after the playhead come first, and the playable part keeps ahead of playback', async ({
  browser,
}) => {
  test.setTimeout(420_000);
  // Long enough that the download outlasts the checks, and large enough (about 3 Mbit/s) that most pieces checked lie
  // past the early pieces (a playable file's first 4 MiB, fetched first whatever the window: about 12 s of it).
  const seconds = 40;
  const video = makeVideo(tempDir(), seconds, 'window.webm', '640x360', '4M');
  const a = await openPeer(browser);
  // 2.4 times the bitrate: the whole file takes 17 s, playback must not wait for it.
  await setUploadLimit(a.page, Math.round((2.4 * statSync(video).size) / seconds / 1024));
  const magnet = await shareFiles(a.page, video, 'window.webm');

  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'window.webm');
  await item.getByRole('button', { name: 'Play window.webm' }).click();
  const player = item.getByLabel('window.webm', { exact: true });
  /** Where playback is, and the end of the playable part (the buffered range that holds the playhead). */
  const sample = () =>
    player.evaluate((v: HTMLVideoElement) => {
      let end = v.currentTime;
      for (let i = 0; i < v.buffered.length; i++)
        if (v.buffered.start(i) <= v.currentTime + 0.1 && v.buffered.end(i) > end) end = v.buffered.end(i);
      return { current: v.currentTime, end, duration: v.duration };
    });
  await expect.poll(async () => (await sample()).current, { timeout: 90_000 }).toBeGreaterThan(1);
  // Playback started before the download was complete.
  const started = await itemNumbers(item);
  expect(started.have).toBeLessThan(started.pieces);
  const first = await sample();
  // Eight more seconds of playback. From a standing start, a seeder at 2.4 times the bitrate has sent 2.4 t seconds of
  // media after t seconds, less the index at the file's end it sends first (its last 256 KiB), while the player
  // starts at once: the download can be 8 s of media ahead of the playhead only after (8 + index) / 1.4 seconds,
  // whatever the order of the pieces. Four more seconds (about 6 s from Play) is too soon for a smaller video even with
  // every piece fetched in order from the playhead; after eight (about 10 s) the pieces in hand reach 6 to 8 s of
  // media past the checked ones.
  await expect
    .poll(async () => (await sample()).current, { timeout: 60_000 })
    .toBeGreaterThan(first.current + 8);
  const [second, bits, numbers] = await Promise.all([sample(), havePieces(item), itemNumbers(item)]);
  // The playable part grew at least as much as playback moved on (or reached the end of the file).
  const atEnd = second.end >= second.duration - 0.5;
  expect(atEnd || second.end - first.end >= second.current - first.current - 0.5).toBe(true);
  // The pieces from the playhead over the next 8 s of media (the window holds 10) are all here; while the download
  // is not complete, the pieces of the last quarter of the file are not all here yet.
  const pieceAt = (time: number) =>
    Math.min(bits.length - 1, Math.floor((time / second.duration) * bits.length));
  const near = bits.slice(pieceAt(second.current), pieceAt(second.current + 8) + 1);
  expect(near).toMatch(/^1+$/);
  if (numbers.have < numbers.pieces) expect(bits.slice(pieceAt(0.75 * second.duration))).toContain('0');
  await a.context.close();
  await b.context.close();
});
