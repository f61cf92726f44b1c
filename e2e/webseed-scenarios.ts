// Web seed scenarios the Chromium and Firefox specs both run: server faults a download from the web seed alone gets
// through (Retry-After, no range support, a redirect), what no request to a web seed may ever be (a preflight, a pad
// or empty file, a path the server does not hold), a video torrent whose single-file URL is used as it is, and an
// encrypted share whose copy for a web server is made in a Chromium tab.
import { expect, type Browser } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnyInfo, encodeAnyTorrent } from '../shared/codec/metainfo-v2';
import type { RangeFaults, RangeServer, RecordedRequest } from '../shared/testing/range-server';
import { expectStatus, openApp, openDetails, setUploadLimit, torrentItem } from './helpers';
import { startRangeServer } from '../shared/testing/range-server';
import { hashers, NAME, served, webSeededTorrent } from './webseed-torrent';

/** The file the Retry-After and redirect faults are set on. */
const BUSY = `/files/${NAME}/été ü.bin`;
const MOVED = `/files/${NAME}/100% c d.bin`;
const MOVED_TO = '/moved/c d.bin';
const RETRY_AFTER_S = 2;

export interface FaultScenario {
  title: string;
  /** The files the server holds, and its faults. */
  serve(data: Map<string, Uint8Array>): { files: Map<string, Uint8Array>; faults: RangeFaults };
  /** What the server's log must show once the torrent seeds. */
  check(requests: readonly RecordedRequest[]): void;
}

const gets = (requests: readonly RecordedRequest[], path: string) =>
  requests.filter((request) => request.method === 'GET' && request.path === path);

/** The bytes a request asked for, from its Range header (the whole file without one). */
function bytesOf(request: RecordedRequest): { start: number; end: number } {
  const match = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ''));
  if (!match) return { start: 0, end: Infinity };
  return { start: Number(match[1]), end: match[2] === '' ? Infinity : Number(match[2]) };
}

/** Do the two requests ask for some of the same bytes? */
function overlap(a: RecordedRequest, b: RecordedRequest): boolean {
  const [x, y] = [bytesOf(a), bytesOf(b)];
  return x.start <= y.end && y.start <= x.end;
}

