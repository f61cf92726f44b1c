// Tabs the browser hides, throttles and freezes keep transferring. The tab under test runs in a Chromium started
// without Playwright's switches that keep pages visible and awake (e2e/lifecycle.ts): hidden, its timers run at
// most once a second and, after 10 s, once a minute; frozen, nothing in it runs, its worker included.
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import {
  expectStatus,
  itemNumbers,
  openApp,
  openPeer,
  randomFile,
  saveFile,
  setUploadLimit,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
  type MadeFile,
} from './helpers';
import { lifecycleTab, type LifecycleTab } from './lifecycle';

test.describe.configure({ timeout: 240_000 });

/** Slow enough that hiding or freezing the tab lands in the middle of the download. */
const UPLOAD_LIMIT_KIB = 384;
const SIZE = 6 * 1024 * 1024;
/** How long the downloading tab stays frozen: longer than a request takes, the seeder's requests time out. */
const FREEZE_MS = 60_000;
/** The seeder's idle timeout where a test freezes a tab past it (`?idle-timeout`, lib/messages/peer-timeouts.ts). */
const SHORT_IDLE_S = 10;

const heldLocks = (page: Page) =>
  page.evaluate(async () => ((await navigator.locks.query()).held ?? []).map((lock) => lock.name));

/** The connected peers the torrent's status counts. */
const peersOf = async (item: Locator) =>
  Number(await item.locator('div:has(> dt:text-is("Peers")) > dd').textContent());

async function seed(
  browser: import('@playwright/test').Browser,
  path = '/',
): Promise<{ file: MadeFile; magnet: string; seeder: Page }> {
  const file = randomFile(tempDir(), 'lifecycle.bin', SIZE);
  const { page } = await openPeer(browser, path);
  await setUploadLimit(page, UPLOAD_LIMIT_KIB);
  const magnet = await shareFiles(page, file.path, file.name);
  return { file, magnet, seeder: page };
}

/** Opens the app in a tab that can be hidden and frozen, and starts the download of `magnet`. */
async function downloader(baseURL: string, magnet: string): Promise<LifecycleTab> {
  const tab = await lifecycleTab(baseURL);
  await openApp(tab.page, baseURL);
  await startDownload(tab.page, magnet);
  return tab;
}

async function piecesIn(tab: LifecycleTab, name: string): Promise<number> {
  const item = torrentItem(tab.page, name);
  await expect
    .poll(async () => (await itemNumbers(item)).have, { timeout: TRANSFER_TIMEOUT })
    .toBeGreaterThan(0);
  return (await itemNumbers(item)).have;
}

async function expectSavedIdentical(tab: LifecycleTab, file: MadeFile): Promise<void> {
  const item = torrentItem(tab.page, file.name);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  await tab.show();
  const button = item.getByRole('button', { name: `Save ${file.name}`, exact: true });
  await expect(button).toBeEnabled();
  const saved = await tab.save(button);
  expect(saved.size).toBe(file.bytes.length);
  expect(saved.sha256).toBe(file.sha256);
}

test('a downloading tab hidden, its timers throttled, finishes byte-identical', async ({
  browser,
  baseURL,
}) => {
  const { file, magnet } = await seed(browser);
  const tab = await downloader(baseURL!, magnet);
  try {
    const item = torrentItem(tab.page, file.name);
    const before = await piecesIn(tab, file.name);
    await tab.hide();
    // Hidden for the rest of the download: it finishes while nobody looks.
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    expect(await tab.page.evaluate(() => document.visibilityState)).toBe('hidden');
    expect(before).toBeLessThan((await itemNumbers(item)).pieces);
    expect(await tab.seen()).toEqual(['hidden']);
    await expectSavedIdentical(tab, file);
  } finally {
    await tab.close();
  }
});

test('a downloading tab frozen and resumed goes on and finishes byte-identical', async ({
  browser,
  baseURL,
}) => {
  const { file, magnet } = await seed(browser);
  const tab = await downloader(baseURL!, magnet);
  try {
    const item = torrentItem(tab.page, file.name);
    await piecesIn(tab, file.name);
    await tab.hide();
    await tab.freeze();
    // The scenario's length, not an expectation: the tab stays frozen this long whatever happens.
    await new Promise((resolve) => setTimeout(resolve, FREEZE_MS));
    await tab.resume();
    expect(await tab.seen()).toEqual(['hidden', 'freeze', 'resume']);
    const atResume = (await itemNumbers(item)).have;
    expect(atResume).toBeLessThan((await itemNumbers(item)).pieces);
    // Blocks flow again after the resume, still hidden.
    await expect
      .poll(async () => (await itemNumbers(item)).have, { timeout: TRANSFER_TIMEOUT })
      .toBeGreaterThan(atResume);
    await expectSavedIdentical(tab, file);
  } finally {
    await tab.close();
  }
});

test("a downloading tab frozen past its peer's idle timeout finds the peer again and finishes byte-identical", async ({
  browser,
  baseURL,
}) => {
  const { file, magnet, seeder } = await seed(browser, `/?idle-timeout=${SHORT_IDLE_S}`);
  const tab = await downloader(baseURL!, magnet);
  try {
    const item = torrentItem(tab.page, file.name);
    const served = torrentItem(seeder, file.name);
    await piecesIn(tab, file.name);
    await expect.poll(() => peersOf(served), { timeout: TRANSFER_TIMEOUT }).toBe(1);
    await tab.hide();
    await tab.freeze();
    // Frozen until its only peer, the seeder, has dropped it for its silence: the connection is gone for good.
    await expect.poll(() => peersOf(served), { timeout: TRANSFER_TIMEOUT }).toBe(0);
    await tab.resume();
    expect(await tab.seen()).toEqual(['hidden', 'freeze', 'resume']);
    expect((await itemNumbers(item)).have).toBeLessThan((await itemNumbers(item)).pieces);
    // The rest can only come from the seeder over a new connection: the tab finds it again through the tracker.
    await expectSavedIdentical(tab, file);
  } finally {
    await tab.close();
  }
});

