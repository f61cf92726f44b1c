// The first screen and the cards, from the keyboard alone and under axe-core: sharing (the drop zone's `Share
// files`), downloading (the link field), with the seed entry and a card's details open, on a desktop and a phone.
import { expect, test, type FileChooser } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import {
  expectStatus,
  openApp,
  openDetails,
  randomFile,
  seriousViolations,
  tempDir,
  torrentItem,
} from './helpers';
import { tabTo } from './keyboard';

for (const size of [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
]) {
  test.describe(`at ${size.width}x${size.height}`, () => {
    test.use({ viewport: size });

    test('sharing from the keyboard alone: Share files opens the picker, the share seeds', async ({
      page,
    }) => {
      // Listened for from the start: the browser intercepts file choosers only once the listener is set up, and a
      // listener added with the key press could come after the chooser.
      const chooser = new Promise<FileChooser>((resolve) => page.once('filechooser', resolve));
      await openApp(page);
      // Copies, so that the picker is the input's own (the handle picker is the browser's, outside the page).
      const copy = page.getByRole('checkbox', { name: 'Copy shared files into this browser' });
      if ((await copy.count()) > 0) {
        await tabTo(page, copy);
        await page.keyboard.press('Space');
        await expect(copy).toBeChecked();
      }
      const input = page.getByLabel('Share files', { exact: true });
      await tabTo(page, input, 'Shift+Tab');
      const file = randomFile(tempDir(), 'typed.bin', 20_000);
      await page.keyboard.press('Enter');
      await (await chooser).setFiles(file.path);
      await expectStatus(torrentItem(page, 'typed.bin'), 'Seeding', 60_000);
    });

    test('downloading from the keyboard alone: the link, Enter, and the focus is on the new item', async ({
      page,
    }) => {
      await openApp(page);
      await tabTo(page, page.getByLabel('Magnet link or info hash'));
      await page.keyboard.type(`magnet:?xt=urn:btih:${randomBytes(20).toString('hex')}&dn=keyed.bin`);
      await page.keyboard.press('Enter');
      const item = torrentItem(page, 'keyed.bin');
      await expect(item).toBeFocused();
      await expect(item).toBeInViewport();
      // The details open from the keyboard too.
      await tabTo(page, item.locator('summary'));
      await page.keyboard.press('Enter');
      await expect(item.locator('details.card-details')).toHaveAttribute('open');
    });

    test('no serious accessibility finding with the seed entry, a card and its details open', async ({
      page,
    }) => {
      await openApp(page);
      await page.getByText('Seed a .torrent made elsewhere').click();
      await page
        .getByLabel('Share files', { exact: true })
        .setInputFiles(randomFile(tempDir(), 'axe.bin', 9000).path);
      const item = torrentItem(page, 'axe.bin');
      await expectStatus(item, 'Seeding', 60_000);
      await openDetails(item);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}
