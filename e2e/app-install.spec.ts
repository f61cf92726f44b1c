// The installable app: the manifest passes Chromium's installability checks, the share target's POST shares its
// files, a `.torrent` handed to the app's launch queue opens, and the app shell loads with no network, listing the
// torrents it holds. Chromium exposes `window.launchQueue` to installed apps only (a headless test cannot install
// one), so the launch test stands a queue in before the app starts and hands it a real file handle of the origin's
// private file system: the app's consumer, its reading of the handle and its opening of the `.torrent` are the ones
// an installed app runs; Chromium's own routing of an opened file to that queue is not tested here.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import {
  TRANSFER_TIMEOUT,
  expectStatus,
  openApp,
  openPeer,
  persistentPeer,
  randomFile,
  saveFile,
  seriousViolations,
  shareFiles,
  shellCached,
  tempDir,
  torrentItem,
  unseededTorrent,
} from './helpers';

test.describe.configure({ timeout: 120_000 });

test('the manifest makes the app installable in Chromium', async () => {
  // A profile on disk: Chromium installs nothing from an incognito context.
  const { context, page } = await persistentPeer();
  await openApp(page);
  await shellCached(page);
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest.display).toBe('standalone');
  expect(manifest.launch_handler).toEqual({ client_mode: 'focus-existing' });
  const session = await page.context().newCDPSession(page);
  const { installabilityErrors } = await session.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  const { errors } = await session.send('Page.getAppManifest');
  expect(errors).toEqual([]);
  await context.close();
});

for (const encrypt of ['0', '1']) {
  test(`a POST to the share target shares its files (encrypt=${encrypt})`, async ({ browser }) => {
    const dir = tempDir();
    const file = randomFile(dir, 'from-the-share-sheet.bin', 300_000);
    const peer = await openPeer(browser);
    await shellCached(peer.page);
    // The share sheet's POST: a form of multipart/form-data, as the system sends it, navigating the page.
    await peer.page.evaluate(
      ({ bytes, choice }) => {
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = '/share-target';
        form.enctype = 'multipart/form-data';
        const input = document.createElement('input');
        input.type = 'file';
        input.name = 'files';
        const files = new DataTransfer();
        files.items.add(new File([new Uint8Array(bytes)], 'from-the-share-sheet.bin'));
        input.files = files.files;
        const field = Object.assign(document.createElement('input'), { name: 'encrypt', value: choice });
        form.append(input, field);
        document.body.append(form);
        form.submit();
      },
      { bytes: [...file.bytes], choice: encrypt },
    );
    await peer.page.waitForURL((url) => url.pathname === '/' && !url.search);
    const item = torrentItem(peer.page, 'from-the-share-sheet.bin');
    await expectStatus(item, 'Seeding', 60_000);
    // The form's choice, whatever `Encrypt for people with the link` says (unchecked here).
    await expect(item.getByText(/^Encrypted:/)).toHaveCount(encrypt === '1' ? 1 : 0);
    expect(await saveFile(peer.page, item, 'from-the-share-sheet.bin')).toEqual({
      sha256: file.sha256,
      size: file.bytes.length,
    });
    await peer.context.close();
  });
}

test('a .torrent handed to the launch queue opens', async ({ browser }) => {
  const torrent = readFileSync(unseededTorrent(tempDir(), 'launched', 4));
  const context = await browser.newContext();
  const page = await context.newPage();
  // A launch queue like an installed app's, holding one launch with a real file handle.
  await page.addInitScript(
    (bytes) => {
      const launch = (async () => {
        const root = await navigator.storage.getDirectory();
        const handle = await root.getFileHandle('launched.torrent', { create: true });
        const writable = await handle.createWritable();
        await writable.write(new Uint8Array(bytes));
        await writable.close();
        return { targetURL: location.href, files: [handle] };
      })();
      // Chromium has a `launchQueue` of its own (a getter), which never holds a launch outside an installed app.
      Object.defineProperty(window, 'launchQueue', {
        configurable: true,
        value: { setConsumer: (consumer: (params: unknown) => void) => void launch.then(consumer) },
      });
    },
    [...torrent],
  );
  await openApp(page);
  await expect(torrentItem(page, 'launched')).toBeVisible({ timeout: 30_000 });
  await context.close();
});

test('the app shell loads offline once installed, listing the torrents it holds', async ({ browser }) => {
  const dir = tempDir();
  const file = randomFile(dir, 'kept-offline.bin', 50_000);
  const peer = await openPeer(browser);
  await shareFiles(peer.page, file.path, 'kept-offline.bin');
  await shellCached(peer.page);
  await peer.context.setOffline(true);
  await peer.page.reload();
  await expect(peer.page.getByRole('heading', { name: 'SwarmDrop' })).toBeVisible();
  await expect(peer.page.getByText('Starting…')).toHaveCount(0, { timeout: 30_000 });
  await expect(torrentItem(peer.page, 'kept-offline.bin')).toBeVisible({ timeout: TRANSFER_TIMEOUT });
  expect(await seriousViolations(peer.page)).toEqual([]);
  await peer.context.setOffline(false);
  await peer.context.close();
});
