// A torrent's card: nothing of it widens a 360 px page with its details open (the peers table scrolls inside its
// card), on a desktop the peers table that is wider than its card says so and shades the edge the rest is past, and its status is true while one's own share is prepared (never `Looking for people who share it`).
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

test('on a desktop, the peers table wider than its card says where its other columns are, and shades that edge', async ({
  browser,
}) => {
  const a = await openPeer(browser);
  const file = randomFile(tempDir(), 'desktop-peers.bin', 300_000);
  const magnet = await shareFiles(a.page, file.path, file.name);
  const b = await openPeer(browser);
  await b.page.setViewportSize({ width: 1280, height: 900 });
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, file.name);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  await openDetails(item);
  const region = item.getByRole('region', { name: 'Peers table' });
  await expect(region.getByRole('table', { name: 'Peers' })).toBeVisible();
  /** Whether the region hides columns, and how opaque the shade of each edge is. */
  const edges = () =>
    region.evaluate((box) => {
      const frame = box.parentElement!;
      const shade = (side: '::before' | '::after') => Number(getComputedStyle(frame, side).opacity);
      return { hides: box.scrollWidth > box.clientWidth, left: shade('::before'), right: shade('::after') };
    });
  // Twelve columns do not fit a card on a 1280 px desktop.
  expect((await edges()).hides).toBe(true);
  await expect(item.getByText('More columns to the right: scroll the table sideways.')).toBeVisible();
  await expect.poll(edges).toEqual({ hides: true, left: 0, right: 1 });
  await region.evaluate((box) => box.scrollTo({ left: box.scrollWidth }));
  await expect(item.getByText('More columns to the left: scroll the table sideways.')).toBeVisible();
  await expect.poll(edges).toEqual({ hides: true, left: 1, right: 0 });
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
