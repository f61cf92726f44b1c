// `Save all`: the files the user chose, with a file unchecked, into a folder in Chromium; and in Firefox, which has
// no folder picker, one zip streamed by the service worker that unzips to the same bytes.
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { untilValue } from '../shared/testing/until';
import { downloadInFirefox, firefoxAvailable, firefoxPerFile, openFirefoxApp, waitForState } from './firefox';
import {
  TRANSFER_TIMEOUT,
  openPeer,
  randomFile,
  setUploadLimit,
  shareFolder,
  startDownload,
  tempDir,
  torrentItem,
} from './helpers';
import { hashesOf, pickFolderInPage, readPickedFolder } from './picked-folder';
import { unzipHashes } from './unzip';

test('Save all to a folder saves the chosen files when one is unchecked', async ({ browser }) => {
  const dir = tempDir();
  const kept = [randomFile(dir, 'set/a.bin', 30_000), randomFile(dir, 'set/b.bin', 40_000)];
  randomFile(dir, 'set/skipped.bin', 2_000_000);
  const a = await openPeer(browser);
  const magnet = await shareFolder(a.page, join(dir, 'set'), 'set');
  // Slow enough that `skipped.bin` cannot be complete before it is unchecked.
  await setUploadLimit(a.page, 64);

  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'set');
  await item.getByRole('checkbox', { name: 'Download skipped.bin' }).uncheck();
  await expect(item.getByRole('button', { name: 'Save b.bin' })).toBeEnabled({ timeout: TRANSFER_TIMEOUT });
  await expect(item.getByRole('button', { name: 'Save a.bin' })).toBeEnabled();
  await expect(item.getByRole('button', { name: 'Save skipped.bin' })).toBeDisabled();

  await pickFolderInPage(b.page);
  await item.getByRole('button', { name: 'Save all to a folder' }).click();
  await expect
    .poll(async () => hashesOf(await readPickedFolder(b.page, 'set')), { timeout: 30_000 })
    .toEqual({ 'a.bin': kept[0].sha256, 'b.bin': kept[1].sha256 });
  await a.context.close();
  await b.context.close();
});

test.describe('Firefox', () => {
  test.skip(!firefoxAvailable, 'firefox-esr is not installed (apt-get install firefox-esr)');
  const firefox = firefoxPerFile();

  test('Save all as .zip in Firefox unzips to byte-identical files', async ({ browser, baseURL }) => {
    const dir = tempDir();
    const files = [
      randomFile(dir, 'album/cd1/one.bin', 700_000),
      randomFile(dir, 'album/cd2/two.bin', 300_001),
      randomFile(dir, 'album/notes é.txt', 5_000),
    ];
    const sharer = await openPeer(browser);
    const magnet = await shareFolder(sharer.page, join(dir, 'album'), 'album');

    const { context, downloads } = await firefox.peer();
    const page = await openFirefoxApp(context, `${baseURL}/`);
    await downloadInFirefox(page, magnet);
    await waitForState(page, 'album', 'seeding');
    const clicked = await page.evaluate(() => {
      const button = [...document.querySelectorAll('li.torrent button')].find(
        (b) => b.textContent?.trim() === 'Save all as .zip',
      ) as HTMLButtonElement | undefined;
      button?.click();
      return button !== undefined && !button.disabled;
    });
    expect(clicked).toBe(true);
    // Firefox writes `<name>.part` first and renames it when the download is complete.
    await untilValue(
      () => readdirSync(downloads),
      (names) => names.includes('album.zip') && !names.some((name) => name.endsWith('.part')),
      { what: 'album.zip to land in the downloads', timeoutMs: TRANSFER_TIMEOUT, intervalMs: 100 },
    );
    expect(readFileSync(join(downloads, 'album.zip')).length).toBeGreaterThan(1_005_001);
    expect(await unzipHashes(join(downloads, 'album.zip'))).toEqual({
      'cd1/one.bin': files[0].sha256,
      'cd2/two.bin': files[1].sha256,
      'notes é.txt': files[2].sha256,
    });
    await sharer.context.close();
  });
});
