// The recipient sees the download: after `Download` (in the link's confirmation or under the link field) the new
// torrent is at the top of the list, in the viewport, with the focus on it, on a desktop and on a phone; a link
// already listed brings its item into view and says so, and one's own share link says it is already shared.
import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import {
  openApp,
  randomFile,
  seriousViolations,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
  torrents,
} from './helpers';

const SIZES = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

/** A link to a torrent nobody shares: it is listed at once, fetching its metadata. */
function unknownLink(name: string): string {
  return `magnet:?xt=urn:btih:${randomBytes(20).toString('hex')}&dn=${name}`;
}

/** Two of the page's own shares, so that the list is longer than a phone's screen. */
async function fillList(page: Page): Promise<void> {
  const dir = tempDir();
  for (const name of ['first.bin', 'second.bin'])
    await shareFiles(page, randomFile(dir, name, 40_000).path, name);
}

for (const size of SIZES) {
  test.describe(`at ${size.width}x${size.height}`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test(`a share link's download comes into view, on top and focused (${size.name})`, async ({ page }) => {
      await openApp(page);
      await fillList(page);
      await page.evaluate(() => scrollTo(0, 0));
      const link = unknownLink('arrived.bin');
      await page.evaluate((hash) => (location.hash = hash), encodeURIComponent(link));
      await page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
      const item = torrentItem(page, 'arrived.bin');
      await expect(item).toBeInViewport();
      await expect(item).toBeFocused();
      await expect(torrents(page).getByRole('listitem').first()).toHaveAccessibleName('arrived.bin');
    });

    test(`a pasted link's download comes into view; pasted again, it says it is listed (${size.name})`, async ({
      page,
    }) => {
      await openApp(page);
      await fillList(page);
      const link = unknownLink('pasted.bin');
      await startDownload(page, link);
      const item = torrentItem(page, 'pasted.bin');
      await expect(item).toBeInViewport();
      await expect(item).toBeFocused();

      await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
      await page.getByLabel('Magnet link or info hash').focus();
      await startDownload(page, link);
      await expect(item.getByRole('status').filter({ hasText: 'Already in your list' })).toBeVisible();
      await expect(item).toBeInViewport();
      await expect(torrentItem(page, 'pasted.bin')).toHaveCount(1);
    });
  });
}

test('opening your own share link says you already share it, with no offer to download it', async ({
  page,
}) => {
  await openApp(page);
  const file = randomFile(tempDir(), 'mine.bin', 30_000);
  const magnet = await shareFiles(page, file.path, file.name);
  await page.evaluate((hash) => (location.hash = hash), encodeURIComponent(magnet));
  const item = torrentItem(page, 'mine.bin');
  await expect(item.getByRole('status').filter({ hasText: 'You are already sharing this' })).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(item).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
});
