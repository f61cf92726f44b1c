// Web seeds in Firefox (through puppeteer-core), what only the browser shows: a .torrent whose `url-list` names two
// range servers on loopback, one serving the files and one sending no CORS header, downloads with no peer at all,
// byte-identical, with no preflight (no OPTIONS request reaches either server) and no pad or empty file asked, names
// with `#`, `?`, `%`, spaces and accents encoded as the servers hold them; Firefox's CORS rule refuses the second
// seed, which the card's details name in words. A budget lowered below what the seed's held requests ask cancels the
// requests it no longer covers at the server, which only Firefox's own behaviour shows (its engine worker's aborted
// fetch would still be answered whole, so the page makes the requests: seed-request-place.ts). A magnet link whose
// `xs=` names the .torrent beside the files starts and finishes from the server alone. The fault matrix is the fetcher's and the engine's, not the
// browser's: web/src/net/web-seed-matrix.process.test.ts and lab/sim/web-seed-faults.test.ts.
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ElementHandle, Page as FirefoxPage } from 'puppeteer-core';
import {
  downloadInFirefox,
  firefoxAvailable,
  firefoxPerFile,
  openControlledFirefoxApp,
  openFirefoxApp,
  saveInFirefox,
  waitForState,
} from './firefox';
import { sha256, tempDir } from './helpers';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import { readTorrentEnvelope } from '../shared/codec/torrent-file';
import {
  BUDGET_BYTES,
  NO_CORS_WORDS,
  expectCleanRequests,
  heldSeedTorrent,
  twoSeedTorrent,
} from './webseed-scenarios';
import { NAME, served, webSeededTorrent } from './webseed-torrent';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');

// One Firefox for the file, a context (its own storage, service worker and download folder) for each test.
const firefox = firefoxPerFile();
const servers: RangeServer[] = [];
test.afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** Opens the .torrent in Firefox's app (`Open .torrent file`). */
async function openTorrentInFirefox(page: FirefoxPage, path: string): Promise<void> {
  const input = (await page.$(
    '::-p-xpath(//label[contains(., "Open .torrent file")]//input[@type="file"])',
  )) as ElementHandle<HTMLInputElement> | null;
  if (!input) throw new Error('no Open .torrent file input');
  await input.uploadFile(path);
}

/** Opens the torrent's details and waits until they say `text`. */
async function detailsSay(page: FirefoxPage, text: string): Promise<void> {
  await page.waitForFunction(
    (text) => {
      const item = document.querySelector('li.torrent');
      const details = item?.querySelector('details.card-details') as HTMLDetailsElement | null;
      if (details) details.open = true;
      return item?.textContent?.includes(text) ?? false;
    },
    { timeout: 30_000, polling: 200 },
    text,
  );
}

test("Firefox's download from a web seed alone completes byte-identical, with no preflight and no pad or empty file asked, and a seed that does not let this site read it is named in words", async ({
  baseURL,
}) => {
  const { path, data, good, noCors } = await twoSeedTorrent(tempDir(), (started) => servers.push(started));
  const { context, downloads } = await firefox.peer();
  const page = await openFirefoxApp(context, `${baseURL}/`);
  await openTorrentInFirefox(page, path);
  await detailsSay(page, NO_CORS_WORDS);
  // Seeding: every piece of every file passed its check. A name Firefox saves as it is (it rewrites `?` and `%`
  // in a saved file's name) is compared byte for byte too.
  await waitForState(page, NAME, 'seeding');
  expect(await saveInFirefox(page, 'été ü.bin', downloads)).toBe(sha256(data.get('été ü.bin')!));
  expectCleanRequests(good);
  expectCleanRequests(noCors);
});

/** Types `text` into the torrent's `Most to fetch from web servers (MiB)` and commits it (a change event). */
async function setBudgetInFirefox(page: FirefoxPage, text: string): Promise<void> {
  const set = await page.evaluate((text) => {
    const item = document.querySelector('li.torrent');
    const details = item?.querySelector('details.card-details') as HTMLDetailsElement | null;
    if (details) details.open = true;
    const label = [...(item?.querySelectorAll('label') ?? [])].find(
      (l) => l.textContent?.trim() === 'Most to fetch from web servers (MiB)',
    );
    const field = label ? (document.getElementById(label.htmlFor) as HTMLInputElement | null) : null;
    if (!field) return false;
    field.value = text;
    field.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  }, text);
  if (!set) throw new Error('no Most to fetch from web servers field');
}

// The engine worker runs under the service worker's control, where Firefox would not cancel the worker's own aborted
// fetch; the page makes web-seed requests for it, so the requests the engine stops are cancelled at the server.
test('Firefox cancels at the server the web-seed requests a lowered budget no longer covers, and says the budget is spent', async ({
  baseURL,
}) => {
  const { path, server } = await heldSeedTorrent(tempDir(), (started) => servers.push(started));
  const { context } = await firefox.peer();
  const page = await openControlledFirefoxApp(context, `${baseURL}/`);
  await openTorrentInFirefox(page, path);
  // With no peer, the seed is asked for every piece; its answers wait until the budget is set.
  await expect.poll(() => server.held(), { timeout: 30_000 }).toBeGreaterThan(BUDGET_BYTES);
  await setBudgetInFirefox(page, '0.5');
  await expect.poll(() => server.held(), { timeout: 30_000 }).toBeLessThanOrEqual(BUDGET_BYTES);
  server.release();
  await detailsSay(page, 'Web servers have sent the most you allowed');
  expect(server.served).toBeGreaterThan(0);
  expect(server.served).toBeLessThanOrEqual(BUDGET_BYTES);
});

test('Firefox starts a magnet link whose .torrent is beside its files on a web server (xs=) with nobody online, and finishes byte-identical', async ({
  baseURL,
}) => {
  let server: RangeServer | undefined;
  const { path, data } = await webSeededTorrent(tempDir(), async (files) => {
    server = await startRangeServer(served(files));
    servers.push(server);
    return [`${server.origin}/files`];
  });
  const torrent = new Uint8Array(readFileSync(path));
  server!.files.set(`/files/${NAME}.torrent`, torrent);
  const infoHash = createHash('sha1').update(readTorrentEnvelope(torrent).infoBytes).digest('hex');
  const seed = `${server!.origin}/files/`;
  const source = `${seed}${encodeURIComponent(NAME)}.torrent`;
  const magnet = `magnet:?xt=urn:btih:${infoHash}&ws=${encodeURIComponent(seed)}&xs=${encodeURIComponent(source)}`;
  const { context, downloads } = await firefox.peer();
  const page = await openFirefoxApp(context, `${baseURL}/`);
  await downloadInFirefox(page, magnet);
  await waitForState(page, NAME, 'seeding');
  expect(await saveInFirefox(page, 'été ü.bin', downloads)).toBe(sha256(data.get('été ü.bin')!));
  expect(server!.requests.map((request) => request.path)).toContain(`/files/${NAME}.torrent`);
  expectCleanRequests(server!);
});
