// Firefox under axe-core and from the keyboard alone: no serious finding on the first screen (the seed entry open, the
// upload limit refused), on a recipient's card with its details open, or in the settings; sharing (the drop zone's
// `Share files`, its chooser answered through the driver), downloading (the link, Enter) and saving (`Save <path>`,
// Enter) by Tab and Enter, the focus where the keys put it and the saved file byte-identical.
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { firefoxAvailable, firefoxPerFile, landedInFirefox, openFirefoxApp, waitForState } from './firefox';
import { focusIsOn, seriousViolationsInFirefox, tabToInFirefox } from './firefox-a11y';
import { openPeer, randomFile, shareFiles, tempDir } from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
const firefox = firefoxPerFile();

/** The app in a fresh context of the file's Firefox, and where its downloads land. */
async function openFirefox(baseURL: string | undefined): Promise<{ page: FirefoxPage; downloads: string }> {
  const { context, downloads } = await firefox.peer();
  return { page: await openFirefoxApp(context, `${baseURL}/`), downloads };
}

const item = (name: string) => `li.torrent[aria-label="${name}"]`;

/** The item's details opened by Tab and Enter on their summary. */
async function openDetailsByKeyboard(page: FirefoxPage, name: string): Promise<void> {
  await tabToInFirefox(page, `${item(name)} details.card-details > summary`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${item(name)} details.card-details[open]`);
}

// First in the file: after a test that saved a download in this Firefox, Enter on `Share files` opens no chooser.
test('Firefox from the keyboard alone: Share files, reached by Tab, opens the chooser on Enter and the share seeds', async ({
  baseURL,
}) => {
  const { page } = await openFirefox(baseURL);
  const file = randomFile(tempDir(), `typed-${randomBytes(4).toString('hex')}.bin`, 20_000);
  const input = 'section.send input[type=file][multiple]';
  await tabToInFirefox(page, input);
  const [chooser] = await Promise.all([
    page.waitForFileChooser({ timeout: 15_000 }),
    page.keyboard.press('Enter'),
  ]);
  await chooser.accept([file.path]);
  await waitForState(page, file.name, 'seeding', 60_000);
});

test('Firefox: no serious accessibility finding on the first screen, with the seed entry open, and in the settings', async ({
  baseURL,
}) => {
  const { page } = await openFirefox(baseURL);
  expect(await seriousViolationsInFirefox(page)).toEqual([]);
  await page.evaluate(() =>
    document.querySelector<HTMLDetailsElement>('details.seed')!.setAttribute('open', ''),
  );
  expect(await seriousViolationsInFirefox(page)).toEqual([]);
  // The settings with the upload limit refused: its alert and the field marked invalid.
  await tabToInFirefox(page, '#upload-limit');
  await page.keyboard.type('0');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#upload-limit-error');
  expect(await seriousViolationsInFirefox(page, '.settings')).toEqual([]);
});

test('Firefox from the keyboard alone: a recipient downloads by the link and Enter, opens the details without a serious accessibility finding, and saves byte-identical', async ({
  browser,
  baseURL,
}) => {
  const sharer = await openPeer(browser);
  const file = randomFile(tempDir(), 'keyed-in-firefox.bin', 300_000);
  const magnet = await shareFiles(sharer.page, file.path, file.name);
  const { page, downloads } = await openFirefox(baseURL);

  await tabToInFirefox(page, '#magnet-input');
  await page.keyboard.type(magnet);
  await page.keyboard.press('Enter');
  await expect(async () => expect(await focusIsOn(page, item(file.name))).toBe(true)).toPass({
    timeout: 15_000,
  });
  await waitForState(page, file.name, 'seeding');
  await openDetailsByKeyboard(page, file.name);
  await page.waitForSelector(`${item(file.name)} table[aria-label="Peers"] tbody tr`);
  expect(await seriousViolationsInFirefox(page)).toEqual([]);

  // Back from the details to the card's `Save`, and Enter.
  await tabToInFirefox(page, `${item(file.name)} button[aria-label="Save ${file.name}"]`, true);
  await page.keyboard.press('Enter');
  expect(await landedInFirefox(file.name, downloads)).toBe(file.sha256);
  await sharer.context.close();
});
