// The installable app: the manifest passes Chromium's installability checks, a `.torrent` handed to the app's launch
// queue opens once the user confirms it (the share target: share-target.spec.ts), and the app shell loads with no
// network, listing the torrents it holds. Chromium exposes `window.launchQueue` to installed apps only (a headless test cannot install
// one), so the launch test stands a queue in before the app starts and hands it a real file handle of the origin's
// private file system: the app's consumer, its reading of the handle and its opening of the `.torrent` are the ones
// an installed app runs; Chromium's own routing of an opened file to that queue is not tested here.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import {
  TRANSFER_TIMEOUT,
  openApp,
  openPeer,
  persistentPeer,
  randomFile,
  seriousViolations,
  shareFiles,
  shellCached,
  tempDir,
  torrentItem,
  torrents,
  unseededTorrent,
} from './helpers';

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

test('a .torrent handed to the launch queue opens once the user says Open', async ({ browser }) => {
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
  // Held, not opened: a .torrent opened by mistake would announce.
  const held = page.getByRole('dialog', { name: 'Open 1 .torrent file?' });
  await expect(held.getByRole('list', { name: 'Files' })).toHaveText(/^launched\.torrent /);
  await expect(torrents(page).getByRole('listitem', { name: /./ })).toHaveCount(0);
  await held.getByRole('button', { name: 'Open' }).click();
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
