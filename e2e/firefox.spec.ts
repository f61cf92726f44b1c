// Firefox and Chromium side by side: each shares to the other, Firefox saves byte-identical, resumes after a
// reload, and two tabs of one Firefox profile share one engine, the second acting through the first. Firefox runs
// through puppeteer-core (e2e/firefox.ts).
import { expect, test } from '@playwright/test';
import type { BrowserContext as FirefoxContext, Page as FirefoxPage } from 'puppeteer-core';
import {
  downloadInFirefox,
  firefoxAvailable,
  firefoxPerFile,
  havePieces,
  openFirefoxApp,
  saveInFirefox,
  shareInFirefox,
  waitForApp,
  waitForState,
} from './firefox';
import {
  channelPath,
  expectStatus,
  forceIndexedDbInPage,
  openPeer,
  pieceFileSizesInPage,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  storedKeysInPage,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { heldPeer, releaseHold } from './hold';

/** Pieces (of 16 KiB; 64 in all) Chromium serves before the Firefox tab reloads. */
const RESUME_HELD = 16;

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');

/** One Firefox for this file; each peer a browser context of it, as apart as two profiles. */
const firefoxes = firefoxPerFile();

/** Where Firefox's engine should hold its data channels: in the worker from Firefox 144 on (transferable channels),
 * on the page before (the worker has no RTCDataChannel: the app falls back by feature detection). */
async function expectedChannelPath(context: FirefoxContext): Promise<'worker' | 'page'> {
  const major = Number(/(\d+)\./.exec(await context.browser().version())?.[1] ?? 0);
  return major >= 144 ? 'worker' : 'page';
}

async function firefoxChannelPath(page: FirefoxPage): Promise<string | null> {
  return page.evaluate(() => document.documentElement.dataset.channels ?? null);
}

async function firefox(): Promise<{ browser: FirefoxContext; downloads: string }> {
  const { context, downloads } = await firefoxes.peer();
  return { browser: context, downloads };
}

test('Firefox shares and Chromium downloads the identical file', async ({ browser, baseURL }) => {
  const file = randomFile(tempDir(), 'from-firefox.bin', 1024 * 1024);
  const { browser: fx } = await firefox();
  const sharer = await openFirefoxApp(fx, `${baseURL}/`);
  const magnet = await shareInFirefox(sharer, file.path, 'from-firefox.bin');
  const chromium = await openPeer(browser);
  await startDownload(chromium.page, magnet);
  const item = torrentItem(chromium.page, 'from-firefox.bin');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(chromium.page, item, 'from-firefox.bin')).sha256).toBe(file.sha256);
  // Firefox wrote the bytes from its engine worker where it can hold channels, else from the page.
  expect(await firefoxChannelPath(sharer)).toBe(await expectedChannelPath(fx));
  expect(await channelPath(chromium.page)).toBe('worker');
  await chromium.context.close();
});

test('Chromium shares, Firefox downloads, and Save in Firefox yields the identical file', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'to-firefox.bin', 1024 * 1024);
  const chromium = await openPeer(browser);
  const magnet = await shareFiles(chromium.page, file.path, 'to-firefox.bin');
  const { browser: fx, downloads } = await firefox();
  // Firefox keeps its channels on the page here (today's path, forced), Chromium moves its own to the worker.
  const page = await openFirefoxApp(fx, `${baseURL}/?channels=page`);
  await downloadInFirefox(page, magnet);
  await waitForState(page, 'to-firefox.bin', 'seeding');
  expect(await saveInFirefox(page, 'to-firefox.bin', downloads)).toBe(file.sha256);
  expect(await firefoxChannelPath(page)).toBe('page');
  // Firefox has no directory picker: the UI does not offer a control that cannot work there.
  const folderButtons = await page.evaluate(
    () =>
      [...document.querySelectorAll('button')].filter((b) => b.textContent?.includes('Save all to a folder'))
        .length,
  );
  expect(folderButtons).toBe(0);
  expect(
    await page.evaluate(() => typeof (window as { showDirectoryPicker?: unknown }).showDirectoryPicker),
  ).toBe('undefined');
  await chromium.context.close();
});

test('Firefox with IndexedDB as its piece store (forced): a piece an entry, no piece file, Save identical, and after a reload it seeds', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'firefox-idb.bin', 512 * 1024 + 77);
  const chromium = await openPeer(browser);
  const magnet = await shareFiles(chromium.page, file.path, 'firefox-idb.bin');
  const { browser: fx, downloads } = await firefox();
  const page = await openFirefoxApp(fx, `${baseURL}/`);
  await page.evaluate(forceIndexedDbInPage, true);
  await page.reload();
  await waitForApp(page);
  await downloadInFirefox(page, magnet);
  await waitForState(page, 'firefox-idb.bin', 'seeding');
  // The store of browsers without synchronous file handles: one entry per piece, nothing in the piece files.
  const pieces = await havePieces(page, 'firefox-idb.bin');
  expect(pieces).toBeGreaterThan(1);
  expect(await page.evaluate(storedKeysInPage, 'piece:')).toHaveLength(pieces);
  expect(await page.evaluate(pieceFileSizesInPage)).toEqual({});
  expect(await saveInFirefox(page, 'firefox-idb.bin', downloads)).toBe(file.sha256);
  await page.reload();
  await waitForApp(page);
  await waitForState(page, 'firefox-idb.bin', 'seeding', 30_000);
  expect(await havePieces(page, 'firefox-idb.bin')).toBe(pieces);
  await chromium.context.close();
});

