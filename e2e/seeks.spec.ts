// A seek never costs a connection (issue 24): a WebM muxed by ffmpeg with its defaults (cues at the end), played from
// a seeder under an upload limit, sought ten times; the leecher keeps its one connection to the seeder throughout.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openPeer, setUploadLimit, shareFiles, startDownload, tempDir, torrentItem } from './helpers';

test.describe.configure({ timeout: 240_000 });

/** 30 s of 640x360 VP8 at 4 Mbit/s with Opus, muxed as ffmpeg does by default (the cues after the clusters). */
function makeVideo(dir: string): string {
  const path = join(dir, 'seeks.webm');
  execFileSync('ffmpeg', [
    ...['-y', '-loglevel', 'error'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '30'],
    ...['-c:v', 'libvpx', '-b:v', '4M', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'],
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
