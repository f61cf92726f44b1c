// Firefox tabs in the background keep transferring. The Firefox tab under test is hidden behind another tab of its
// window brought to the front (e2e/firefox-lifecycle.ts): it sees `visibilitychange` say `hidden`, and its page
// timers run at most once a second, counted against a timer of the tab in front. Firefox runs through puppeteer-core
// (e2e/firefox.ts); its peer is the test's Chromium.
import { expect, test } from '@playwright/test';
import type { Browser as FirefoxBrowser, Page as FirefoxPage } from 'puppeteer-core';
import {
  downloadInFirefox,
  firefoxAvailable,
  havePieces,
  launchFirefox,
  openFirefoxApp,
  pieceCount,
  saveInFirefox,
  setUploadLimitInFirefox,
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
  itemNumbers,
  openPeer,
  randomFile,
  saveFile,
  setUploadLimit,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
test.describe.configure({ timeout: 240_000 });

/** Slow enough that the tab is hidden in the middle of the transfer and stays so for many seconds. */
const UPLOAD_LIMIT_KIB = 384;
const SIZE = 6 * 1024 * 1024;
/** A background tab's page timer runs at most once a second where the front tab's 50 ms one runs about twenty
 * times: fewer than a quarter of the front tab's runs is throttled with a wide margin for a loaded machine. */
const THROTTLED_SHARE = 4;
/** Nightly's default, off in release and ESR: a background tab's dedicated workers have their timers clamped too,
 * the engine's tick and the wake clock's included. */
const WORKER_THROTTLING = { 'dom.workers.throttling.enabled': true };

const firefoxes: FirefoxBrowser[] = [];
test.afterEach(async () => {
  await Promise.all(firefoxes.splice(0).map((browser) => browser.close()));
});

async function firefox(prefs = {}): Promise<{ browser: FirefoxBrowser; downloads: string }> {
  const downloads = tempDir('swarmdrop-firefox-downloads-');
  const browser = await launchFirefox(downloads, { prefs });
  firefoxes.push(browser);
  return { browser, downloads };
}

/** The tab went into the background once and stayed there, and its page timers ran as a background tab's. */
async function expectStayedHiddenAndThrottled(page: FirefoxPage, front: FrontTab): Promise<void> {
  expect(await visibilityState(page)).toBe('hidden');
  expect(await seenVisibility(page)).toEqual(['hidden']);
  const counted = await front.ticksSinceHidden();
  expect(counted.hidden * THROTTLED_SHARE).toBeLessThan(counted.front);
}

async function downloadsInTheBackground(
  browser: import('@playwright/test').Browser,
  baseURL: string,
  prefs: Record<string, boolean>,
): Promise<{ counted: { front: number; hidden: number; hiddenWorker: number } }> {
  const file = randomFile(tempDir(), 'firefox-hidden.bin', SIZE);
  const chromium = await openPeer(browser);
  await setUploadLimit(chromium.page, UPLOAD_LIMIT_KIB);
  const magnet = await shareFiles(chromium.page, file.path, file.name);
  const { browser: fx, downloads } = await firefox(prefs);
  const page = await openFirefoxApp(fx, `${baseURL}/`);
  await recordVisibility(page);
  await startTicking(page);
  await startWorkerTicking(page);
  await downloadInFirefox(page, magnet);
  await page.waitForFunction(
    (name) =>
      Number(
        [...document.querySelectorAll('li.torrent')]
          .find((li) => li.getAttribute('aria-label') === name)
          ?.getAttribute('data-have') ?? 0,
      ) > 0,
    { timeout: TRANSFER_TIMEOUT, polling: 100 },
    file.name,
  );
  const front = await hideBehindNewTab(fx, page);
  expect(await visibilityState(page)).toBe('hidden');
  expect(await havePieces(page, file.name)).toBeLessThan(await pieceCount(page, file.name));
  // In the background for the rest of the download: it finishes while nobody looks.
  await waitForState(page, file.name, 'seeding');
  await expectStayedHiddenAndThrottled(page, front);
  const counted = await front.ticksSinceHidden();
  await page.bringToFront();
  expect(await saveInFirefox(page, file.name, downloads)).toBe(file.sha256);
  await chromium.context.close();
  return { counted };
}

test('a downloading Firefox tab in the background, its page timers clamped, finishes byte-identical', async ({
  browser,
  baseURL,
}) => {
  const { counted } = await downloadsInTheBackground(browser, baseURL!, {});
  // Release Firefox leaves a background tab's workers alone: the engine's tick is not what the clamp slows.
  expect(counted.hiddenWorker * THROTTLED_SHARE).toBeGreaterThan(counted.front);
});

test("a downloading Firefox tab in the background with its workers' timers clamped too finishes byte-identical", async ({
  browser,
  baseURL,
}) => {
  const { counted } = await downloadsInTheBackground(browser, baseURL!, WORKER_THROTTLING);
  // The pref is in force: the tab's worker timers ran as seldom as its page timers.
  expect(counted.hiddenWorker * THROTTLED_SHARE).toBeLessThan(counted.front);
});

/** When the seeding tab goes to the background: once its downloader has its first pieces, or before the downloader
 * comes at all (its timers clamped before it seeds to anyone). */
type HideAt = 'first-pieces' | 'before-peer';

/** Runs of the front tab's timer counted before the downloader of a seeding tab hidden before its peer comes is
 * opened: about three seconds of a visible tab's 50 ms timer, enough for the hidden tab's clamp to show in its
 * counts. */
const FRONT_TICKS_BEFORE_PEER = 60;

/** A Firefox tab shares, its channels where `channels` says; hidden where `hideAt` says, it serves the rest. */
async function seedsInTheBackground(
  browser: import('@playwright/test').Browser,
  baseURL: string,
  channels: 'page' | 'worker',
  prefs: Record<string, boolean>,
  { hideAt = 'first-pieces', size = SIZE, limitKiB = UPLOAD_LIMIT_KIB }: SeedOptions = {},
): Promise<{ beforePeer?: Ticks; end: Ticks }> {
  const file = randomFile(tempDir(), 'firefox-hidden.bin', size);
  const { browser: fx } = await firefox(prefs);
  const page = await openFirefoxApp(fx, `${baseURL}/${channels === 'page' ? '?channels=page' : ''}`);
  if (limitKiB > 0) await setUploadLimitInFirefox(page, limitKiB);
  await recordVisibility(page);
  await startTicking(page);
  await startWorkerTicking(page);
  const magnet = await shareInFirefox(page, file.path, file.name);
  const front = hideAt === 'before-peer' ? await hiddenUntilClamped(fx, page) : undefined;
  const beforePeer = await front?.ticksSinceHidden();
  const chromium = await openPeer(browser);
  await startDownload(chromium.page, magnet);
  const item = torrentItem(chromium.page, file.name);
  await expect
    .poll(async () => (await itemNumbers(item)).have, { timeout: TRANSFER_TIMEOUT })
    .toBeGreaterThan(0);
  const behind = front ?? (await hideBehindNewTab(fx, page));
  expect(await visibilityState(page)).toBe('hidden');
  expect((await itemNumbers(item)).have).toBeLessThan((await itemNumbers(item)).pieces);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  await expectStayedHiddenAndThrottled(page, behind);
  expect(await page.evaluate(() => document.documentElement.dataset.channels)).toBe(channels);
  const saved = await saveFile(chromium.page, item, file.name);
  expect(saved.size).toBe(file.bytes.length);
  expect(saved.sha256).toBe(file.sha256);
  await chromium.context.close();
  return { beforePeer, end: await behind.ticksSinceHidden() };
}

type Ticks = Awaited<ReturnType<FrontTab['ticksSinceHidden']>>;

interface SeedOptions {
  hideAt?: HideAt;
  size?: number;
  /** The seeding tab's upload limit, KiB/s (0: none). */
  limitKiB?: number;
}

/** Hides `page` and waits, by counting the front tab's timer runs, until its page timers run as a background tab's. */
async function hiddenUntilClamped(fx: FirefoxBrowser, page: FirefoxPage): Promise<FrontTab> {
  const front = await hideBehindNewTab(fx, page);
  await expect
    .poll(async () => (await front.ticksSinceHidden()).front, { timeout: TRANSFER_TIMEOUT })
    .toBeGreaterThanOrEqual(FRONT_TICKS_BEFORE_PEER);
  await expectStayedHiddenAndThrottled(page, front);
  return front;
}

test('a seeding Firefox tab in the background, its page timers clamped, serves the download to its end', async ({
  browser,
  baseURL,
}) => {
  // Firefox 144 and later: the channels are in the engine's worker, whose timers release Firefox leaves alone.
  await seedsInTheBackground(browser, baseURL!, 'worker', {});
});

test('a seeding Firefox tab in the background whose channels stay in the page serves the download to its end', async ({
  browser,
  baseURL,
}) => {
  // As in Firefox before 144: the page writes the blocks, the part a clamped page could slow.
  await seedsInTheBackground(browser, baseURL!, 'page', {});
});

test("a seeding Firefox tab in the background with its workers' timers clamped too serves the download to its end", async ({
  browser,
  baseURL,
}) => {
  // Nightly's clamp: the upload-queue report looks once a second, and the pacer's window covers that wait
  // (shared/engine/upload/look-cadence.ts).
  await seedsInTheBackground(browser, baseURL!, 'worker', WORKER_THROTTLING);
});

test("a seeding Firefox tab in the background with its workers' timers clamped before its peer comes serves the whole download", async ({
  browser,
  baseURL,
}) => {
  // Hidden with nobody to seed to: the upload-queue report and the engine's tick run once a second from the first
  // block on, and the upload estimate starts at nothing (shared/engine/upload/look-drain.ts). No upload limit: the
  // pacer's window alone decides how fast it seeds.
  const { beforePeer, end } = await seedsInTheBackground(browser, baseURL!, 'worker', WORKER_THROTTLING, {
    hideAt: 'before-peer',
    size: 16 * 1024 * 1024,
    limitKiB: 0,
  });
  // Its worker's timers ran as seldom as its page's before the downloader came, and to the end.
  for (const counted of [beforePeer!, end])
    expect(counted.hiddenWorker * THROTTLED_SHARE).toBeLessThan(counted.front);
});
