// Errors a user can run into mid-download: a clear message in the torrent's status, nothing else lost.
import { expect, test } from '@playwright/test';
import {
  itemNumbers,
  openApp,
  openPeer,
  randomFile,
  shareFiles,
  shellCached,
  startDownload,
  tempDir,
  torrentItem,
} from './helpers';

test('a full storage quota shows Error: <reason> and keeps the verified pieces', async ({
  browser,
  baseURL,
}) => {
  const file = randomFile(tempDir(), 'too-big.bin', 2 * 1024 * 1024);
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, file.path, 'too-big.bin');

  const b = await openPeer(browser);
  // A megabyte more than the origin holds already, the app's shell included (cached once the worker is active).
  await shellCached(b.page);
  const usage = await b.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const cdp = await b.context.newCDPSession(b.page);
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: new URL(baseURL!).origin,
    quotaSize: usage + 1024 * 1024,
  });
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'too-big.bin');
  await expect(item.getByRole('alert').filter({ hasText: /^Error: .*quota/i })).toBeVisible({
    timeout: 60_000,
  });
  const numbers = await itemNumbers(item);
  expect(numbers.have).toBeGreaterThan(0);
  expect(numbers.have).toBeLessThan(numbers.pieces);
  await expect(item.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', '100');
  // The rest of the app goes on: A still seeds.
  await expect(torrentItem(a.page, 'too-big.bin').getByText('Seeding', { exact: true })).toBeVisible();
  await a.context.close();
  await b.context.close();
});

test('an unreachable tracker is named in an alert while the torrent waits for peers', async ({ browser }) => {
  const b = await openPeer(browser);
  const dead = 'ws://127.0.0.1:9/';
  await startDownload(
    b.page,
    `magnet:?xt=urn:btih:${'5'.repeat(40)}&dn=lonely&tr=${encodeURIComponent(dead)}`,
  );
  const item = torrentItem(b.page, 'lonely');
  await expect(item.getByText('Fetching metadata', { exact: true })).toBeVisible();
  // The wait is counted as it goes (the clock ticks, though nothing else changes).
  const waiting = item.getByText(/Looking for people who share it \(for \d+ s\)/);
  const seconds = async () => Number(/for (\d+) s/.exec((await waiting.textContent()) ?? '')?.[1]);
  const first = await seconds();
  await expect.poll(seconds, { timeout: 6_000 }).toBeGreaterThanOrEqual(first + 3);
  await expect(item.getByRole('alert').filter({ hasText: `Tracker ${dead}` })).toContainText(/unreachable/, {
    timeout: 30_000,
  });
  await b.context.close();
});

/** Drops every candidate from the remote side's descriptions: ICE then has no pair to check, as when every route
 * between two peers is blocked. */
function blockRoutes(): void {
  const original = RTCPeerConnection.prototype.setRemoteDescription as (
    this: RTCPeerConnection,
    description?: RTCSessionDescriptionInit,
  ) => Promise<void>;
  RTCPeerConnection.prototype.setRemoteDescription = function (
    this: RTCPeerConnection,
    description?: RTCSessionDescriptionInit,
  ) {
    const sdp = description?.sdp
      ?.split('\r\n')
      .filter((line) => !line.startsWith('a=candidate:'))
      .join('\r\n');
    return original.call(this, description && { type: description.type, sdp });
  } as typeof RTCPeerConnection.prototype.setRemoteDescription;
}

test('peers found but none reachable: the downloader says so within 20 s', async ({ browser }) => {
  const open = async (path = '/') => {
    const context = await browser.newContext();
    await context.addInitScript(blockRoutes);
    const page = await context.newPage();
    await openApp(page, path);
    return { context, page };
  };
  const file = randomFile(tempDir(), 'walled.bin', 100_000);
  const seeders = [await open(), await open()];
  const magnet = await shareFiles(seeders[0].page, file.path, 'walled.bin');
  await shareFiles(seeders[1].page, file.path, 'walled.bin');
  // A connection not open after 3 s counts as failed, not after the 15 s a user waits (web/src/net/page/stall-hook.ts;
  // that the user's wait says so within 20 s is peers.test.ts's).
  const leecher = await open('/?stall-ms=3000');
  await startDownload(leecher.page, magnet);
  const item = torrentItem(leecher.page, 'walled.bin');
  await expect(
    item.getByRole('alert').filter({ hasText: '2 peers found, none could be reached' }),
  ).toBeVisible({ timeout: 20_000 });
  await expect(item.getByText('Fetching metadata', { exact: true })).toBeVisible();
  for (const peer of [...seeders, leecher]) await peer.context.close();
});

test('a download bigger than the storage the browser grants is refused before anything is added', async ({
  page,
}) => {
  await openApp(page);
  const hash = 'b2'.repeat(20);
  await startDownload(page, `magnet:?xt=urn:btih:${hash}&dn=huge.iso&xl=${20 * 1024 ** 4}`);
  await expect(
    page
      .getByRole('alert')
      .filter({ hasText: /^Not enough storage: needs 20\.0 TiB, [\d.]+ [KMGT]?i?B free$/ }),
  ).toBeVisible();
  await expect(page.getByRole('list', { name: 'Torrents' }).getByRole('listitem')).toHaveCount(0);
});
