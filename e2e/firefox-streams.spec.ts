// Files as streams in Firefox: a video plays in a Firefox tab while it downloads from a Chromium tab (Play <path>,
// the service worker's stream, or the Blob fallback where there is none). Firefox runs through puppeteer-core.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser as FirefoxBrowser, Page as FirefoxPage } from 'puppeteer-core';
import {
  downloadInFirefox,
  firefoxAvailable,
  launchFirefox,
  openFirefoxApp,
  playPastTwoSeconds,
  waitForState,
} from './firefox';
import { openPeer, setUploadLimit, shareFiles, tempDir, TRANSFER_TIMEOUT } from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');

const CLIP = fileURLToPath(new URL('./fixtures/clip.webm', import.meta.url));

let firefox: FirefoxBrowser | undefined;
test.afterEach(async () => {
  await firefox?.close();
  firefox = undefined;
});

/** The torrent item's `data-*` attribute. */
function itemData(page: FirefoxPage, name: string, attribute: string): Promise<string | null> {
  return page.evaluate(
    (name, attribute) =>
      [...document.querySelectorAll('li.torrent')]
        .find((li) => li.getAttribute('aria-label') === name)
        ?.getAttribute(attribute) ?? null,
    name,
    attribute,
  );
}

test('a video plays in Firefox while it downloads', async ({ browser, baseURL }) => {
  const sharer = await openPeer(browser);
  // Slow enough that the whole download takes longer than 15 s (as in streams.spec.ts).
  const size = readFileSync(CLIP).length;
  await setUploadLimit(sharer.page, Math.max(8, Math.floor(size / 1024 / 17)));
  const magnet = await shareFiles(sharer.page, CLIP, 'clip.webm');

  firefox = await launchFirefox(tempDir('swarmdrop-firefox-downloads-'));
  const page = await openFirefoxApp(firefox, `${baseURL}/`);
  await downloadInFirefox(page, magnet);
  // Playback passes 2 s while the torrent is still short of 100 %.
  await playPastTwoSeconds(page, 'clip.webm');
  const have = Number(await itemData(page, 'clip.webm', 'data-have'));
  const pieces = Number(await itemData(page, 'clip.webm', 'data-pieces'));
  expect(have).toBeLessThan(pieces);
  // Through the service worker's stream: the player's source is the file's /files/… URL.
  const source = await page.evaluate(
    () => (document.querySelector('video[aria-label="clip.webm"]') as HTMLVideoElement).currentSrc,
  );
  expect(source).toMatch(/\/files\/[0-9a-f]{40}\/0\/clip\.webm$/);

  await setUploadLimit(sharer.page, 0);
  await waitForState(page, 'clip.webm', 'seeding', TRANSFER_TIMEOUT);
  await sharer.context.close();
});
