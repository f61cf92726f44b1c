// The screen wake lock in Chromium: a transfer holds one, on the downloader and on the sharer that sends to it, and
// both are let go once nothing transfers. Observed through the page's own `navigator.wakeLock`: an init script
// records each sentinel the app is granted and its `release` event, and passes the call on unchanged. What phones do
// on their own (screen timeouts, battery savers refusing the lock) is in docs/browsers.md.
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  expectStatus,
  openApp,
  randomFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
} from './helpers';
import { heldPath, releaseHold } from './hold';

/** Pieces (of 16 KiB; 92 in all) the sharer serves until the test has seen both locks held. */
const HELD = 8;

/** What the init script saw: sentinels granted, and how many of them the browser or the app let go. */
interface WakeRecord {
  granted: number;
  released: number;
  refused: string[];
}

function recordWakeLocks(): void {
  const record = { granted: 0, released: 0, refused: [] as string[] };
  (window as unknown as { wakeRecord: typeof record }).wakeRecord = record;
  const request = WakeLock.prototype.request;
  WakeLock.prototype.request = async function (this: WakeLock, type?: 'screen') {
    try {
      const sentinel = await request.call(this, type);
      record.granted++;
      sentinel.addEventListener('release', () => record.released++);
      return sentinel;
    } catch (error) {
      record.refused.push(String(error));
      throw error;
    }
  };
}

async function peerRecordingWakeLocks(browser: Browser, path = '/'): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const origin = new URL(test.info().project.use.baseURL!).origin;
  // The lock is granted to a visible page without a prompt in a headed browser; headless, the permission is given.
  const cdp = await browser.newBrowserCDPSession();
  await cdp.send('Browser.setPermission', {
    permission: { name: 'screen-wake-lock' },
    setting: 'granted',
    origin,
  });
  const page = await context.newPage();
  await page.addInitScript(recordWakeLocks);
  await openApp(page, path);
  return page;
}

const wakeRecord = (page: Page) =>
  page.evaluate(() => (window as unknown as { wakeRecord: WakeRecord }).wakeRecord);

test('a transfer holds a screen wake lock on both ends, let go once nothing transfers', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'kept-awake.bin', 1_500_000);
  // The sharer serves a few pieces and then holds the rest until released (e2e/hold.ts): the download is seen running
  // with the locks held, whatever the machine's speed.
  const sharer = await peerRecordingWakeLocks(browser, heldPath(HELD));
  const magnet = await shareFiles(sharer, file.path, file.name);
  // Idle once it only seeds with nobody downloading: a lock taken while its files were hashed is let go.
  await expect
    .poll(async () => {
      const record = await wakeRecord(sharer);
      return record.granted === record.released;
    })
    .toBe(true);
  const before = (await wakeRecord(sharer)).granted;

  const downloader = await peerRecordingWakeLocks(browser);
  await startDownload(downloader, magnet);
  const item = torrentItem(downloader, file.name);
  // Both hold a lock while the download runs: read together, so neither could have finished meanwhile.
  const during = async () => {
    const [down, up, state] = await Promise.all([
      wakeRecord(downloader),
      wakeRecord(sharer),
      item.getAttribute('data-state'),
    ]);
    return { down, up, state };
  };
  await expect.poll(during, { timeout: 30_000 }).toEqual({
    down: { granted: 1, released: 0, refused: [] },
    up: { granted: before + 1, released: before, refused: [] },
    state: 'downloading',
  });

  await releaseHold(sharer);
  await expectStatus(item, 'Seeding', 120_000);
  await expect
    .poll(() => wakeRecord(downloader), { timeout: 30_000 })
    .toEqual({ granted: 1, released: 1, refused: [] });
  await expect
    .poll(() => wakeRecord(sharer), { timeout: 30_000 })
    .toEqual({ granted: before + 1, released: before + 1, refused: [] });
  await downloader.context().close();
  await sharer.context().close();
});
