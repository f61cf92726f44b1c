// Sharing without copying (File System Access handles): the pieces are read from the file itself, never stored in
// IndexedDB; a download of it is identical; a reload seeds again from the handle; a change on disk stops the share.
// Playwright cannot drive showOpenFilePicker, so the page's picker hands out a real FileSystemFileHandle of a file
// in the origin private file system (navigator.storage.getDirectory()), which the app treats like any other handle.
import { expect, test, type Page } from '@playwright/test';
import {
  chooseToShare,
  expectStatus,
  openApp,
  openPeer,
  pieceFileSizesInPage,
  saveFile,
  serviceWorkerControls,
  startDownload,
  storedKeysInPage,
  torrentItem,
  TRANSFER_TIMEOUT,
} from './helpers';

const NAME = 'in-place.bin';
const SIZE = 3 * 1024 * 1024 + 4321;

/** Stored piece copies: IndexedDB piece entries, plus the piece files (one per torrent) that hold any bytes. */
async function storedPieceCount(page: Page): Promise<number> {
  const entries = await page.evaluate(storedKeysInPage, 'piece:');
  const files = Object.values(await page.evaluate(pieceFileSizesInPage)).filter((size) => size > 0);
  return entries.length + files.length;
}

test('a file shared without copying: nothing in IndexedDB, identical downloads, a reload seeds again, a change stops it', async ({
  browser,
}) => {
  const context = await browser.newContext({ acceptDownloads: true });
  // The file picker of this page returns the handle of a file in the origin private file system.
  await context.addInitScript((name: string) => {
    (window as unknown as { showOpenFilePicker: () => Promise<FileSystemFileHandle[]> }).showOpenFilePicker =
      async () => [await (await navigator.storage.getDirectory()).getFileHandle(name)];
  }, NAME);
  const page = await context.newPage();
  await openApp(page);
  const sha256 = await page.evaluate(
    async ({ name, size }) => {
      const handle = await (await navigator.storage.getDirectory()).getFileHandle(name, { create: true });
      const bytes = new Uint8Array(size);
      for (let at = 0; at < size; at += 65536)
        crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
      const writable = await handle.createWritable();
      await writable.write(bytes);
      await writable.close();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    },
    { name: NAME, size: SIZE },
  );

  await chooseToShare(page, 'Share files');
  const item = torrentItem(page, NAME);
  await expectStatus(item, 'Seeding', 60_000);
  await expect(item.getByText(/Shared from your disk \(not copied\)/)).toBeVisible();
  const magnet = await item.getByLabel('Magnet link').inputValue();
  // Not one piece was copied into the browser's storage.
  expect(await storedPieceCount(page)).toBe(0);
  // The sharer's own Save streams from the file through the service worker, checked piece by piece.
  await serviceWorkerControls(page);
  expect((await saveFile(page, item, NAME)).sha256).toBe(sha256);

  // Another browser downloads it, byte for byte (its own copy is stored as usual: the count above can see pieces).
  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const downloaded = torrentItem(b.page, NAME);
  await expectStatus(downloaded, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(b.page, downloaded, NAME)).sha256).toBe(sha256);
  expect(await storedPieceCount(b.page)).toBeGreaterThan(0);
  await b.context.close();

  // After a reload the torrent seeds again from the handle kept in IndexedDB, still without a copy.
  await page.reload();
  await expect(page.getByText('Starting…')).toHaveCount(0, { timeout: 30_000 });
  await expectStatus(item, 'Seeding', 30_000);
  const c = await openPeer(browser);
  await startDownload(c.page, magnet);
  const again = torrentItem(c.page, NAME);
  await expectStatus(again, 'Seeding', TRANSFER_TIMEOUT);
  expect((await saveFile(c.page, again, NAME)).sha256).toBe(sha256);
  expect(await storedPieceCount(page)).toBe(0);
  await c.context.close();

  // The file changes on disk (a few bytes in the middle, same size; the origin private file system keeps the date):
  // the next peer's request reads a piece that fails its hash, and the share stops with the reason, sending nothing.
  await page.evaluate(async (name) => {
    const handle = await (await navigator.storage.getDirectory()).getFileHandle(name);
    const writable = await handle.createWritable({ keepExistingData: true });
    await writable.write({ type: 'write', position: 1_000_000, data: new Uint8Array(64).fill(7) });
    await writable.close();
  }, NAME);
  const d = await openPeer(browser);
  await startDownload(d.page, magnet);
  await expect(item.getByText(`Error: The shared file ${NAME} changed on disk; share it again`)).toBeVisible({
    timeout: 20_000,
  });
  await expect(torrentItem(d.page, NAME).getByText('Seeding', { exact: true })).toHaveCount(0);
  await d.context.close();
  await context.close();
});

