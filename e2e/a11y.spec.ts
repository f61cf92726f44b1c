// Accessibility checked by a library: axe-core finds no serious or critical violation on the main page (empty,
// with a torrent, with each kind of dialog open) or on the Swarm lab page. And the app works from the keyboard.
import { expect, test } from '@playwright/test';
import {
  expectStatus,
  openApp,
  openDetails,
  randomFile,
  seriousViolations,
  shareFiles,
  tempDir,
  torrentItem,
  torrents,
} from './helpers';

test('the main page has no serious accessibility violations: empty, with a torrent, with a dialog open', async ({
  page,
}) => {
  await openApp(page);
  expect(await seriousViolations(page)).toEqual([]);

  const file = randomFile(tempDir(), 'checked.bin', 100_000);
  await shareFiles(page, file.path, 'checked.bin');
  const item = torrentItem(page, 'checked.bin');
  await openDetails(item);
  expect(await seriousViolations(page)).toEqual([]);

  await item.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the share-link confirmation has no serious accessibility violations', async ({ page }) => {
  await openApp(page, `/#${encodeURIComponent(`magnet:?xt=urn:btih:${'ab'.repeat(20)}&dn=a%20film.webm`)}`);
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the Swarm lab page has no serious accessibility violations, before and after a run', async ({
  page,
}) => {
  await page.goto('/lab.html');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('combobox', { name: 'Experiment' }).selectOption('scalability');
  await page.getByRole('textbox', { name: 'peers', exact: true }).fill('1,4');
  await page.getByRole('textbox', { name: /^file bytes/ }).fill('64k');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status')).toHaveText(/Done in/, { timeout: 90_000 });
  expect(await seriousViolations(page)).toEqual([]);
});

test('from the keyboard: Remove asks in a dialog that holds the focus, Escape cancels, the focus comes back', async ({
  page,
}) => {
  await openApp(page);
  // Tab reaches Share files.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if (await page.getByLabel('Share files').evaluate((input) => input === document.activeElement)) break;
  }
  await expect(page.getByLabel('Share files')).toBeFocused();

  const file = randomFile(tempDir(), 'keys.bin', 50_000);
  await shareFiles(page, file.path, 'keys.bin');
  const item = torrentItem(page, 'keys.bin');
  const remove = item.getByRole('button', { name: 'Remove', exact: true });
  await remove.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Remove keys.bin?' });
  await expect(dialog).toBeVisible();
  // The focus is in the dialog, and Tab keeps it there.
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  }
  // Escape cancels; the focus returns to Remove and nothing was removed.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(remove).toBeFocused();
  await expectStatus(item, 'Seeding');

  // Enter on Remove, then Remove in the dialog: gone.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Remove' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(torrents(page).getByRole('listitem')).toHaveCount(0);
});
