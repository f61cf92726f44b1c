// Web seeds in Firefox (through puppeteer-core): a .torrent whose `url-list` names a range server on loopback
// downloads with no peer at all, byte-identical, with no preflight (no OPTIONS request reaches the server) and no pad
// or empty file asked, names with `#`, `?`, `%`, spaces and accents encoded; a server that sends no CORS header is
// named on the torrent in words; a file whose bytes differ on the server is dropped from it while a Chromium tab
// seeding the torrent supplies its pieces; a budget set on the torrent bounds what the seed serves while a peer
// brings the rest; Retry-After, no range support and a redirect are got through; a video plays from a web seed; an
// encrypted share's copy for a web server gives Firefox the file after the sharer left; a file sent on to a server
// without CORS, and one redirected in a loop, are dropped in words; on an https:// page (https-app.ts) an http://
// seed is refused in words with no request while a peer brings the file, and an https:// seed brings it alone.
import { expect, test } from '@playwright/test';
import type { Browser as FirefoxBrowser, ElementHandle, Page as FirefoxPage } from 'puppeteer-core';
import {
  firefoxAvailable,
  launchFirefox,
  openControlledFirefoxApp,
  openFirefoxApp,
  playPastTwoSeconds,
  saveInFirefox,
  waitForState,
} from './firefox';
import { expectStatus, sha256, tempDir, torrentItem } from './helpers';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import {
  ALONE,
  BUDGET_BYTES,
  HELD,
  REDIRECT_WORDS,
  clipTorrent,
  encryptedShareOnServer,
  expectCleanRequests,
  redirectingTorrent,
  scenarioTorrent,
} from './webseed-scenarios';
import { startHttpsApp } from './https-app';
import { NAME, askedAgain, seedInTab, served, servedAltered, webSeededTorrent } from './webseed-torrent';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
test.describe.configure({ timeout: 180_000 });

let firefox: FirefoxBrowser | undefined;
let server: RangeServer | undefined;
/** Servers a test starts besides `server`, and the TLS front of the app over HTTPS. */
const others: Array<{ close(): Promise<void> }> = [];
test.afterEach(async () => {
  await firefox?.close();
  firefox = undefined;
  await server?.close();
  server = undefined;
  for (const other of others.splice(0)) await other.close();
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
    { timeout: 60_000, polling: 200 },
    text,
  );
}

