// `Save all to a folder` and the strings a link brings: names are made safe before clashes are resolved, a file
// already in the folder is never overwritten, and a link's name is shown with its hidden characters visible.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import {
  TRANSFER_TIMEOUT,
  expectStatus,
  openApp,
  openPeer,
  randomFile,
  sha256,
  shareFolder,
  startDownload,
  tempDir,
  torrentItem,
} from './helpers';
import { hashesOf, readPickedFolder } from './picked-folder';

test('Save all to a folder gives names that become equal their own files and overwrites nothing', async ({
  browser,
}) => {
  const dir = tempDir();
  // `a?` and `a*` both become `a_`; `Same.txt` and `same.txt` are one name on Windows and macOS.
  const files = [
    randomFile(dir, 'clash/a?.txt', 20_000),
    randomFile(dir, 'clash/a*.txt', 30_000),
    randomFile(dir, 'clash/Same.txt', 40_000),
    randomFile(dir, 'clash/same.txt', 50_000),
  ];
  const a = await openPeer(browser);
  const magnet = await shareFolder(a.page, join(dir, 'clash'), 'clash');

  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'clash');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);

  // The folder the user "picks": a real directory handle (the origin's private file system), already holding a
  // `clash` folder with a `Same.txt` of the user's own.
  await b.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const picked = await root.getDirectoryHandle('picked', { create: true });
    const clash = await picked.getDirectoryHandle('clash', { create: true });
    const mine = await (await clash.getFileHandle('Same.txt', { create: true })).createWritable();
    await mine.write('the user’s own file');
    await mine.close();
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = () => Promise.resolve(picked);
  });
  await item.getByRole('button', { name: 'Save all to a folder' }).click();

  const read = () => readPickedFolder(b.page, 'clash');
  const expected = [
    sha256(new TextEncoder().encode('the user’s own file')),
    ...files.map((file) => file.sha256),
  ];
  // Every file of the torrent ends up in the folder, whole, in a file of its own, beside the user's.
  await expect
    .poll(async () => Object.values(hashesOf(await read())).sort(), { timeout: 30_000 })
    .toEqual(expected.sort());
  const saved = (await read())!;
  expect(new TextDecoder().decode(new Uint8Array(saved['Same.txt']))).toBe('the user’s own file');
  // Compared as the file systems that ignore case do: five distinct names.
  expect(
    Object.keys(saved)
      .map((name) => name.toLowerCase())
      .sort(),
  ).toEqual(['a_ (2).txt', 'a_.txt', 'same (2).txt', 'same (3).txt', 'same.txt']);
  await a.context.close();
  await b.context.close();
});

test('a share link’s name shows its bidirectional overrides and hidden characters instead of obeying them', async ({
  page,
}) => {
  const magnet = `magnet:?xt=urn:btih:${'c4'.repeat(20)}&dn=${encodeURIComponent('invoice\u202etxt.exe\u200b')}`;
  await openApp(page, `/#${encodeURIComponent(magnet)}`);
  const dialog = page.getByRole('dialog', { name: 'Download “invoice[U+202E]txt.exe[U+200B]”?' });
  await expect(dialog).toBeVisible();
  // The name sits in its own bidirectional isolate, and nothing on the page carries the override itself.
  await expect(dialog.locator('dd bdi').first()).toHaveText('invoice[U+202E]txt.exe[U+200B]');
  expect(await page.evaluate(() => document.body.innerText.includes('\u202e'))).toBe(false);
});
