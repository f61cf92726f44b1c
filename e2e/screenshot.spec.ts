// Not a test: `SCREENSHOT=docs/screenshot.png npx playwright test e2e/screenshot.spec.ts` saves a picture of the
// app mid-download for the README (a desktop's whole page, the card's details open), and beside it
// `screenshot-phone.png`: a phone's screen just after `Download` in a share link's confirmation. Skipped unless
// SCREENSHOT is set.
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
  test.setTimeout(180_000); // 24 MiB shared, then seeded to a second tab under a limit before the picture (a README tool, not in CI)
  const dir = tempDir();
  const file = randomFile(dir, 'holiday-video.mp4', 24 * 1024 * 1024);
  const seeders = [await openPeer(browser), await openPeer(browser)];
  const magnet = await shareFiles(seeders[0].page, file.path, 'holiday-video.mp4');
  await setUploadLimit(seeders[0].page, 600);
  await startDownload(seeders[1].page, magnet);
  await expectStatus(torrentItem(seeders[1].page, 'holiday-video.mp4'), 'Seeding', 120_000);
  await setUploadLimit(seeders[1].page, 500);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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

  // The recipient on a phone: the share link opened, `Download` pressed, the download in view.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const phonePage = await phone.newPage();
  await phonePage.goto('/');
  await shareFiles(
    phonePage,
    randomFile(dir, 'notes-from-the-trip.txt', 30_000).path,
    'notes-from-the-trip.txt',
  );
  await phonePage.evaluate((hash) => (location.hash = hash), encodeURIComponent(magnet));
  await phonePage.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  const phoneItem = torrentItem(phonePage, 'holiday-video.mp4');
  await expectStatus(phoneItem, 'Downloading', 60_000);
  await expect(phoneItem).toBeInViewport();
  await phonePage.screenshot({ path: target!.replace(/\.png$/, '-phone.png') });
  await phone.close();
  await context.close();
  for (const peer of seeders) await peer.context.close();
});
