// Web seed scenarios of the e2e specs: the torrent whose `url-list` names a server that serves it and one that sends
// no CORS header, one whose server holds its answers while a budget is set, what no request to a web seed may ever be (a preflight, a pad or empty file, a
// path the server does not hold), and an encrypted share whose copy for a web server is made in a Chromium tab.
import { expect, type Browser } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RangeServer } from '../shared/testing/range-server';
import { expectStatus, openApp, openDetails, setUploadLimit, torrentItem } from './helpers';
import { startRangeServer } from '../shared/testing/range-server';
import { served, webSeededTorrent } from './webseed-torrent';

/** The words the details give for the seed that sends no CORS header. */
export const NO_CORS_WORDS = 'The server 127.0.0.1 does not let this site read it';

/** The web-seeded torrent (webseed-torrent.ts) naming `good`, a server holding its files, then `noCors`, one holding
 * them too but sending no CORS header; `started` is told each server as it runs, so the spec stops both. */
export async function twoSeedTorrent(dir: string, started: (server: RangeServer) => void) {
  const servers: { good?: RangeServer; noCors?: RangeServer } = {};
  const { path, data } = await webSeededTorrent(dir, async (files) => {
    servers.good = await startRangeServer(served(files));
    started(servers.good);
    servers.noCors = await startRangeServer(served(files), { noCors: true });
    started(servers.noCors);
    return [`${servers.good.origin}/files`, `${servers.noCors.origin}/files`];
  });
  return { path, data, good: servers.good!, noCors: servers.noCors! };
}

/** The budget a test sets while the seed's first answers are held: half a MiB, less than the seed's first requests
 * hold whichever piece the session starts at (1 MiB at least). */
export const BUDGET_BYTES = 512 * 1024;

/** The web-seeded torrent on a server holding every answer until released; `started` is told the server as it runs. */
export async function heldSeedTorrent(dir: string, started: (server: RangeServer) => void) {
  let server: RangeServer | undefined;
  const { path } = await webSeededTorrent(dir, async (files) => {
    server = await startRangeServer(served(files), { hold: true });
    started(server);
    return [`${server.origin}/files`];
  });
  return { path, server: server! };
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