test('the controls that need File System Access pickers are offered only where the browser has them', async ({
  browser,
}) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    delete (window as unknown as { showOpenFilePicker?: unknown }).showOpenFilePicker;
    delete (Window.prototype as unknown as { showOpenFilePicker?: unknown }).showOpenFilePicker;
    delete (window as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker;
    delete (Window.prototype as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker;
  });
  const page = await context.newPage();
  await openApp(page);
  await expect(page.getByLabel('Share files')).toBeAttached();
  await expect(page.getByRole('checkbox', { name: 'Copy shared files into this browser' })).toHaveCount(0);
  await context.close();
});

test('a dropped file that comes with a file handle is shared in place, without copying', async ({ page }) => {
  await openApp(page);
  await page.evaluate(async () => {
    const handle = await (
      await navigator.storage.getDirectory()
    ).getFileHandle('dropped.bin', { create: true });
    const writable = await handle.createWritable();
    await writable.write(new Uint8Array(300_000).fill(9));
    await writable.close();
    // The browser's drop hands out the file's handle (what Chromium does for a file dragged from the desktop).
    (
      DataTransferItem.prototype as unknown as { getAsFileSystemHandle: () => Promise<unknown> }
    ).getAsFileSystemHandle = async () => handle;
    const transfer = new DataTransfer();
    transfer.items.add(await handle.getFile());
    for (const type of ['dragenter', 'dragover', 'drop'])
      document.body.dispatchEvent(
        new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
  });
  const item = torrentItem(page, 'dropped.bin');
  await expectStatus(item, 'Seeding', 30_000);
  await expect(item.getByText(/Shared from your disk \(not copied\)/)).toBeVisible();
  expect(await storedPieceCount(page)).toBe(0);
});

test('a folder shared without copying: its files, nested ones too, are read in place', async ({
  browser,
}) => {
  const context = await browser.newContext({ acceptDownloads: true });
  // The folder picker of this page returns a folder of the origin private file system.
  await context.addInitScript(() => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle('album');
  });
  const page = await context.newPage();
  await openApp(page);
  const sha256 = await page.evaluate(async () => {
    const album = await (
      await navigator.storage.getDirectory()
    ).getDirectoryHandle('album', { create: true });
    const nested = await album.getDirectoryHandle('disc 2', { create: true });
    const write = async (dir: FileSystemDirectoryHandle, name: string, bytes: Uint8Array) => {
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await writable.write(bytes as Uint8Array<ArrayBuffer>);
      await writable.close();
    };
    const track = new Uint8Array(70_000).map((_, i) => (i * 13) & 0xff);
    await write(album, 'one.bin', new Uint8Array(50_000).fill(1));
    await write(nested, 'two.bin', track);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', track));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  });
  await chooseToShare(page, 'Share a folder');
  const item = torrentItem(page, 'album');
  await expectStatus(item, 'Seeding', 30_000);
  await expect(item.getByText(/Shared from your disk \(not copied\)/)).toBeVisible();
  expect(await storedPieceCount(page)).toBe(0);
  await serviceWorkerControls(page);
  expect((await saveFile(page, item, 'disc 2/two.bin')).sha256).toBe(sha256);
  await context.close();
});
