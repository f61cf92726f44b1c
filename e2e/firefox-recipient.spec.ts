// The recipient's cases of recipient.spec.ts and card.spec.ts in Firefox: a download comes into view, on top and
// focused, at desktop and phone sizes; a link already listed says so; one's own share link says it is already
// shared; at 360 px with every details section open and a peer in the table, nothing widens the page.
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { widthsInPage } from './card-widths';
import {
  downloadInFirefox,
  firefoxAvailable,
  firefoxPerFile,
  openFirefoxApp,
  shareInFirefox,
  waitForState,
} from './firefox';
import { openPeer, randomFile, shareFiles, tempDir } from './helpers';

test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
const firefox = firefoxPerFile();

async function openFirefox(baseURL: string | undefined): Promise<FirefoxPage> {
  return openFirefoxApp((await firefox.peer()).context, `${baseURL}/`);
}

/** Where the item `name` is: in the viewport, focused, first in the list, and the statuses it shows. */
function placeInPage(name: string) {
  const items = [...document.querySelectorAll('li.torrent')];
  const item = items.find((li) => li.getAttribute('aria-label') === name);
  const box = item?.getBoundingClientRect();
  return {
    inViewport: box !== undefined && box.bottom > 0 && box.top < innerHeight,
    focused: item !== undefined && document.activeElement === item,
    first: items[0] === item,
    count: items.filter((li) => li.getAttribute('aria-label') === name).length,
    statuses: [...(item?.querySelectorAll('[role=status]') ?? [])].map((s) => s.textContent?.trim() ?? ''),
    dialogs: document.querySelectorAll('dialog[open]').length,
  };
}

/** Polls the item's place until `expected` matches it. */
async function expectPlace(
  page: FirefoxPage,
  name: string,
  check: (place: ReturnType<typeof placeInPage>) => void,
): Promise<void> {
  await expect(async () => check(await page.evaluate(placeInPage, name))).toPass({ timeout: 15_000 });
}

function unknownLink(name: string): string {
  return `magnet:?xt=urn:btih:${randomBytes(20).toString('hex')}&dn=${name}`;
}

for (const size of [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`Firefox ${size.width}x${size.height}: a share link's and a pasted link's downloads come into view, on top and focused; pasted again, it says it is listed`, async ({
    baseURL,
  }) => {
    const page = await openFirefox(baseURL);
    await page.setViewport(size);
    const dir = tempDir();
    for (const name of ['first.bin', 'second.bin'])
      await shareInFirefox(page, randomFile(dir, name, 40_000).path, name);

    await page.evaluate(() => scrollTo(0, 0));
    await page.evaluate((hash) => (location.hash = hash), encodeURIComponent(unknownLink('arrived.bin')));
    await page.waitForSelector('dialog[open]');
    await page.evaluate(() =>
      [...document.querySelectorAll<HTMLButtonElement>('dialog[open] button')]
        .find((b) => b.textContent?.trim() === 'Download')
        ?.click(),
    );
    await expectPlace(page, 'arrived.bin', (place) =>
      expect(place).toMatchObject({ inViewport: true, focused: true, first: true }),
    );

    const link = unknownLink('pasted.bin');
    await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
    await downloadInFirefox(page, link);
    await expectPlace(page, 'pasted.bin', (place) =>
      expect(place).toMatchObject({ inViewport: true, focused: true, first: true }),
    );
    await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
    await downloadInFirefox(page, link);
    await expectPlace(page, 'pasted.bin', (place) => {
      expect(place).toMatchObject({ inViewport: true, count: 1 });
      expect(place.statuses.some((s) => s.includes('Already in your list'))).toBe(true);
    });
  });
}

test('Firefox: opening your own share link says you already share it, with no offer to download it', async ({
  baseURL,
}) => {
  const page = await openFirefox(baseURL);
  const file = randomFile(tempDir(), 'mine.bin', 30_000);
  const magnet = await shareInFirefox(page, file.path, file.name);
  await page.evaluate((hash) => (location.hash = hash), encodeURIComponent(magnet));
  await expectPlace(page, 'mine.bin', (place) => {
    expect(place).toMatchObject({ focused: true, dialogs: 0 });
    expect(place.statuses.some((s) => s.includes('You are already sharing this'))).toBe(true);
  });
});

test('Firefox at 360 px, with every details section open and a peer in the table, nothing widens the page', async ({
  browser,
  baseURL,
}) => {
  const sharer = await openPeer(browser);
  const file = randomFile(tempDir(), 'a-long-name-for-a-phone-screen-video.bin', 400_000);
  const magnet = await shareFiles(sharer.page, file.path, file.name);
  const page = await openFirefox(baseURL);
  await page.setViewport({ width: 360, height: 740 });
  await downloadInFirefox(page, magnet);
  await waitForState(page, file.name, 'seeding');
  await page.evaluate(() =>
    document.querySelectorAll<HTMLDetailsElement>('li.torrent details').forEach((d) => (d.open = true)),
  );
  await page.waitForSelector('li.torrent table[aria-label="Peers"] tbody tr');
  const measured = await page.evaluate(widthsInPage, file.name);
  expect(measured.scrollWidth).toBeLessThanOrEqual(measured.innerWidth);
  expect(measured.outside).toEqual([]);
  await sharer.context.close();
});
