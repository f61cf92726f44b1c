// The webseed bench's clients, each in a fresh Chromium: the app downloading a torrent from a web seed alone after a
// plain `fetch` of the same bytes from the same server in the same page, and WebTorrent's browser bundle downloading
// the same torrent (what users of WebTorrent's web apps run; its Node package fetches without CORS, so it would send
// no preflights). The range server answers preflights as a bucket configured for any origin does.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createAnyInfo, encodeAnyTorrent } from '../../shared/codec/metainfo-v2';
import type { RangeServer } from '../../shared/testing/range-server';
import { serveBundlePage } from '../../e2e/webtorrent-bundle';
import { withTabs } from '../lib/session';
import { openApp, timedDownload } from './app-steps';
import { openBundle } from './webtorrent';

const MiB = 1024 * 1024;

const hashers = {
  sha1: async (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
};

/** A hybrid torrent of `bytes` named `name` with no tracker, its url-list `url` (`pieceLength`: by default the
 * app's choice), written to a fresh temporary folder `dir` (the caller removes it) for `Open .torrent file`. */
export async function seedTorrent(name: string, bytes: Uint8Array, url: string, pieceLength?: number) {
  const { info, pieceLayers } = await createAnyInfo(
    [{ path: [name], length: bytes.length, read: async (o: number, n: number) => bytes.slice(o, o + n) }],
    { name, ...hashers, ...(pieceLength ? { pieceLength } : {}) },
  );
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-webseed-'));
  const path = join(dir, `${name}.torrent`);
  const file = encodeAnyTorrent({ info, pieceLayers, announce: [], urlList: [url] });
  writeFileSync(path, file);
  return { dir, path, file };
}

/** Seconds for the page to fetch `url` whole, reading its body as a stream. */
async function plainFetch(page: Page, url: string, size: number): Promise<number> {
  const result = await page.evaluate(async (target) => {
    const start = performance.now();
    const reader = (await fetch(target, { cache: 'no-store' })).body!.getReader();
    let bytes = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read())
      bytes += read.value.byteLength;
    return { seconds: (performance.now() - start) / 1000, bytes };
  }, url);
  if (result.bytes !== size) throw new Error(`plain fetch read ${result.bytes} of ${size} bytes`);
  return result.seconds;
}

/** The file the plain fetch reads (`url`, `size` bytes) and the .torrent the app opens (`torrent`, a path; `file`,
 * its bytes). */
export interface SeedDownload {
  url: string;
  size: number;
  torrent: { path: string; file: Uint8Array };
}

/** What one client's download measured, and the GETs and CORS preflights the server saw for it. */
export interface SeedRun {
  seconds: number;
  requests: number;
  preflights: number;
  /** The plain fetch's seconds, before the app's download. */
  fetchSeconds?: number;
}

const timeout = (size: number) => Math.max(120_000, (size / MiB) * 2_000);

function counted(server: RangeServer, seconds: number, fetchSeconds?: number): SeedRun {
  const count = (method: string) => server.requests.filter((request) => request.method === method).length;
  return { seconds, requests: count('GET'), preflights: count('OPTIONS'), fetchSeconds };
}

/** The plain fetch, then the app's download of the torrent from the seed alone. */
export function appRun(
  appOrigin: string,
  server: RangeServer,
  { url, size, torrent }: SeedDownload,
): Promise<SeedRun> {
  return withTabs(1, async ([{ page }]) => {
    await openApp(page, appOrigin);
    const fetchSeconds = await plainFetch(page, url, size);
    server.requests.length = 0;
    const open = () => page.getByLabel('Open .torrent file').setInputFiles(torrent.path);
    return counted(server, (await timedDownload(page, open, timeout(size))).seconds, fetchSeconds);
  });
}

const SCRIPT = `
  window.wtFromTorrentFile = (bytes) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const torrent = client.add(new Uint8Array(bytes), { announce: [] });
      torrent.on('error', (error) => reject(new Error(String(error))));
      torrent.on('done', () => resolve({ seconds: (performance.now() - start) / 1000, length: torrent.length }));
    });`;

type WtWindow = { wtFromTorrentFile(bytes: number[]): Promise<{ seconds: number; length: number }> };

/** WebTorrent's download of the same torrent, or a failure after the app's timeout (a stalled download would hold
 * the bench for ever). */
export async function webTorrentRun(server: RangeServer, { size, torrent }: SeedDownload): Promise<SeedRun> {
  const bundle = await serveBundlePage(SCRIPT);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await withTabs(1, async ([{ page }]) => {
      await openBundle(page, bundle.url);
      server.requests.length = 0;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('WebTorrent did not finish in time')), timeout(size));
      });
      const done = page.evaluate(
        (bytes) => (window as unknown as WtWindow).wtFromTorrentFile(bytes),
        [...torrent.file],
      );
      const { seconds, length } = await Promise.race([done, late]);
      if (length !== size) throw new Error(`WebTorrent saw ${length} bytes of ${size}`);
      return counted(server, seconds);
    });
  } finally {
    clearTimeout(timer);
    bundle.close();
  }
}
