// Firefox tabs in the background keep transferring. The Firefox tab under test is hidden behind another tab of its
// window brought to the front (e2e/firefox-lifecycle.ts) before its transfer starts, and stays there until it ends:
// it sees `visibilitychange` say `hidden`, and its page timers run at most once a second, counted against a timer of
// the tab in front. Firefox runs through puppeteer-core (e2e/firefox.ts); its peer is the test's Chromium. What the
// engine does with timers that run once a second (or once a minute) is the simulator's, in virtual time:
// shared/engine/testing/suspend.test.ts.
import { expect, test } from '@playwright/test';
import type { Browser as FirefoxBrowser, Page as FirefoxPage } from 'puppeteer-core';
import {
  downloadInFirefox,
  firefoxAvailable,
  launchFirefox,
  openFirefoxApp,
  saveInFirefox,
  shareInFirefox,
  waitForState,
} from './firefox';
import {
  hideBehindNewTab,
  recordVisibility,
  seenVisibility,
  startTicking,
  startWorkerTicking,
  visibilityState,
  type FrontTab,
} from './firefox-lifecycle';
import {
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
  type MadeFile,
} from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');

const SIZE = 2 * 1024 * 1024;
/** A background tab's page timer runs at most once a second where the front tab's 50 ms one runs about twenty
 * times: fewer than a quarter of the front tab's runs is throttled with a wide margin for a loaded machine. */
const THROTTLED_SHARE = 4;
/** Nightly's default, off in release and ESR: a background tab's dedicated workers have their timers clamped too,
 * the engine's tick and the wake clock's included. */
const WORKER_THROTTLING = { 'dom.workers.throttling.enabled': true };
/** Runs of the front tab's timer counted before the transfer starts: about three seconds of a visible tab's 50 ms
 * timer, enough for the hidden tab's clamp to show in its counts. */
const FRONT_TICKS_BEFORE_TRANSFER = 60;

type Ticks = Awaited<ReturnType<FrontTab['ticksSinceHidden']>>;

const firefoxes: FirefoxBrowser[] = [];
test.afterEach(async () => {
  await Promise.all(firefoxes.splice(0).map((browser) => browser.close()));
});

/** A Firefox (with `prefs`) with the app open at `path`, counting its page's and its worker's timer runs. */
async function firefoxApp(
  baseURL: string,
  path: string,
  prefs: Record<string, boolean>,
): Promise<{ fx: FirefoxBrowser; page: FirefoxPage; downloads: string }> {
  const downloads = tempDir('swarmdrop-firefox-downloads-');
  const fx = await launchFirefox(downloads, { prefs });
  firefoxes.push(fx);
  const page = await openFirefoxApp(fx, `${baseURL}${path}`);
  await recordVisibility(page);
  await startTicking(page);
  await startWorkerTicking(page);
  return { fx, page, downloads };
}

/** The tab went into the background once and stayed there, and its page timers ran as a background tab's. */
async function expectStayedHiddenAndThrottled(page: FirefoxPage, front: FrontTab): Promise<Ticks> {
  expect(await visibilityState(page)).toBe('hidden');
  expect(await seenVisibility(page)).toEqual(['hidden']);
  const counted = await front.ticksSinceHidden();
  expect(counted.hidden * THROTTLED_SHARE).toBeLessThan(counted.front);
  return counted;
}

/** Hides `page` and waits, by counting the front tab's timer runs, until its page timers run as a background tab's. */
async function hiddenUntilClamped(
  fx: FirefoxBrowser,
  page: FirefoxPage,
): Promise<{ front: FrontTab; at: Ticks }> {
  const front = await hideBehindNewTab(fx, page);
  await expect
    .poll(async () => (await front.ticksSinceHidden()).front, { timeout: TRANSFER_TIMEOUT })
    .toBeGreaterThanOrEqual(FRONT_TICKS_BEFORE_TRANSFER);
  return { front, at: await expectStayedHiddenAndThrottled(page, front) };
}

/** A new Chromium peer downloads `file` whole by its magnet link and saves it byte-identical. */
async function downloadsWholeInChromium(
  browser: import('@playwright/test').Browser,
  magnet: string,
  file: MadeFile,
): Promise<void> {
  const chromium = await openPeer(browser);
  await startDownload(chromium.page, magnet);
  const item = torrentItem(chromium.page, file.name);
  await expectStatus(item, 'Seeding');
  const saved = await saveFile(chromium.page, item, file.name);
  expect(saved.size).toBe(file.bytes.length);
  expect(saved.sha256).toBe(file.sha256);
  await chromium.context.close();
}

test("a Firefox tab in the background, its page timers clamped and its workers' not, its channels in the page, downloads byte-identical and serves the download to its end", async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'firefox-hidden.bin', SIZE);
  const source = await openPeer(browser);
  const magnet = await shareFiles(source.page, file.path, file.name);
  // As in Firefox before 144: the page writes the blocks, the part a clamped page could slow.
  const { fx, page, downloads } = await firefoxApp(baseURL!, '/?channels=page', {});
  const { front } = await hiddenUntilClamped(fx, page);
  // In the background for the whole download: it finishes while nobody looks.
  await downloadInFirefox(page, magnet);
  await waitForState(page, file.name, 'seeding');
  // Its source leaves: the next downloader's every piece comes from the tab in the background.
  await source.context.close();
  await downloadsWholeInChromium(browser, magnet, file);
  const counted = await expectStayedHiddenAndThrottled(page, front);
  // Release Firefox leaves a background tab's workers alone: the engine's tick is not what the clamp slows.
  expect(counted.hiddenWorker * THROTTLED_SHARE).toBeGreaterThan(counted.front);
  // The page reports where the channels it opened are.
  expect(await page.evaluate(() => document.documentElement.dataset.channels)).toBe('page');
  await page.bringToFront();
  expect(await saveInFirefox(page, file.name, downloads)).toBe(file.sha256);
});

test("a seeding Firefox tab in the background with its workers' timers clamped before its peer comes serves the whole download", async ({
  browser,
  baseURL,
}) => {
  // Firefox 144 and later: the channels are in the engine's worker. Hidden with nobody to seed to: the upload-queue
  // report and the engine's tick run once a second from the first block on (shared/engine/upload/look-drain.ts,
  // look-cadence.ts). No upload limit: the pacer's window alone decides how fast it seeds.
  const file = randomFile(tempDir(), 'firefox-hidden.bin', SIZE);
  const { fx, page } = await firefoxApp(baseURL!, '/', WORKER_THROTTLING);
  const magnet = await shareInFirefox(page, file.path, file.name);
  const { front, at: beforePeer } = await hiddenUntilClamped(fx, page);
  await downloadsWholeInChromium(browser, magnet, file);
  const end = await expectStayedHiddenAndThrottled(page, front);
  expect(await page.evaluate(() => document.documentElement.dataset.channels)).toBe('worker');
  // The pref is in force: its worker's timers ran as seldom as its page's before the downloader came, and to the end.
  for (const counted of [beforePeer, end])
    expect(counted.hiddenWorker * THROTTLED_SHARE).toBeLessThan(counted.front);
});
