// A torrent's card: nothing of it widens a 360 px page with its details open (the peers table scrolls inside its
// card), and its status is true while one's own share is prepared (never `Looking for people who share it`).
import { expect, test } from '@playwright/test';
import {
  expectStatus,
  openDetails,
  openPeer,
  randomFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';
import { widthsInPage } from './card-widths';

test('at 360 px, with every details section open and a peer in the table, nothing widens the page', async ({
  browser,
}) => {
  const a = await openPeer(browser);
  const file = randomFile(tempDir(), 'a-long-name-for-a-phone-screen-video.bin', 400_000);
  const magnet = await shareFiles(a.page, file.path, file.name);
  const b = await openPeer(browser);
  await b.page.setViewportSize({ width: 360, height: 740 });
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, file.name);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  await openDetails(item);
  await expect(item.getByRole('table', { name: 'Peers' })).toBeVisible();
  const measured = await b.page.evaluate(widthsInPage, file.name);
  expect(measured.scrollWidth).toBeLessThanOrEqual(measured.innerWidth);
  expect(measured.outside).toEqual([]);
  await a.context.close();
  await b.context.close();
});

test("one's own share, while it is hashed, says it is being prepared and looks for nobody", async ({
  browser,
}) => {
  const { page, context } = await openPeer(browser);
  // Every text the list shows is recorded, from before the share is chosen until it seeds.
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { seen: Set<string> }).seen = seen;
    const list = document.querySelector('[aria-label="Torrents"]')!;
    new MutationObserver(() => {
      for (const element of list.querySelectorAll('.status, .hint, .sentence'))
        seen.add(element.textContent!.trim());
    }).observe(list, { subtree: true, childList: true, characterData: true });
  });
  const file = randomFile(tempDir(), 'prepared.bin', 24 * 1024 * 1024);
  await shareFiles(page, file.path, file.name);
  const seen = await page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen]);
  expect(seen.some((text) => /^Preparing… \d+%$/.test(text))).toBe(true);
  expect(seen.some((text) => /^Preparing 24.0 MiB to share/.test(text))).toBe(true);
  expect(seen.filter((text) => /Looking for (peers|people)|Fetching metadata/.test(text))).toEqual([]);
  await context.close();
});
