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

export type BundleServer = BundlePage;

/** Serves the bundle's page (with a timed `wtDownload`), the bundle, and `payloadPath` at /payload. */
export function bundleServer(payloadPath: string): Promise<BundleServer> {
  return serveBundlePage(DOWNLOAD_SCRIPT, payloadPath);
}

type WtWindow = {
  wtDownload(magnet: string): Promise<{ firstMs: number | null; doneMs: number; length: number }>;
  wtThrottleUpload(bytesPerSecond: number): void;
};

export function wtDownload(page: Page, magnet: string) {
  return page.evaluate((m) => (window as unknown as WtWindow).wtDownload(m), magnet);
}

/** The client's upload limit for every torrent (WebTorrent's `throttleUpload`, bytes per second). */
export function wtThrottleUpload(page: Page, bytesPerSecond: number): Promise<void> {
  return page.evaluate((rate) => (window as unknown as WtWindow).wtThrottleUpload(rate), bytesPerSecond);
}
