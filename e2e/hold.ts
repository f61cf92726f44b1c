// A seeder held mid-way: the tab is opened at `?hold-pieces=<n>` (honoured only under a browser automation, as
// Playwright's is), so each of its torrents serves the first n pieces asked for and parks every other request until
// the test releases it (web/src/lib/messages/serve-hold-switch.ts). A test that needs a transfer mid-way waits for
// the n pieces, acts, and releases: no upload limit, no clock. A tab opened at `?hold-piece=<i>` serves every piece but
// piece i: a download runs at full speed and stays one piece short (a video plays and seeks before it is whole).
import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { expectStatus, itemNumbers, openApp, openPeer, TRANSFER_TIMEOUT, type Peer } from './helpers';
import { statSync } from 'node:fs';
import { choosePieceLength } from '../shared/codec/metainfo';
import { mp4Boxes } from './media';

type ItemNumbers = Awaited<ReturnType<typeof itemNumbers>>;

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

/** The address of the app whose tab serves every piece but piece `piece` of each torrent until released. */
export function heldPiecePath(piece: number, path = '/'): string {
  const url = new URL(path, 'http://app');
  url.searchParams.set('hold-piece', String(piece));
  return `${url.pathname}${url.search}${url.hash}`;
}

/** A fresh peer whose tab serves every piece but piece `piece` of each torrent until `releaseHold`. */
export function heldPiecePeer(browser: Browser, piece: number): Promise<Peer> {
  return openPeer(browser, heldPiecePath(piece));
}

/** The piece that holds byte `offset` of a one-file share of `size` bytes (the app's piece length for that size). */
export function pieceOf(size: number, offset: number): number {
  return Math.floor(offset / choosePieceLength(size));
}

/**
 * The piece to hold back of the one-file share of the video `path`: at `at` of its bytes (by default 92 %, past what a
 * test plays from the start or from a seek to 80 %: a player of a fragmented MP4 reads on from the fragment before
 * the seek's time), and holding no MP4 box header (the player reads each fragment's header before it plays).
 */
export function pieceToHold(path: string, at = 0.92): number {
  const size = statSync(path).size;
  const length = choosePieceLength(size);
  const headers = /\.(mp4|m4a)$/.test(path) ? mp4Boxes(path).map((box) => box.offset) : [];
  let piece = pieceOf(size, size * at);
  while (headers.some((at) => at + 16 > piece * length && at < (piece + 1) * length)) piece++;
  return piece;
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
export async function heldAt(item: Locator, pieces: number): Promise<ItemNumbers> {
  await expect.poll(async () => (await itemNumbers(item)).have, { timeout: TRANSFER_TIMEOUT }).toBe(pieces);
  const numbers = await itemNumbers(item);
  expect(numbers.have).toBeLessThan(numbers.pieces);
  return numbers;
}

/**
 * The held seeder's `pieces` are in (a part, not all): reloads `page` and waits until its item is back from storage
 * with them (nothing new can come: the seeder is still held), then releases `seeder` and waits until the item seeds.
 * Checks that the second session fetched at most the pieces that were missing before the reload, and some; returns
 * the numbers before the reload and after.
 */
export async function reloadMidway(
  page: Page,
  item: Locator,
  seeder: Page,
  pieces: number,
): Promise<{ before: ItemNumbers; after: ItemNumbers }> {
  const before = await heldAt(item, pieces);
  await page.reload();
  await openApp(page, '/');
  await expect.poll(async () => (await itemNumbers(item)).have, { timeout: 30_000 }).toBe(before.have);
  await releaseHold(seeder);
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  const after = await itemNumbers(item);
  const pieceLength = Math.ceil(after.length / after.pieces);
  expect(after.sessionDownloaded).toBeGreaterThan(0);
  expect(after.sessionDownloaded).toBeLessThanOrEqual(after.length - (before.have - 1) * pieceLength);
  return { before, after };
}