/**
 * A tab that can be hidden and frozen shares a file (from `path`, the app's address); a tab of the test's browser
 * (at `downloaderPath`) downloads it. Returns both once the download has its first pieces.
 */
async function seedFromLifecycleTab(browser: Browser, baseURL: string, path: string, downloaderPath = '/') {
  const file = randomFile(tempDir(), 'lifecycle.bin', SIZE);
  const tab = await lifecycleTab(baseURL);
  try {
    await openApp(tab.page, `${baseURL}${path}`);
    await setUploadLimit(tab.page, UPLOAD_LIMIT_KIB);
    const magnet = await shareFiles(tab.page, file.path, file.name);
    const { page } = await openPeer(browser, downloaderPath);
    await startDownload(page, magnet);
    const item = torrentItem(page, file.name);
    await expect
      .poll(async () => (await itemNumbers(item)).have, { timeout: TRANSFER_TIMEOUT })
      .toBeGreaterThan(0);
    return { tab, file, page, item };
  } catch (error) {
    await tab.close();
    throw error;
  }
}

/** The download in `page` goes on from where it is to its end, and saves byte-identical. */
async function expectDownloadFinishes(page: Page, item: Locator, file: MadeFile): Promise<void> {
  expect((await itemNumbers(item)).have).toBeLessThan((await itemNumbers(item)).pieces);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  const saved = await saveFile(page, item, file.name);
  expect(saved.size).toBe(file.bytes.length);
  expect(saved.sha256).toBe(file.sha256);
}

test('a seeding tab hidden, then frozen and resumed, serves the download to its end', async ({
  browser,
  baseURL,
}) => {
  const { tab, file, page, item } = await seedFromLifecycleTab(browser, baseURL!, '/');
  try {
    await tab.hide();
    await tab.freeze();
    await new Promise((resolve) => setTimeout(resolve, FREEZE_MS));
    await tab.resume();
    expect(await tab.seen()).toEqual(['hidden', 'freeze', 'resume']);
    await expectDownloadFinishes(page, item, file);
    expect(await tab.page.evaluate(() => document.visibilityState)).toBe('hidden');
  } finally {
    await tab.close();
  }
});

test("a seeding tab frozen past its downloader's idle timeout is found again and serves the download to its end", async ({
  browser,
  baseURL,
}) => {
  const downloaderPath = `/?idle-timeout=${SHORT_IDLE_S}`;
  const { tab, file, page, item } = await seedFromLifecycleTab(browser, baseURL!, '/', downloaderPath);
  try {
    await expect.poll(() => peersOf(item), { timeout: TRANSFER_TIMEOUT }).toBe(1);
    await tab.hide();
    await tab.freeze();
    // Frozen until the downloader has dropped its only peer for its silence.
    await expect.poll(() => peersOf(item), { timeout: TRANSFER_TIMEOUT }).toBe(0);
    await tab.resume();
    expect(await tab.seen()).toEqual(['hidden', 'freeze', 'resume']);
    await expectDownloadFinishes(page, item, file);
  } finally {
    await tab.close();
  }
});

test('a hidden seeding tab whose channels stay in the page serves the download to its end', async ({
  browser,
  baseURL,
}) => {
  // Where a channel cannot move to the worker (`?channels=page`), the page writes it and reports what it holds.
  const { tab, file, page, item } = await seedFromLifecycleTab(browser, baseURL!, '/?channels=page');
  try {
    expect(await tab.page.evaluate(() => document.documentElement.dataset.channels)).toBe('page');
    await tab.hide();
    await expectDownloadFinishes(page, item, file);
    expect(await tab.seen()).toEqual(['hidden']);
  } finally {
    await tab.close();
  }
});

test('a tab holds the transfer lock while it transfers and lets it go when done', async ({
  browser,
  baseURL,
}) => {
  const { file, magnet, seeder } = await seed(browser);
  expect(await heldLocks(seeder)).not.toContain('swarmdrop-transferring');
  const tab = await downloader(baseURL!, magnet);
  try {
    await piecesIn(tab, file.name);
    // Each tab takes the lock when its worker next reports the transfer (a view a tick later), not at the first block.
    await expect.poll(() => heldLocks(tab.page), { timeout: 20_000 }).toContain('swarmdrop-transferring');
    // The seeder serves a peer that still needs pieces: it holds its own.
    await expect.poll(() => heldLocks(seeder), { timeout: 20_000 }).toContain('swarmdrop-transferring');
    await expectStatus(torrentItem(tab.page, file.name), 'Seeding', TRANSFER_TIMEOUT);
    await expect.poll(() => heldLocks(tab.page), { timeout: 20_000 }).not.toContain('swarmdrop-transferring');
    await expect.poll(() => heldLocks(seeder), { timeout: 20_000 }).not.toContain('swarmdrop-transferring');
  } finally {
    await tab.close();
  }
});
