// WebTorrent's own browser bundle downloading a torrent from its web seed alone, in a Chromium page of its own
// origin: the reference for the webseed bench's requests per MiB. The browser bundle is what users of WebTorrent's
// web apps run (its Node package fetches without CORS, so it would send no preflights). The range server answers
// preflights as a bucket configured for any origin does, so WebTorrent's headers that need one do not stop it.
import type { Page } from '@playwright/test';
import { serveBundlePage } from '../../e2e/webtorrent-bundle';
import type { RangeServer } from '../../shared/testing/range-server';
import { openBundle } from './webtorrent';
import { withTabs } from './transfer';

const MiB = 1024 * 1024;

const SCRIPT = `
  window.wtFromTorrentFile = (bytes) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const torrent = client.add(new Uint8Array(bytes), { announce: [] });
      torrent.on('error', (error) => reject(new Error(String(error))));
      torrent.on('done', () => resolve({ seconds: (performance.now() - start) / 1000, length: torrent.length }));
    });`;

type WtWindow = {
  wtFromTorrentFile(bytes: number[]): Promise<{ seconds: number; length: number }>;
};

/** What the range server saw while WebTorrent downloaded. */
export interface ReferenceRun {
  seconds: number;
  /** GET requests (the ranges it asked for). */
  requests: number;
  /** CORS preflights (OPTIONS) its requests needed. */
  preflights: number;
}

/** WebTorrent's download, or a failure after `timeoutMs` (a download that stalls would hold the bench for ever). */
async function fromTorrentFile(page: Page, torrent: Uint8Array, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`WebTorrent did not finish within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      page.evaluate((bytes) => (window as unknown as WtWindow).wtFromTorrentFile(bytes), [...torrent]),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One download of `torrent` (a .torrent file's bytes whose url-list names `server`) by WebTorrent, in a fresh
 * Chromium; `size` is the payload's length, checked against WebTorrent's. */
export async function webTorrentFromSeed(
  server: RangeServer,
  torrent: Uint8Array,
  size: number,
): Promise<ReferenceRun> {
  const bundle = await serveBundlePage(SCRIPT);
  try {
    return await withTabs(1, async ([{ page }]) => {
      await openBundle(page, bundle.url);
      server.requests.length = 0;
      const { seconds, length } = await fromTorrentFile(
        page,
        torrent,
        Math.max(120_000, (size / MiB) * 2_000),
      );
      if (length !== size) throw new Error(`WebTorrent saw ${length} bytes of ${size}`);
      const count = (method: string) => server.requests.filter((request) => request.method === method).length;
      return { seconds, requests: count('GET'), preflights: count('OPTIONS') };
    });
  } finally {
    bundle.close();
  }
}
