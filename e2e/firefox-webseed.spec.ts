// Web seeds in Firefox (through puppeteer-core): a .torrent whose `url-list` names a range server on loopback
// downloads with no peer at all, byte-identical, with no preflight (no OPTIONS request reaches the server); a server
// that sends no CORS header is named on the torrent in words; a file whose bytes differ on the server is dropped from
// it while a Chromium tab seeding the torrent supplies its pieces.
import { expect, test } from '@playwright/test';
import type { Browser as FirefoxBrowser, ElementHandle, Page as FirefoxPage } from 'puppeteer-core';
import { firefoxAvailable, launchFirefox, openFirefoxApp, saveInFirefox, waitForState } from './firefox';
import { expectStatus, sha256, tempDir, torrentItem } from './helpers';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import { NAME, askedAgain, seedInTab, served, servedAltered, webSeededTorrent } from './webseed-torrent';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
test.describe.configure({ timeout: 180_000 });

let firefox: FirefoxBrowser | undefined;
let server: RangeServer | undefined;
test.afterEach(async () => {
  await firefox?.close();
  firefox = undefined;
  await server?.close();
  server = undefined;
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

test('Firefox downloads a torrent from its web seed alone, byte-identical, with no preflight', async ({
  baseURL,
}) => {
  const { path, data } = await webSeededTorrent(tempDir(), async (files) => {
    server = await startRangeServer(served(files));
    return `${server.origin}/files`;
  });
  const downloads = tempDir('swarmdrop-firefox-downloads-');
  firefox = await launchFirefox(downloads);
  const page = await openFirefoxApp(firefox, `${baseURL}/`);
  await openTorrentInFirefox(page, path);
  await waitForState(page, NAME, 'seeding');
  // Seeding: every piece passed its check. A name Firefox saves as it is (it rewrites `?` and `%` in a saved file's
  // name) is compared byte for byte too.
  expect(await saveInFirefox(page, 'été ü.bin', downloads)).toBe(sha256(data.get('été ü.bin')!));
  expect(server!.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
});

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
