// Seeks in the browser, from a seeder that holds one piece back (e2e/hold.ts), with a WebM muxed by ffmpeg with its defaults (cues at
// the end): ten seeks through the service worker's stream, and the last plays on from its target, with one
// connection throughout. The order the pieces come in after a seek (the playhead's first, the playable part ahead of
// playback, by the window or by the streams' wishes alone) is the engine's: shared/engine/streaming/
// playhead-ahead.test.ts, streaming.test.ts and playback-window.test.ts, in virtual time.
import { expect, test } from '@playwright/test';
import { itemNumbers, openPeer, shareFiles, startDownload, tempDir, torrentItem } from './helpers';
import { heldPiecePeer, pieceToHold, releaseHold } from './hold';
import { makeVideo, VIDEO_NAMES } from './media';

/** 60 s at 2 Mbit/s (made once a machine). */
const SECONDS = 60;
const NAME = VIDEO_NAMES.webm;

test('ten seeks while it downloads play through the stream and keep the connection to the seeder', async ({
  browser,
}) => {
  const video = makeVideo(tempDir(), 'webm', { seconds: SECONDS, bitrate: 2_000_000 });
  // Every piece but one at 40 % (between the seeks' targets at 30 % and 50 %), so the download is not whole while
  // the player seeks, however fast it runs.
  const a = await heldPiecePeer(browser, pieceToHold(video, 0.4));
  const magnet = await shareFiles(a.page, video, NAME);

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
  const item = torrentItem(b.page, NAME);
  await item.getByRole('button', { name: `Play ${NAME}` }).click();
  const player = item.getByLabel(NAME, { exact: true });
  // Played through the service worker's stream.
  await expect
    .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentSrc))
    .toMatch(/\/files\/[0-9a-f]{40}\//);
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

  const seekTo = (fraction: number) =>
    player.evaluate((v: HTMLVideoElement, f: number) => {
      v.currentTime = v.duration * f;
      return v.currentTime;
    }, fraction);
  const playingTime = () =>
    player.evaluate((v: HTMLVideoElement) => (v.paused || v.seeking ? 0 : v.currentTime));
  for (const fraction of [0.8, 0.2, 0.9, 0.5, 0.95, 0.1, 0.7, 0.3, 0.85]) {
    const target = await seekTo(fraction);
    // Wait for the seek to play on (or at most 10 s), then seek again: the next seek may land before this one plays.
    await expect
      .poll(playingTime, { timeout: 10_000 })
      .toBeGreaterThan(target)
      .catch(() => undefined);
  }
  // The last seek plays on from its target.
  const last = await seekTo(0.6);
  await expect.poll(playingTime, { timeout: 30_000 }).toBeGreaterThan(last + 0.5);
  const after = await connections();
  expect(after.lost, 'connections lost during the seeks').toBe(before.lost);
  expect(after.opened, 'connections opened during the seeks').toBe(before.opened);
  const numbers = await itemNumbers(item);
  expect(numbers.have, 'pieces verified after the last seek').toBeLessThan(numbers.pieces);
  await releaseHold(a.page);
  await a.context.close();
  await b.context.close();
});
