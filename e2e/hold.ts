// A seeder held mid-way: the tab is opened at `?hold-pieces=<n>` (honoured only under a browser automation, as
// Playwright's is), so each of its torrents serves the first n pieces asked for and parks every other request until
// the test releases it (web/src/lib/messages/serve-hold-switch.ts). A test that needs a transfer mid-way waits for
// the n pieces, acts, and releases: no upload limit, no clock.
import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { itemNumbers, openPeer, TRANSFER_TIMEOUT, type Peer } from './helpers';

/** The address of the app whose tab serves `pieces` pieces of each torrent until released. */
export function heldPath(pieces: number, path = '/'): string {
  const url = new URL(path, 'http://app');
  url.searchParams.set('hold-pieces', String(pieces));
  return `${url.pathname}${url.search}${url.hash}`;
}

/** A fresh peer whose tab serves `pieces` pieces of each torrent until `releaseHold`. */
export function heldPeer(browser: Browser, pieces: number): Promise<Peer> {
  return openPeer(browser, heldPath(pieces));
}

/** Releases the hold of the held tabs of `page`'s browser profile (a same-origin broadcast): they serve everything. */
export async function releaseHold(page: Page): Promise<void> {
  await page.evaluate(() => {
    const channel = new BroadcastChannel('swarmdrop-serve-hold');
    channel.postMessage('release');
    channel.close();
  });
}

/** Waits until the torrent item has exactly `pieces` pieces (what a held seeder serves), not all; its numbers. */
export async function heldAt(
  item: Locator,
  pieces: number,
): Promise<Awaited<ReturnType<typeof itemNumbers>>> {
  await expect.poll(async () => (await itemNumbers(item)).have, { timeout: TRANSFER_TIMEOUT }).toBe(pieces);
  const numbers = await itemNumbers(item);
  expect(numbers.have).toBeLessThan(numbers.pieces);
  return numbers;
}
