// Not a test: `SCREENSHOT=docs/screenshot.png npx playwright test e2e/screenshot.spec.ts` saves a picture of the
// app mid-download for the README. Skipped unless SCREENSHOT is set.
import { expect, test } from '@playwright/test';
import {
  expectStatus,
  itemNumbers,
  openDetails,
  openPeer,
  randomFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  setUploadLimit,
} from './helpers';

const target = process.env.SCREENSHOT;
test.skip(!target, 'set SCREENSHOT=<path.png> to take the README screenshot');

test('screenshot of a download in progress', async ({ browser }) => {
  test.setTimeout(180_000);
  const dir = tempDir();
  const file = randomFile(dir, 'holiday-video.mp4', 24 * 1024 * 1024);
  const seeders = [await openPeer(browser), await openPeer(browser)];
  const magnet = await shareFiles(seeders[0].page, file.path, 'holiday-video.mp4');
  await setUploadLimit(seeders[0].page, 600);
  await startDownload(seeders[1].page, magnet);
  await expectStatus(torrentItem(seeders[1].page, 'holiday-video.mp4'), 'Seeding', 120_000);
  await setUploadLimit(seeders[1].page, 500);

  const context = await browser.newContext({ viewport: { width: 1100, height: 1250 } });
  const page = await context.newPage();
  await page.goto('/');
  await startDownload(page, magnet);
  const item = torrentItem(page, 'holiday-video.mp4');
  await expectStatus(item, 'Downloading', 60_000);
  await openDetails(item);
  await expect
    .poll(
      async () => {
        const n = await itemNumbers(item);
        return n.have / Math.max(1, n.pieces);
      },
      { timeout: 120_000 },
    )
    .toBeGreaterThan(0.4);
  await page.screenshot({ path: target!, fullPage: true });
  await context.close();
  for (const peer of seeders) await peer.context.close();
});
