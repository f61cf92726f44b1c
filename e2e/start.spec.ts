// The first moments of the page: an action taken before the engine is up waits for it, said in words, instead of
// being refused. The start's requests held by the test stand in for a slow path.
import { expect, test, type Page, type Route } from '@playwright/test';
import {
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';

/**
 * Holds the page's `/config.json` and the engine worker's script until the function returned is called: the slow
 * round trips of a far tracker. (The app gives up on the config after 3 s; the worker held keeps the engine from
 * being ready whatever the clock.)
 */
async function holdStart(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const hold = async (route: Route) => {
    await released;
    await route.continue();
  };
  await page.route('**/config.json', hold);
  await page.route('**/engine.worker*', hold);
  return release;
}

const STARTING = 'Starting SwarmDrop… what you asked for runs as soon as it is ready.';

test('a link pasted the moment the page shows is taken, waits for the engine and downloads', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'early.bin', 1024 * 1024);
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, file.path, 'early.bin');

  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const release = await holdStart(page);
  await page.goto('/');
  await page.getByLabel('Magnet link or info hash').fill(magnet);
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: STARTING })).toBeVisible();
  release();

  const item = torrentItem(page, 'early.bin');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(page, item, 'early.bin')).sha256).toBe(file.sha256);
  await expect(page.getByText(/Invalid magnet link|still starting/)).toHaveCount(0);
  await expect(page.getByText(STARTING)).toHaveCount(0);
  await context.close();
  await a.context.close();
});

test('a share link the page is opened with is shown at once and its Download waits for the engine', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'early-link.bin', 512 * 1024);
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, file.path, 'early-link.bin');

  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const release = await holdStart(page);
  await page.goto(`/#${magnet}`);
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Download', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: STARTING })).toBeVisible();
  release();

  const item = torrentItem(page, 'early-link.bin');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(page, item, 'early-link.bin')).sha256).toBe(file.sha256);
  await expect(page.getByText(/Invalid magnet link|still starting/)).toHaveCount(0);
  await context.close();
  await a.context.close();
});
