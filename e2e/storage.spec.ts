// The piece stores in a real Chromium: piece bytes in one origin-private file per torrent (a synchronous access
// handle in the engine worker), IndexedDB when forced (the store of browsers without those handles), and a torrent
// whose pieces are in IndexedDB, one entry per piece, that keeps working in a browser whose new pieces go to files
// (an install's stored torrents stay readable whichever store wrote them).
import { expect, test, type Page } from '@playwright/test';
import {
  expectStatus,
  forceIndexedDbInPage,
  infoHashOf,
  openApp,
  openPeer,
  pieceFileSizesInPage,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  storedKeysInPage,
  tempDir,
  torrentItem,
  torrents,
} from './helpers';

/** The sizes of the piece files in the origin-private directory `pieces`, by name. */
const pieceFiles = (page: Page) => page.evaluate(pieceFileSizesInPage);

/** The keys of the app's IndexedDB store that start with `prefix`. */
const storedKeys = (page: Page, prefix: string) => page.evaluate(storedKeysInPage, prefix);

/** Sets (or clears) the stored setting that makes the engine keep piece bytes in IndexedDB; takes effect on reload. */
const forceIndexedDb = (page: Page, on: boolean) => page.evaluate(forceIndexedDbInPage, on);

async function remove(page: Page, name: string): Promise<void> {
  await torrentItem(page, name).getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(torrentItem(page, name)).toHaveCount(0);
}

test('pieces go to one origin-private file per torrent: download, Save, reload, Remove', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'in-a-file.bin', 3 * 1024 * 1024 + 77);
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, file.path, 'in-a-file.bin');
  const infoHashHex = infoHashOf(magnet);
  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'in-a-file.bin');
  await expectStatus(item, 'Seeding');
  expect(await saveFile(b.page, item, 'in-a-file.bin')).toEqual({
    sha256: file.sha256,
    size: file.bytes.length,
  });

  // One file the size of the torrent, and no piece bytes in IndexedDB (only the verified map).
  expect(await pieceFiles(b.page)).toEqual({ [infoHashHex]: file.bytes.length });
  expect(await storedKeys(b.page, 'piece:')).toEqual([]);
  expect(await storedKeys(b.page, 'verified:')).toEqual([`verified:${infoHashHex}`]);

  await b.page.reload();
  await expectStatus(torrentItem(b.page, 'in-a-file.bin'), 'Seeding', 30_000);
  expect(await saveFile(b.page, torrentItem(b.page, 'in-a-file.bin'), 'in-a-file.bin')).toEqual({
    sha256: file.sha256,
    size: file.bytes.length,
  });

  await remove(b.page, 'in-a-file.bin');
  await expect.poll(() => pieceFiles(b.page)).toEqual({});
  await expect.poll(() => storedKeys(b.page, 'verified:')).toEqual([]);
  await a.context.close();
  await b.context.close();
});

test('IndexedDB as the piece store (forced), and a torrent it stored keeps working on the file store', async ({
  browser,
}) => {
  const file = randomFile(tempDir(), 'in-idb.bin', 1024 * 1024 + 5);
  const a = await openPeer(browser);
  await forceIndexedDb(a.page, true);
  await openApp(a.page);
  await shareFiles(a.page, file.path, 'in-idb.bin');
  const item = torrentItem(a.page, 'in-idb.bin');
  const pieces = Number(await item.getAttribute('data-pieces'));
  // IndexedDB's format: one entry per piece, no file.
  await expect.poll(() => storedKeys(a.page, 'piece:').then((keys) => keys.length)).toBe(pieces);
  expect(await pieceFiles(a.page)).toEqual({});
  expect(await saveFile(a.page, item, 'in-idb.bin')).toEqual({
    sha256: file.sha256,
    size: file.bytes.length,
  });

  // The file store takes over: the torrent restores from those entries, Save and seeding read them.
  await forceIndexedDb(a.page, false);
  await openApp(a.page);
  const restored = torrentItem(a.page, 'in-idb.bin');
  await expectStatus(restored, 'Seeding', 30_000);
  expect(await saveFile(a.page, restored, 'in-idb.bin')).toEqual({
    sha256: file.sha256,
    size: file.bytes.length,
  });
  const b = await openPeer(browser);
  await startDownload(b.page, await restored.getByLabel('Magnet link').inputValue());
  await expectStatus(torrentItem(b.page, 'in-idb.bin'), 'Seeding');
  expect(await saveFile(b.page, torrentItem(b.page, 'in-idb.bin'), 'in-idb.bin')).toEqual({
    sha256: file.sha256,
    size: file.bytes.length,
  });

  await remove(a.page, 'in-idb.bin');
  await expect.poll(() => storedKeys(a.page, 'piece:')).toEqual([]);
  await expect(torrents(a.page).getByRole('listitem')).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});
