// WebTorrent's own browser bundle (node_modules/webtorrent/dist/webtorrent.min.js) on a page of its own
// origin, seeding a payload it fetches from that origin and downloading through our tracker.
import type { Page } from '@playwright/test';
import { serveBundlePage, type BundleOptions, type BundlePage } from '../../e2e/webtorrent-bundle';

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
  window.wtThrottleUpload = (rate) => client.throttleUpload(rate);
  // A file given to the page's input (Playwright's setInputFiles reads it from disk, not over the page's network).
  const seedInput = Object.assign(document.createElement('input'), { type: 'file', id: 'seed-file' });
  document.body.append(seedInput);
  window.wtSeedChosen = (tracker) =>
    new Promise((resolve) => client.seed(seedInput.files[0], { announce: [tracker] }, (t) => resolve(t.magnetURI)));`;

/** Streaming as WebTorrent's browser builds do it: its service worker (`sw.min.js`) and `client.createServer`; a
 * torrent added for playing gets a `Play` button that streams its first file into a new `<video>` and plays it, and
 * `wtFirstPieceMs` is the time from the add to its first verified piece. */
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
      const added = performance.now();
      const adding = client.add(magnet, (torrent) => {
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
      adding.once('verified', () => (window.wtFirstPieceMs = performance.now() - added));
    });`;

export type BundleServer = BundlePage;

/** Serves the bundle's page (with a timed `wtDownload`), the bundle, and `payloadPath` at /payload; `streams`: the
 * page can play a torrent's file through WebTorrent's service worker too (`wtStreamReady`, `wtAddForPlay`). */
export function bundleServer(
  payloadPath: string | undefined,
  streams = false,
  options: BundleOptions = {},
): Promise<BundleServer> {
  return serveBundlePage(DOWNLOAD_SCRIPT + (streams ? STREAM_SCRIPT : ''), payloadPath, options);
}

type WtWindow = {
  wtDownload(magnet: string): Promise<{ firstMs: number | null; doneMs: number; length: number }>;
  wtThrottleUpload(bytesPerSecond: number): void;
  wtStreamReady(): Promise<void>;
  wtAddForPlay(magnet: string): Promise<number>;
  wtSeedChosen(tracker: string): Promise<string>;
  wtFirstPieceMs?: number;
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

/** Seeds the file at `path` (given to the page's file input, not fetched over its network) announcing to `tracker`;
 * resolves with its magnet link. */
export async function wtSeedFile(page: Page, path: string, tracker: string): Promise<string> {
  await page.setInputFiles('#seed-file', path);
  return page.evaluate((t) => (window as unknown as WtWindow).wtSeedChosen(t), tracker);
}

/** Ms from the add of `wtAddForPlay` to the torrent's first verified piece, once there is one. */
export function wtFirstPieceMs(page: Page): Promise<number | undefined> {
  return page.evaluate(() => (window as unknown as WtWindow).wtFirstPieceMs);
}
