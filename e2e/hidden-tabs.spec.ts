// Tabs the browser hides, throttles and freezes keep the app working. The tab under test runs in a Chromium started
// without Playwright's switches that keep pages visible and awake (e2e/lifecycle.ts): hidden, its timers run at
// most once a second and, after 10 s, once a minute; frozen, nothing in it runs, its worker included. What the
// engine does across a freeze (requests and idle timeouts, finding the peer again, every piece verified) is the
// simulator's, in virtual time: shared/engine/testing/suspend.test.ts.
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import {
  expectStatus,
  itemNumbers,
  openApp,
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
import { lifecycleTab, type LifecycleTab } from './lifecycle';
import { heldAt, heldPeer, releaseHold } from './hold';

const SIZE = 1024 * 1024;
/** Where a transfer must be mid-way (a freeze in its middle, the transfer lock): the seeder serves this many of the
 * 64 pieces until released (e2e/hold.ts). */
const HELD_PIECES = 16;
/** How long a tab stays frozen: long enough for its peer to ask it something, short of every timeout. */
const FREEZE_MS = 4_000;

const heldLocks = (page: Page) =>
  page.evaluate(async () => ((await navigator.locks.query()).held ?? []).map((lock) => lock.name));

/** A Chromium tab that can be hidden and frozen, with the app open at `path`. */
async function appTab(baseURL: string, path = '/'): Promise<LifecycleTab> {
  const tab = await lifecycleTab(baseURL);
  try {
    await openApp(tab.page, `${baseURL}${path}`);
    return tab;
  } catch (error) {
    await tab.close();
    throw error;
  }
}

/** A tab of the test's browser shares a new file, serving `held` pieces of it until released (0: all). */
async function seed(browser: Browser, held = 0): Promise<{ file: MadeFile; magnet: string; seeder: Page }> {
  const file = randomFile(tempDir(), 'lifecycle.bin', SIZE);
  const { page } = held > 0 ? await heldPeer(browser, held) : await openPeer(browser);
  const magnet = await shareFiles(page, file.path, file.name);
  return { file, magnet, seeder: page };
}

/** `startDownload` in a hidden tab: it runs no animation frame, which Playwright's click waits for, so the click is
 * dispatched to the button. */
async function startDownloadHidden(page: Page, magnet: string): Promise<void> {
  await page.getByLabel('Magnet link or info hash').fill(magnet);
  await page.getByRole('button', { name: 'Download', exact: true }).dispatchEvent('click');
}

/** The lifecycle tab's download seeds, and saves byte-identical once the tab is in front again. */
async function expectSavedIdentical(tab: LifecycleTab, file: MadeFile): Promise<void> {
  const item = torrentItem(tab.page, file.name);
  await expectStatus(item, 'Seeding');
  await tab.show();
  const button = item.getByRole('button', { name: `Save ${file.name}`, exact: true });
  await expect(button).toBeEnabled();
  const saved = await tab.save(button);
  expect(saved.size).toBe(file.bytes.length);
  expect(saved.sha256).toBe(file.sha256);
}

/** The download in `page` seeds and saves byte-identical. */
async function expectDownloadFinishes(page: Page, item: Locator, file: MadeFile): Promise<void> {
  await expectStatus(item, 'Seeding');
  const saved = await saveFile(page, item, file.name);
  expect(saved.size).toBe(file.bytes.length);
  expect(saved.sha256).toBe(file.sha256);
}

const LOCK = 'swarmdrop-transferring';

test('a hidden tab, its timers throttled and its channels in the page, downloads byte-identical and serves the download to its end', async ({
  browser,
  baseURL,
}) => {
  const { file, magnet, seeder } = await seed(browser);
  // Where a channel cannot move to the worker (`?channels=page`), the page writes it and reports what it holds.
  const tab = await appTab(baseURL!, '/?channels=page');
  try {
    // Hidden before the download starts: every piece comes while nobody looks.
    await tab.hide();
    await startDownloadHidden(tab.page, magnet);
    await expectStatus(torrentItem(tab.page, file.name), 'Seeding');
    // Its source leaves: the next downloader's every piece comes from the hidden tab.
    await seeder.context().close();
    const { page } = await openPeer(browser);
    await startDownload(page, magnet);
    await expectDownloadFinishes(page, torrentItem(page, file.name), file);
    expect(await tab.page.evaluate(() => document.documentElement.dataset.channels)).toBe('page');
    expect(await tab.page.evaluate(() => document.visibilityState)).toBe('hidden');
    expect(await tab.seen()).toEqual(['hidden']);
    await expectSavedIdentical(tab, file);
  } finally {
    await tab.close();
  }
});

test('a downloading tab holds the transfer lock, goes on after a freeze to finish byte-identical, and lets the lock go', async ({
  browser,
  baseURL,
}) => {
  const { file, magnet, seeder } = await seed(browser, HELD_PIECES);
  expect(await heldLocks(seeder)).not.toContain(LOCK);
  const tab = await appTab(baseURL!);
  try {
    const item = torrentItem(tab.page, file.name);
    await startDownload(tab.page, magnet);
    await heldAt(item, HELD_PIECES);
    // Each tab takes the lock when its worker next reports the transfer (a view a tick later), not at the first block.
    await expect.poll(() => heldLocks(tab.page), { timeout: 20_000 }).toContain(LOCK);
    // The seeder serves a peer that still needs pieces: it holds its own.
    await expect.poll(() => heldLocks(seeder), { timeout: 20_000 }).toContain(LOCK);
    await tab.hide();
    await tab.freeze();
    // The scenario's length, not an expectation: the tab stays frozen this long whatever happens, its requests for
    // the held pieces outstanding.
    await new Promise((resolve) => setTimeout(resolve, FREEZE_MS));
    await tab.resume();
    expect(await tab.seen()).toEqual(['hidden', 'freeze', 'resume']);
    const atResume = (await itemNumbers(item)).have;
    expect(atResume).toBeLessThan((await itemNumbers(item)).pieces);
    await releaseHold(seeder);
    // Blocks flow again after the resume, still hidden.
    await expect
      .poll(async () => (await itemNumbers(item)).have, { timeout: TRANSFER_TIMEOUT })
      .toBeGreaterThan(atResume);
    await expectSavedIdentical(tab, file);
    await expect.poll(() => heldLocks(tab.page), { timeout: 20_000 }).not.toContain(LOCK);
    await expect.poll(() => heldLocks(seeder), { timeout: 20_000 }).not.toContain(LOCK);
  } finally {
    await tab.close();
  }
});

test('a seeding tab hidden, then frozen and resumed, serves the download to its end', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'lifecycle.bin', SIZE);
  const tab = await appTab(baseURL!);
  try {
    const magnet = await shareFiles(tab.page, file.path, file.name);
    await tab.hide();
    await tab.freeze();
    const { page } = await openPeer(browser);
    await startDownload(page, magnet);
    const item = torrentItem(page, file.name);
    // The scenario's length: the downloader asks the tracker for peers, which hands it the frozen tab.
    await new Promise((resolve) => setTimeout(resolve, FREEZE_MS));
    // The frozen tab, its only source, gave it nothing.
    await expectStatus(item, 'Fetching metadata', 1_000);
    await tab.resume();
    expect(await tab.seen()).toEqual(['hidden', 'freeze', 'resume']);
    await expectDownloadFinishes(page, item, file);
    expect(await tab.page.evaluate(() => document.visibilityState)).toBe('hidden');
  } finally {
    await tab.close();
  }
});
