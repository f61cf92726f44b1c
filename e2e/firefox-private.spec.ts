// Private shares between Firefox and Chromium: each shares encrypted, the other opens the share link and
// saves the identical file. Firefox runs through puppeteer-core (e2e/firefox.ts).
import { expect, test, type Browser as ChromiumBrowser } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page as FirefoxPage } from 'puppeteer-core';
import {
  firefoxAvailable,
  havePieces,
  firefoxPerFile,
  openFirefoxApp,
  playPastTwoSeconds,
  saveInFirefox,
  waitForApp,
  waitForState,
} from './firefox';
import {
  TRANSFER_TIMEOUT,
  expectStatus,
  openApp,
  openPeer,
  randomFile,
  saveFile,
  setUploadLimit,
  tempDir,
  torrentItem,
} from './helpers';
import { heldPath, releaseHold } from './hold';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');

const CLIP = fileURLToPath(new URL('./fixtures/clip.webm', import.meta.url));
/** One Firefox for this file; each peer a browser context of it, as apart as two profiles. */
const firefoxes = firefoxPerFile();
/** Pieces (of 16 KiB; 64 in all) Chromium serves before the Firefox tab reloads. */
const RESUME_HELD = 16;

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

/** A Chromium tab at `appPath` shares `path` encrypted (under an upload limit when given); returns its share link. */
async function chromiumShares(
  browser: ChromiumBrowser,
  path: string,
  name: string,
  limitKiB = 0,
  appPath = '/',
) {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await openApp(page, appPath);
  if (limitKiB > 0) await setUploadLimit(page, limitKiB);
  await page.getByLabel('Encrypt for people with the link').check();
  await page.getByLabel('Share files').setInputFiles(path);
  const item = torrentItem(page, name);
  await expectStatus(item, 'Seeding', 60_000);
  await item.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  return { context, page, link, fragment: link.slice(link.indexOf('/#')) };
}

test('Firefox shares encrypted; Chromium opens the share link and saves the identical file', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'fx-secret.bin', 512 * 1024 + 5);
  const { context: fx } = await firefoxes.peer();
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
  const file = randomFile(tempDir(), 'to-fx-secret.bin', 512 * 1024 + 9);
  const { context, link } = await chromiumShares(browser, file.path, 'to-fx-secret.bin');

  const { context: fx, downloads } = await firefoxes.peer();
  const page = await openFirefoxApp(fx, `${baseURL}${link.slice(link.indexOf('/#'))}`);
  await page.waitForFunction(() => document.querySelector('dialog') !== null, { timeout: 30_000 });
  await press(page, 'Download');
  await waitForState(page, 'to-fx-secret.bin', 'seeding');
  expect(await saveInFirefox(page, 'to-fx-secret.bin', downloads)).toBe(file.sha256);
  await context.close();
});

test('a Firefox tab that joined by the share link resumes after a reload; a wrong key is refused there too', async ({
  browser,
  baseURL,
}) => {
  // 1 MiB in 16 KiB pieces; Chromium serves a quarter of them until Firefox has reloaded (e2e/hold.ts).
  const file = randomFile(tempDir(), 'fx-resume-secret.bin', 1024 * 1024);
  const sharer = await chromiumShares(browser, file.path, 'fx-resume-secret.bin', 0, heldPath(RESUME_HELD));
  const { context: fx, downloads } = await firefoxes.peer();
  const page = await openFirefoxApp(fx, `${baseURL}${sharer.fragment}`);
  await page.waitForFunction(() => document.querySelector('dialog') !== null, { timeout: 30_000 });
  await press(page, 'Download');
  await waitForState(page, 'fx-resume-secret.bin', 'downloading');
  await page.waitForFunction(
    (held) => Number(document.querySelector('li.torrent')?.getAttribute('data-have') ?? 0) === held,
    { timeout: TRANSFER_TIMEOUT, polling: 100 },
    RESUME_HELD,
  );
  const before = await havePieces(page, 'fx-resume-secret.bin');
  await page.reload();
  await waitForApp(page);
  // The key and the real name came back from this profile's storage.
  await page.waitForFunction(
    () => document.querySelector('li.torrent')?.getAttribute('aria-label') === 'fx-resume-secret.bin',
    { timeout: 30_000 },
  );
  expect(await havePieces(page, 'fx-resume-secret.bin')).toBeGreaterThanOrEqual(before);
  await releaseHold(sharer.page);
  await waitForState(page, 'fx-resume-secret.bin', 'seeding');
  expect(await saveInFirefox(page, 'fx-resume-secret.bin', downloads)).toBe(file.sha256);

  // Another Firefox with a wrong key: stopped in plain words, no file offered.
  const key = sharer.link.slice(sharer.link.lastIndexOf('&k='));
  const wrong = `&k=${key[3] === 'A' ? 'B' : 'A'}${key.slice(4)}`;
  const { context: other } = await firefoxes.peer();
  const visitor = await openFirefoxApp(other, `${baseURL}${sharer.fragment.replace(key, wrong)}`);
  await visitor.waitForFunction(() => document.querySelector('dialog') !== null, { timeout: 30_000 });
  await press(visitor, 'Download');
  await visitor.waitForFunction(
    () =>
      document
        .querySelector('li.torrent')
        ?.textContent?.includes("Error: This link's key does not open these files"),
    { timeout: TRANSFER_TIMEOUT, polling: 100 },
  );
  expect(
    await visitor.evaluate(
      () =>
        [...document.querySelectorAll('li.torrent button')].filter((b) => b.textContent?.startsWith('Save'))
          .length,
    ),
  ).toBe(0);
  await sharer.context.close();
});

test('an encrypted video plays in Firefox while it downloads', async ({ browser, baseURL }) => {
  const size = readFileSync(CLIP).length;
  const sharer = await chromiumShares(browser, CLIP, 'clip.webm', Math.max(8, Math.floor(size / 1024 / 17)));
  const { context: fx } = await firefoxes.peer();
  const page = await openFirefoxApp(fx, `${baseURL}${sharer.fragment}`);
  await page.waitForFunction(() => document.querySelector('dialog') !== null, { timeout: 30_000 });
  await press(page, 'Download');
  // Playback passes 2 s while the torrent is still short of 100 %.
  await playPastTwoSeconds(page, 'clip.webm');
  const have = await havePieces(page, 'clip.webm');
  const pieces = Number(
    await page.evaluate(() => document.querySelector('li.torrent')?.getAttribute('data-pieces')),
  );
  expect(have).toBeLessThan(pieces);
  await sharer.context.close();
});