/** Downloads from the web seed alone: one from a well-behaved server, then the faults it completes through. */
export const ALONE: FaultScenario[] = [
  {
    title: 'completes byte-identical, with no preflight and no pad or empty file asked',
    serve: (data) => ({ files: served(data), faults: {} }),
    check: () => {},
  },
  {
    title: 'waits for Retry-After after a 503',
    serve: (data) => ({
      files: served(data),
      faults: { busy: new Map([[BUSY, { times: 1, retryAfter: RETRY_AFTER_S }]]) },
    }),
    check(requests) {
      const [busy, ...later] = gets(requests, BUSY);
      // Another run of the same file may have been in flight beside the busy one (two requests per seed); the
      // retry is the request that asks again for the bytes the 503 refused.
      const retry = later.find((request) => overlap(request, busy));
      expect(retry).toBeDefined();
      // The retry left the browser after the server's answer, itself after the first request arrived.
      expect(retry!.at - busy.at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
    },
  },
  {
    title: 'takes each file whole from a server that answers a range with 200',
    serve: (data) => ({ files: served(data), faults: { noRanges: true } }),
    check(requests) {
      expect(requests.filter((request) => request.method === 'GET').length).toBeGreaterThan(0);
    },
  },
  {
    title: 'follows a redirect',
    serve(data) {
      const files = served(data);
      files.set(MOVED_TO, files.get(MOVED)!);
      return { files, faults: { redirects: new Map([[MOVED, MOVED_TO]]) } };
    },
    check(requests) {
      expect(gets(requests, MOVED).length).toBeGreaterThan(0);
      expect(gets(requests, MOVED_TO).length).toBeGreaterThan(0);
    },
  },
];

/** A server holding every answer until released, and the budget set on the torrent while the first are held: half a
 * MiB, less than the seed's first requests hold whichever piece the session starts at (1 MiB at least). */
export const HELD: FaultScenario = {
  title: 'holds its answers until the budget is set',
  serve: (data) => ({ files: served(data), faults: { hold: true } }),
  check: () => {},
};
export const BUDGET_BYTES = 512 * 1024;

/** The web-seeded torrent (webseed-torrent.ts) with its server started as `scenario` says; `started` is told the
 * server as soon as it runs, so the spec stops it whatever happens next. */
export async function scenarioTorrent(
  dir: string,
  scenario: FaultScenario,
  started: (server: RangeServer) => void,
): Promise<{ path: string; data: Map<string, Uint8Array>; server: RangeServer }> {
  let server: RangeServer | undefined;
  const { path, data } = await webSeededTorrent(dir, async (files) => {
    const { files: onServer, faults } = scenario.serve(files);
    server = await startRangeServer(onServer, faults);
    started(server);
    return `${server.origin}/files`;
  });
  return { path, data, server: server! };
}

/** No request a web seed got was a preflight, asked for a pad or empty file, or for a path it does not hold (a name
 * with `#`, `?`, `%`, spaces or accents encoded wrong would be one). */
export function expectCleanRequests(server: RangeServer): void {
  expect(server.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
  for (const request of server.requests) {
    expect([...server.files.keys()]).toContain(request.path);
    expect(request.path).not.toMatch(/\.pad|empty\.txt/);
  }
}

/** The 60 s clip's torrent whose `url-list` is the clip's own URL on `server` (a single-file URL used as it is). */
export async function clipTorrent(dir: string, server: RangeServer): Promise<string> {
  const clip = new Uint8Array(readFileSync(fileURLToPath(new URL('./fixtures/clip.webm', import.meta.url))));
  server.files.set('/media/a clip.webm', clip);
  const { info, pieceLayers } = await createAnyInfo(
    [
      {
        path: ['clip.webm'],
        length: clip.length,
        read: async (o: number, n: number) => clip.slice(o, o + n),
      },
    ],
    { name: 'clip.webm', ...hashers, pieceLength: 64 * 1024 },
  );
  const path = join(dir, 'clip.torrent');
  const urlList = [`${server.origin}/media/a%20clip.webm`];
  writeFileSync(path, encodeAnyTorrent({ info, pieceLayers, announce: [], urlList }));
  return path;
}

/** The file an encrypted share holds: a marker repeated, so a copy with any plaintext in it shows it. */
export const PLAINTEXT_MARKER = 'PLAINTEXT-MARKER';

/** A Chromium tab shares `name` encrypted, "Also at" `server`'s /bucket/; its `Encrypted copy for a web server` is
 * checked to hold no plaintext and put on the server; the tab then gives barely any piece (32 KiB/s up), so a
 * recipient's pieces come from the server. Returns the share link's fragment, the file and the sharer's context. */
export async function encryptedShareOnServer(
  browser: Browser,
  dir: string,
  name: string,
  server: RangeServer,
) {
  const plain = Buffer.from(`${PLAINTEXT_MARKER}-webseed `.repeat(60_000));
  writeFileSync(join(dir, name), plain);
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await openApp(page);
  await page.getByText('Also at other servers').click();
  await page.getByLabel('Also at (one web address a line)').fill(`${server.origin}/bucket/`);
  await page.getByLabel('Encrypt for people with the link').check();
  await page.getByLabel('Share files').setInputFiles(join(dir, name));
  const item = torrentItem(page, name);
  await expectStatus(item, 'Seeding', 60_000);
  await item.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  await openDetails(item);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    item.getByRole('button', { name: 'Encrypted copy for a web server' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('private share');
  const copyPath = join(dir, 'copy');
  await download.saveAs(copyPath);
  const copy = readFileSync(copyPath);
  expect(copy.includes(Buffer.from(PLAINTEXT_MARKER))).toBe(false);
  server.files.set('/bucket/private share', new Uint8Array(copy));
  await setUploadLimit(page, 32);
  return { context, plain, fragment: link.slice(link.indexOf('/#')) };
}

/** The words the details give for a file sent on to a server without CORS, and for a file redirected in a loop. */
export const REDIRECT_WORDS = {
  toNoCors: 'a #b?.bin: it is sent on to a server that does not let this site read it',
  loop: 'été ü.bin: its redirects lead nowhere (a loop, or a server that does not answer)',
};

/** The web-seeded torrent on a server that sends `a #b?.bin` on to a second server sending no CORS header, and
 * `été ü.bin` round a loop of redirects; `started` is told each server as it runs, so the spec stops both. */
export async function redirectingTorrent(dir: string, started: (server: RangeServer) => void) {
  const elsewhere = await startRangeServer(new Map(), { noCors: true });
  started(elsewhere);
  return webSeededTorrent(dir, async (files) => {
    const onServer = served(files);
    elsewhere.files.set('/a.bin', onServer.get(`/files/${NAME}/a #b?.bin`)!);
    const looped = `/files/${NAME}/été ü.bin`;
    const server = await startRangeServer(onServer, {
      redirects: new Map([
        [`/files/${NAME}/a #b?.bin`, `${elsewhere.origin}/a.bin`],
        [looped, '/loop/e.bin'],
        ['/loop/e.bin', looped],
      ]),
    });
    started(server);
    return `${server.origin}/files`;
  });
}