test('a Firefox tab reloaded mid-download resumes from its verified pieces', async ({ browser, baseURL }) => {
  // 1 MiB in 16 KiB pieces; Chromium serves a quarter of them until Firefox has reloaded (e2e/hold.ts).
  const file = randomFile(tempDir(), 'firefox-resume.bin', 1024 * 1024);
  const chromium = await heldPeer(browser, RESUME_HELD);
  const magnet = await shareFiles(chromium.page, file.path, 'firefox-resume.bin');
  const { browser: fx, downloads } = await firefox();
  const page = await openFirefoxApp(fx, `${baseURL}/`);
  await downloadInFirefox(page, magnet);
  await page.waitForFunction(
    (held) => Number(document.querySelector('li.torrent')?.getAttribute('data-have') ?? 0) === held,
    { timeout: TRANSFER_TIMEOUT, polling: 100 },
    RESUME_HELD,
  );
  const before = await havePieces(page, 'firefox-resume.bin');
  const pieces = Number(
    await page.evaluate(() => document.querySelector('li.torrent')?.getAttribute('data-pieces')),
  );
  expect(before).toBeLessThan(pieces); // still downloading when reloaded
  await page.reload();
  await waitForApp(page);
  // The verified pieces are back from storage before anything new arrives.
  await page.waitForFunction(() => document.querySelector('li.torrent') !== null, { timeout: 30_000 });
  expect(await havePieces(page, 'firefox-resume.bin')).toBeGreaterThanOrEqual(before);
  await releaseHold(chromium.page);
  await waitForState(page, 'firefox-resume.bin', 'seeding');
  expect(await saveInFirefox(page, 'firefox-resume.bin', downloads)).toBe(file.sha256);
  await chromium.context.close();
});

test('two tabs of one Firefox profile: the second shares through the first, then takes over', async ({
  browser,
  baseURL,
}) => {
  const kept = randomFile(tempDir(), 'firefox-tabs.bin', 40_000);
  const file = randomFile(tempDir(), 'firefox-second-tab.bin', 300 * 1024);
  const { browser: fx } = await firefox();
  const first = await openFirefoxApp(fx, `${baseURL}/`);
  await shareInFirefox(first, kept.path, 'firefox-tabs.bin');
  const second = await openFirefoxApp(fx, `${baseURL}/`);
  const otherTab = 'Another SwarmDrop tab of this browser holds the connections';
  await second.waitForFunction(
    (text) => document.body.innerText.includes(text),
    { timeout: 30_000 },
    otherTab,
  );
  // The second tab shows the first one's torrent, and its share (a File over the BroadcastChannel) reaches the engine.
  await waitForState(second, 'firefox-tabs.bin', 'seeding', 30_000);
  const magnet = await shareInFirefox(second, file.path, 'firefox-second-tab.bin');
  await waitForState(first, 'firefox-second-tab.bin', 'seeding', 30_000);
  const chromium = await openPeer(browser);
  await startDownload(chromium.page, magnet);
  const item = torrentItem(chromium.page, 'firefox-second-tab.bin');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(chromium.page, item, 'firefox-second-tab.bin')).sha256).toBe(file.sha256);
  await chromium.context.close();
  await first.close();
  await second.waitForFunction(
    (text) => !document.body.innerText.includes(text),
    { timeout: 30_000 },
    otherTab,
  );
  await waitForState(second, 'firefox-tabs.bin', 'seeding', 30_000);
  await waitForState(second, 'firefox-second-tab.bin', 'seeding', 30_000);
});

test('in Firefox, a tracker that cannot be reached is named on the card while the torrent waits for peers', async ({
  baseURL,
}) => {
  const { browser: fx } = await firefox();
  const page = await openFirefoxApp(fx, `${baseURL}/`);
  const dead = 'ws://127.0.0.1:9/';
  await downloadInFirefox(
    page,
    `magnet:?xt=urn:btih:${'6'.repeat(40)}&dn=lonely&tr=${encodeURIComponent(dead)}`,
  );
  await waitForState(page, 'lonely', 'fetching-metadata', 30_000);
  // The card's alert names the tracker and says it is unreachable, as in Chromium (errors.spec.ts).
  await page.waitForFunction(
    (tracker) =>
      [...document.querySelectorAll('li.torrent [role="alert"]')].some(
        (alert) => alert.textContent?.includes(tracker) && /unreachable/.test(alert.textContent),
      ),
    { timeout: 30_000, polling: 200 },
    `Tracker ${dead}`,
  );
});
