// Every tab of one browser profile is a full app: one tab holds the engine and the connections, the others show the
// same list and carry every action to it; when the engine tab closes, another one takes over.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import {
  expectStatus,
  itemNumbers,
  openApp,
  openPeer,
  persistentPeer,
  randomFile,
  saveFile,
  serviceWorkerControls,
  setUploadLimit,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { heldAt, heldPeer, heldPiecePeer, pieceToHold, releaseHold } from './hold';

const OTHER_TAB = /Another SwarmDrop tab of this browser holds the connections/;
/** Pieces (of 16 KiB; 57 in all) the sharer serves before the engine tab crashes. */
const CRASH_HELD = 14;

/** One persistent profile (storage on disk, like a real browser) with the app open in two tabs. */
async function twoTabs(): Promise<{ profile: BrowserContext; engineTab: Page; viewTab: Page }> {
  const { context: profile, page: engineTab } = await persistentPeer();
  await openApp(engineTab);
  await expect(engineTab.getByText(OTHER_TAB)).toHaveCount(0);
  const viewTab = await profile.newPage();
  await openApp(viewTab);
  await expect(viewTab.getByText(OTHER_TAB)).toBeVisible();
  return { profile, engineTab, viewTab };
}

test('the second tab shares, another browser downloads it, and the tab takes over when the engine tab closes', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'from-second-tab.bin', 600 * 1024);
  const { profile, engineTab, viewTab } = await twoTabs();
  const magnet = await shareFiles(viewTab, file.path, 'from-second-tab.bin');
  // Both tabs show the one torrent.
  await expectStatus(torrentItem(engineTab, 'from-second-tab.bin'), 'Seeding');

  const downloader = await openPeer(browser);
  await startDownload(downloader.page, magnet);
  const item = torrentItem(downloader.page, 'from-second-tab.bin');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(downloader.page, item, 'from-second-tab.bin')).sha256).toBe(file.sha256);
  // The view tab shows the engine tab's live figures: what it sent to the downloader.
  const shared = torrentItem(viewTab, 'from-second-tab.bin');
  await expect(shared.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect
    .poll(async () => Number(await shared.getAttribute('data-uploaded')), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(file.bytes.length);

  // The engine tab goes: the view tab takes the engine over, torrent and all, and seeds to a newcomer.
  await engineTab.close();
  await expect(viewTab.getByText(OTHER_TAB)).toHaveCount(0, { timeout: 30_000 });
  await expectStatus(shared, 'Seeding', 30_000);
  await downloader.context.close();
  const newcomer = await openPeer(browser);
  await startDownload(newcomer.page, magnet);
  const again = torrentItem(newcomer.page, 'from-second-tab.bin');
  await expectStatus(again, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(newcomer.page, again, 'from-second-tab.bin')).sha256).toBe(file.sha256);
  await newcomer.context.close();
  await profile.close();
});

test('a download started in the second tab completes, and that tab saves the identical file', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'to-second-tab.bin', 700 * 1024);
  const sharer = await openPeer(browser);
  const magnet = await shareFiles(sharer.page, file.path, 'to-second-tab.bin');
  const { profile, engineTab, viewTab } = await twoTabs();
  await startDownload(viewTab, magnet);
  const item = torrentItem(viewTab, 'to-second-tab.bin');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  await expectStatus(torrentItem(engineTab, 'to-second-tab.bin'), 'Seeding');
  expect((await saveFile(viewTab, item, 'to-second-tab.bin')).sha256).toBe(file.sha256);
  // Pause and resume from the view tab reach the engine: both tabs show them.
  await item.getByRole('button', { name: 'Pause' }).click();
  await expectStatus(torrentItem(engineTab, 'to-second-tab.bin'), 'Paused', 30_000);
  await expectStatus(item, 'Paused', 30_000);
  await item.getByRole('button', { name: 'Resume' }).click();
  await expectStatus(torrentItem(engineTab, 'to-second-tab.bin'), 'Seeding', 30_000);
  // So does the upload limit, and the engine's answer to a bad link comes back to the tab that sent it.
  await setUploadLimit(viewTab, 512);
  await expect(engineTab.getByLabel('Upload limit')).toHaveValue('512', { timeout: 30_000 });
  await startDownload(viewTab, 'magnet:?xt=urn:btih:nothex');
  await expect(viewTab.getByText(/^Invalid magnet link or info hash/)).toBeVisible({ timeout: 30_000 });
  await expect(engineTab.getByText(/^Invalid magnet link or info hash/)).toHaveCount(0);
  await sharer.context.close();
  await profile.close();
});

test('a share given while the engine tab closes is not lost: the tab that takes over finishes it', async () => {
  const file = randomFile(tempDir(), 'in-flight.bin', 8 * 1024 * 1024);
  const { profile, engineTab, viewTab } = await twoTabs();
  await viewTab.getByLabel('Share files').setInputFiles(file.path);
  await engineTab.close();
  await expect(viewTab.getByText(OTHER_TAB)).toHaveCount(0, { timeout: 30_000 });
  await expectStatus(torrentItem(viewTab, 'in-flight.bin'), 'Seeding', 60_000);
  await expect(viewTab.getByRole('alert')).toHaveCount(0);
  await profile.close();
});

test('when the engine tab crashes, the view tab takes over and its download goes on', async ({ browser }) => {
  const file = randomFile(tempDir(), 'after-crash.bin', 900 * 1024);
  // The sharer serves a quarter of the pieces until the engine tab has crashed (e2e/hold.ts).
  const sharer = await heldPeer(browser, CRASH_HELD);
  const magnet = await shareFiles(sharer.page, file.path, 'after-crash.bin');
  const { profile, engineTab, viewTab } = await twoTabs();
  await startDownload(viewTab, magnet);
  const item = torrentItem(viewTab, 'after-crash.bin');
  await heldAt(item, CRASH_HELD);
  await expectStatus(item, 'Downloading', 1000);
  const cdp = await profile.newCDPSession(engineTab);
  void cdp.send('Page.crash').catch(() => undefined); // never answered: the renderer dies
  await engineTab.waitForEvent('crash');
  await expect(viewTab.getByText(OTHER_TAB)).toHaveCount(0, { timeout: 30_000 });
  await releaseHold(sharer.page);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(viewTab, item, 'after-crash.bin')).sha256).toBe(file.sha256);
  await sharer.context.close();
  await profile.close();
});

test('a video plays in the view tab while the engine tab downloads it', async ({ browser }) => {
  const clip = fileURLToPath(new URL('./fixtures/clip.webm', import.meta.url));
  // The sharer serves every piece but one at 92 % (e2e/hold.ts): the download stays short of its end.
  const sharer = await heldPiecePeer(browser, pieceToHold(clip));
  const magnet = await shareFiles(sharer.page, clip, 'clip.webm');
  const { profile, viewTab } = await twoTabs();
  await serviceWorkerControls(viewTab);
  await startDownload(viewTab, magnet);
  const item = torrentItem(viewTab, 'clip.webm');
  await item.getByRole('button', { name: 'Play clip.webm' }).click({ timeout: 30_000 });
  const video = item.getByLabel('clip.webm', { exact: true });
  // The service worker's wishes for pieces reach the engine tab, which fetches them first.
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 60_000 })
    .toBeGreaterThan(2);
  const numbers = await itemNumbers(item);
  expect(numbers.have).toBeLessThan(numbers.pieces);
  await sharer.context.close();
  await profile.close();
});
