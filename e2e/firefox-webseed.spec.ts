// Web seeds in Firefox (through puppeteer-core): a .torrent whose `url-list` names a range server on loopback
// downloads with no peer at all, byte-identical, with no preflight (no OPTIONS request reaches the server).
import { expect, test } from '@playwright/test';
import type { Browser as FirefoxBrowser, ElementHandle } from 'puppeteer-core';
import { firefoxAvailable, launchFirefox, openFirefoxApp, saveInFirefox, waitForState } from './firefox';
import { sha256, tempDir } from './helpers';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import { NAME, served, webSeededTorrent } from './webseed-torrent';

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
  const input = (await page.$(
    '::-p-xpath(//label[contains(., "Open .torrent file")]//input[@type="file"])',
  )) as ElementHandle<HTMLInputElement> | null;
  if (!input) throw new Error('no Open .torrent file input');
  await input.uploadFile(path);
  await waitForState(page, NAME, 'seeding');
  // Seeding: every piece passed its check. A name Firefox saves as it is (it rewrites `?` and `%` in a saved file's
  // name) is compared byte for byte too.
  expect(await saveInFirefox(page, 'été ü.bin', downloads)).toBe(sha256(data.get('été ü.bin')!));
  expect(server!.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
});