test('Firefox names a web seed that does not let this site read it, in words', async ({ baseURL }) => {
  const { path } = await webSeededTorrent(tempDir(), async (files) => {
    server = await startRangeServer(served(files), { noCors: true });
    return `${server.origin}/files`;
  });
  firefox = await launchFirefox(tempDir('swarmdrop-firefox-downloads-'));
  const page = await openFirefoxApp(firefox, `${baseURL}/`);
  await openTorrentInFirefox(page, path);
  await detailsSay(page, 'The server 127.0.0.1 does not let this site read it');
  expect(server!.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
});

test('Firefox drops a file whose bytes differ on the web seed, and a peer brings its pieces', async ({
  baseURL,
  browser,
}) => {
  const dir = tempDir();
  const altered = 'été ü.bin';
  const { path, data } = await webSeededTorrent(dir, async (files) => {
    server = await startRangeServer(servedAltered(files, altered));
    return `${server.origin}/files`;
  });
  const downloads = tempDir('swarmdrop-firefox-downloads-');
  firefox = await launchFirefox(downloads);
  const page = await openFirefoxApp(firefox, `${baseURL}/`);
  await openTorrentInFirefox(page, path);
  // With no peer yet, the web seed is asked for every file, the altered one too.
  await detailsSay(page, `Not used for ${altered}: its bytes differ from the torrent`);
  const seeder = await seedInTab(browser, dir, path, data);
  await expectStatus(torrentItem(seeder.page, NAME), 'Seeding', 60_000);
  await waitForState(page, NAME, 'seeding');
  expect(await saveInFirefox(page, altered, downloads)).toBe(sha256(data.get(altered)!));
  expect(askedAgain(server!.requests, altered)).toEqual([]);
  await seeder.context.close();
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

// The seed's first requests are held by the server while the budget is lowered below them. The engine worker runs
// under the service worker's control, where Firefox would not cancel the worker's own aborted fetch: the page makes
// web-seed requests for it, so the requests the engine stops are cancelled and the server sends none of their bytes.
test('Firefox keeps a web seed to the budget set on the torrent, and a peer brings the rest', async ({
  baseURL,
  browser,
}) => {
  const dir = tempDir();
  const budget = BUDGET_BYTES;
  const { path, data } = await scenarioTorrent(dir, HELD, (started) => (server = started));
  const downloads = tempDir('swarmdrop-firefox-downloads-');
  firefox = await launchFirefox(downloads);
  const page = await openControlledFirefoxApp(firefox, `${baseURL}/`);
  await openTorrentInFirefox(page, path);
  // With no peer yet, the seed is asked for every piece; its answers wait until the budget is set.
  await expect.poll(() => server!.held(), { timeout: 60_000 }).toBeGreaterThan(budget);
  await setBudgetInFirefox(page, '0.5');
  await expect.poll(() => server!.held(), { timeout: 60_000 }).toBeLessThanOrEqual(budget);
  server!.release();
  await detailsSay(page, 'Web servers have sent the most you allowed');
  const seeder = await seedInTab(browser, dir, path, data);
  await waitForState(page, NAME, 'seeding');
  expect(await saveInFirefox(page, 'été ü.bin', downloads)).toBe(sha256(data.get('été ü.bin')!));
  expect(server!.served).toBeGreaterThan(0);
  expect(server!.served).toBeLessThanOrEqual(budget);
  await seeder.context.close();
});

for (const scenario of ALONE)
  test(`Firefox's download from a web seed alone ${scenario.title}`, async ({ baseURL }) => {
    const { path, data } = await scenarioTorrent(tempDir(), scenario, (started) => (server = started));
    const downloads = tempDir('swarmdrop-firefox-downloads-');
    firefox = await launchFirefox(downloads);
    const page = await openFirefoxApp(firefox, `${baseURL}/`);
    await openTorrentInFirefox(page, path);
    // Seeding: every piece of every file passed its check. A name Firefox saves as it is (it rewrites `?` and `%`
    // in a saved file's name) is compared byte for byte too.
    await waitForState(page, NAME, 'seeding');
    expect(await saveInFirefox(page, 'été ü.bin', downloads)).toBe(sha256(data.get('été ü.bin')!));
    scenario.check(server!.requests);
    expectCleanRequests(server!);
  });

test('Firefox plays a video from a web seed alone, its single-file URL used as it is', async ({
  baseURL,
}) => {
  server = await startRangeServer(new Map());
  const path = await clipTorrent(tempDir(), server);
  firefox = await launchFirefox(tempDir('swarmdrop-firefox-downloads-'));
  const page = await openFirefoxApp(firefox, `${baseURL}/`);
  await openTorrentInFirefox(page, path);
  await playPastTwoSeconds(page, 'clip.webm');
  expect(new Set(server.requests.map((request) => request.path))).toEqual(new Set(['/media/a clip.webm']));
});

test("Firefox gets an encrypted share's file from its copy on a web server after the sharer left", async ({
  baseURL,
  browser,
}) => {
  const name = 'secret é.txt';
  server = await startRangeServer(new Map());
  const sharer = await encryptedShareOnServer(browser, tempDir(), name, server);
  const downloads = tempDir('swarmdrop-firefox-downloads-');
  firefox = await launchFirefox(downloads);
  const page = await openFirefoxApp(firefox, `${baseURL}${sharer.fragment}`);
  await page.waitForFunction(() => document.querySelector('dialog') !== null, { timeout: 30_000 });
  await page.evaluate(() => {
    const button = [...document.querySelectorAll('dialog button')].find(
      (b) => b.textContent?.trim() === 'Download',
    ) as HTMLButtonElement | undefined;
    button?.click();
  });
  // The sharer gives the metadata and barely any piece, then leaves: the pieces come from the server.
  await page.waitForFunction(
    () => Number(document.querySelector('li.torrent')?.getAttribute('data-pieces') ?? 0) > 0,
    { timeout: 60_000, polling: 100 },
  );
  await sharer.context.close();
  await waitForState(page, name, 'seeding');
  expect(await saveInFirefox(page, name, downloads)).toBe(sha256(sharer.plain));
  expect(server.served).toBeGreaterThan(0);
});

test('Firefox drops a file sent on to a server without CORS, and one redirected in a loop, in words', async ({
  baseURL,
}) => {
  const { path } = await redirectingTorrent(tempDir(), (started) => others.push(started));
  firefox = await launchFirefox(tempDir('swarmdrop-firefox-downloads-'));
  const page = await openFirefoxApp(firefox, `${baseURL}/`);
  await openTorrentInFirefox(page, path);
  await detailsSay(page, REDIRECT_WORDS.toNoCors);
  await detailsSay(page, REDIRECT_WORDS.loop);
});

test('Firefox on an https:// page refuses an http:// web seed in words before any request, and a peer brings the file', async ({
  browser,
}) => {
  const dir = tempDir();
  const { front } = await startHttpsApp();
  others.push(front);
  const { path, data } = await webSeededTorrent(dir, async (files) => {
    server = await startRangeServer(served(files));
    return `${server.origin}/files`;
  });
  const downloads = tempDir('swarmdrop-firefox-downloads-');
  firefox = await launchFirefox(downloads, { acceptInsecureCerts: true });
  const page = await openFirefoxApp(firefox, `${front.origin}/`);
  expect(new URL(page.url()).protocol).toBe('https:');
  await openTorrentInFirefox(page, path);
  await detailsSay(page, 'The server 127.0.0.1 is not secure (http://), so this secure page cannot use it');
  const seeder = await seedInTab(browser, dir, path, data);
  await waitForState(page, NAME, 'seeding');
  expect(await saveInFirefox(page, 'été ü.bin', downloads)).toBe(sha256(data.get('été ü.bin')!));
  expect(server!.requests).toEqual([]);
  await seeder.context.close();
});

test('Firefox on an https:// page downloads from an https:// web seed alone', async () => {
  const { front, certificate } = await startHttpsApp();
  others.push(front);
  const { path, data } = await webSeededTorrent(tempDir(), async (files) => {
    server = await startRangeServer(served(files), {}, certificate);
    return `${server.origin}/files`;
  });
  const downloads = tempDir('swarmdrop-firefox-downloads-');
  firefox = await launchFirefox(downloads, { acceptInsecureCerts: true });
  const page = await openFirefoxApp(firefox, `${front.origin}/`);
  await openTorrentInFirefox(page, path);
  await waitForState(page, NAME, 'seeding');
  expect(await saveInFirefox(page, 'été ü.bin', downloads)).toBe(sha256(data.get('été ü.bin')!));
  expectCleanRequests(server!);
});
