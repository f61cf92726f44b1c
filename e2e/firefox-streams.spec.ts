// Files as streams in Firefox: a video plays in a Firefox tab while it downloads from a Chromium tab (Play <path>,
// the service worker's stream, or the Blob fallback where there is none). Firefox runs through puppeteer-core.
import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import type { Page as FirefoxPage } from 'puppeteer-core';
import {
  downloadInFirefox,
  firefoxAvailable,
  firefoxPerFile,
  openFirefoxApp,
  playPastTwoSeconds,
  waitForState,
} from './firefox';
import { shareFiles, TRANSFER_TIMEOUT } from './helpers';
import { heldPiecePeer, pieceToHold, releaseHold } from './hold';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');

const CLIP = fileURLToPath(new URL('./fixtures/clip.webm', import.meta.url));

const firefox = firefoxPerFile();

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
  // The sharer serves every piece but one at 92 % until released (e2e/hold.ts): the download stays short of its
  // end however fast it runs.
  const sharer = await heldPiecePeer(browser, pieceToHold(CLIP));
  const magnet = await shareFiles(sharer.page, CLIP, 'clip.webm');

  const { context } = await firefox.peer();
  const page = await openFirefoxApp(context, `${baseURL}/`);
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

  await releaseHold(sharer.page);
  await waitForState(page, 'clip.webm', 'seeding', TRANSFER_TIMEOUT);
  await sharer.context.close();
});
