// Private shares (issue 27) between Firefox and Chromium: each shares encrypted, the other opens the share link and
// saves the identical file. Firefox runs through puppeteer-core (e2e/firefox.ts).
import { expect, test } from '@playwright/test';
import type { Browser as FirefoxBrowser, Page as FirefoxPage } from 'puppeteer-core';
import { firefoxAvailable, launchFirefox, openFirefoxApp, saveInFirefox, waitForState } from './firefox';
import {
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  tempDir,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
test.describe.configure({ timeout: 180_000 });

const firefoxes: FirefoxBrowser[] = [];
test.afterEach(async () => {
  await Promise.all(firefoxes.splice(0).map((browser) => browser.close()));
});

/** The text the page's next copy puts on the clipboard (caught in the page: no clipboard permission needed). */
async function catchCopies(page: FirefoxPage): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { copied?: string };
    navigator.clipboard.writeText = async (text: string) => {
      w.copied = text;
    };
  });
}

/** Presses the button with exactly this text (inside the item `name` when given). */
async function press(page: FirefoxPage, text: string, name?: string): Promise<void> {
  const clicked = await page.evaluate(
    (text, name) => {
      const scope = name
        ? [...document.querySelectorAll('li.torrent')].find((li) => li.getAttribute('aria-label') === name)
        : document;
      const button = [...(scope?.querySelectorAll('button') ?? [])].find(
        (b) => b.textContent?.trim() === text,
      );
      button?.click();
      return Boolean(button);
    },
    text,
    name,
  );
  if (!clicked) throw new Error(`no ${text} button`);
}

test('Firefox shares encrypted; Chromium opens the share link and saves the identical file', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'fx-secret.bin', 2 * 1024 * 1024 + 5);
  const fx = await launchFirefox(tempDir('swarmdrop-firefox-downloads-'));
  firefoxes.push(fx);
  const page = await openFirefoxApp(fx, `${baseURL}/`);
  await page.evaluate(() => {
    const box = [...document.querySelectorAll('label')]
      .find((label) => label.textContent?.trim() === 'Encrypt for people with the link')
      ?.querySelector('input') as HTMLInputElement;
    box.click();
  });
  const input = await page.$('input[type=file][multiple]');
  await input!.uploadFile(file.path);
  await waitForState(page, 'fx-secret.bin', 'seeding', 60_000);
  await catchCopies(page);
  await press(page, 'Copy share link', 'fx-secret.bin');
  const link = await page.evaluate(() => (window as unknown as { copied?: string }).copied ?? '');
  expect(link).toMatch(/&k=[A-Za-z0-9_-]{43}$/);

  const chromium = await openPeer(browser, link.slice(link.indexOf('/#')));
  await chromium.page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  const item = torrentItem(chromium.page, 'fx-secret.bin');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  expect(await saveFile(chromium.page, item, 'fx-secret.bin')).toEqual({
    sha256: file.sha256,
    size: file.bytes.length,
  });
  await chromium.context.close();
});

test('Chromium shares encrypted; Firefox opens the share link and saves the identical file', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'to-fx-secret.bin', 2 * 1024 * 1024 + 9);
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const sharer = await context.newPage();
  await sharer.goto('/');
  await sharer.getByLabel('Encrypt for people with the link').check();
  await sharer.getByLabel('Share files').setInputFiles(file.path);
  const item = torrentItem(sharer, 'to-fx-secret.bin');
  await expectStatus(item, 'Seeding', 60_000);
  await item.getByRole('button', { name: 'Copy share link' }).click();
  const link = await sharer.evaluate(() => navigator.clipboard.readText());

  const downloads = tempDir('swarmdrop-firefox-downloads-');
  const fx = await launchFirefox(downloads);
  firefoxes.push(fx);
  const page = await openFirefoxApp(fx, `${baseURL}${link.slice(link.indexOf('/#'))}`);
  await page.waitForFunction(() => document.querySelector('dialog') !== null, { timeout: 30_000 });
  await press(page, 'Download');
  await waitForState(page, 'to-fx-secret.bin', 'seeding');
  expect(await saveInFirefox(page, 'to-fx-secret.bin', downloads)).toBe(file.sha256);
  await context.close();
});
