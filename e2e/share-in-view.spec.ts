// After `Share files`, the sender sees what to do next: the new card comes into view and its `Copy share link` is
// on screen with the focus, on a phone as on a desktop, however many cards are listed above.
import { expect, test } from '@playwright/test';
import { openApp, randomFile, tempDir, torrentItem } from './helpers';

for (const viewport of [
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
]) {
  test(`at ${viewport.width}x${viewport.height}, a new share's Copy share link is in view and focused`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    try {
      await openApp(page);
      const dir = tempDir();
      // Two cards already listed push the list's end below the first screen.
      for (const name of ['first.bin', 'second.bin']) {
        await page.getByLabel('Share files').setInputFiles(randomFile(dir, name, 40_000).path);
        await expect(torrentItem(page, name).getByText('Seeding', { exact: true })).toBeVisible();
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByLabel('Share files').setInputFiles(randomFile(dir, 'holiday.bin', 300_000).path);
      const copy = torrentItem(page, 'holiday.bin').getByRole('button', { name: 'Copy share link' });
      await expect(copy).toBeFocused();
      await expect(copy).toBeInViewport({ ratio: 1 });
    } finally {
      await context.close();
    }
  });
}
