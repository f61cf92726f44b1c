// WebTorrent's own browser bundle (node_modules/webtorrent/dist/webtorrent.min.js) on a page of its own
// origin, seeding a payload it fetches from that origin and downloading through our tracker.
import type { Page } from '@playwright/test';
import { serveBundlePage, type BundlePage } from '../../e2e/webtorrent-bundle';

export { openBundle, wtSeed } from '../../e2e/webtorrent-bundle';

const DOWNLOAD_SCRIPT = `
  window.wtDownload = (magnet) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      let first;
      const torrent = client.add(magnet);
      torrent.on('error', reject);
      torrent.on('verified', () => (first ??= performance.now() - start));
      torrent.on('done', () => resolve({ firstMs: first ?? null, doneMs: performance.now() - start, length: torrent.length }));
    });
  window.wtThrottleUpload = (rate) => client.throttleUpload(rate);`;

/** Streaming as WebTorrent's browser builds do it: its service worker (`sw.min.js`) and `client.createServer`; a
 * torrent added for playing gets a `Play` button that streams its first file into a new `<video>` and plays it. */
const STREAM_SCRIPT = `
  window.wtStreamReady = async () => {
    const registration = await navigator.serviceWorker.register('/sw.min.js', { scope: '/' });
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    client.createServer({ controller: registration });
  };
  window.wtAddForPlay = (magnet) =>
    new Promise((resolve) => {
      client.add(magnet, (torrent) => {
        const button = document.createElement('button');
        button.id = 'play';
        button.textContent = 'Play';
        button.onclick = () => {
          const video = document.createElement('video');
          video.controls = true;
          video.preload = 'auto';
          document.body.append(video);
          torrent.files[0].streamTo(video);
          video.play().catch(() => {});
        };
        document.body.append(button);
        resolve(torrent.files[0].length);
      });
    });`;

export type BundleServer = BundlePage;

/** Serves the bundle's page (with a timed `wtDownload`), the bundle, and `payloadPath` at /payload; `streams`: the
 * page can play a torrent's file through WebTorrent's service worker too (`wtStreamReady`, `wtAddForPlay`). */
export function bundleServer(payloadPath: string, streams = false): Promise<BundleServer> {
  return serveBundlePage(DOWNLOAD_SCRIPT + (streams ? STREAM_SCRIPT : ''), payloadPath);
}

type WtWindow = {
  wtDownload(magnet: string): Promise<{ firstMs: number | null; doneMs: number; length: number }>;
  wtThrottleUpload(bytesPerSecond: number): void;
  wtStreamReady(): Promise<void>;
  wtAddForPlay(magnet: string): Promise<number>;
};

export function wtDownload(page: Page, magnet: string) {
  return page.evaluate((m) => (window as unknown as WtWindow).wtDownload(m), magnet);
}

/** The client's upload limit for every torrent (WebTorrent's `throttleUpload`, bytes per second). */
export function wtThrottleUpload(page: Page, bytesPerSecond: number): Promise<void> {
  return page.evaluate((rate) => (window as unknown as WtWindow).wtThrottleUpload(rate), bytesPerSecond);
}

/** Registers WebTorrent's service worker and starts its streaming server (the page must be a `streams` one). */
export function wtStreamReady(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as WtWindow).wtStreamReady());
}

/** Adds the torrent; once its metadata is in, the page shows `Play` (#play). Resolves with the file's length. */
export function wtAddForPlay(page: Page, magnet: string): Promise<number> {
  return page.evaluate((m) => (window as unknown as WtWindow).wtAddForPlay(m), magnet);
}
