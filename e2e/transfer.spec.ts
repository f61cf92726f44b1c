// Downloads between tabs: every peer is its own browser context (its own storage), talking over WebRTC
// through the tracker that Playwright started.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import {
  channelPath,
  expectStatus,
  infoHashOf,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  shareFolder,
  startDownload,
  tempDir,
  torrentItem,
  trackerSwarm,
  TRANSFER_TIMEOUT,
} from './helpers';

test('a 5 MiB binary published in A downloads byte-identical in B and C', async ({ browser, baseURL }) => {
  const dir = tempDir();
  const file = randomFile(dir, 'random.bin', 5 * 1024 * 1024);
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, file.path, 'random.bin');
  const infoHash = infoHashOf(magnet);

  // The tracker knows A as the one seeder.
  await expect
    .poll(async () => (await trackerSwarm(a.page, baseURL!, infoHash))?.complete, { timeout: 20_000 })
    .toBe(1);

  // B pastes the bare info hash (the default tracker is the app's own); C opens the app at /#<magnet link>.
  const b = await openPeer(browser);
  await startDownload(b.page, infoHash);
  const c = await openPeer(browser, `/#${encodeURIComponent(magnet)}`);
  await c.page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  for (const peer of [b, c]) {
    const item = torrentItem(peer.page, 'random.bin');
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    await expect(item.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    // Nothing moves any more: the download rate reads zero.
    await expect(item.locator('dt', { hasText: /^Down$/ }).locator('xpath=following-sibling::dd')).toHaveText(
      '0 B/s',
      { timeout: 15_000 },
    );
    const saved = await saveFile(peer.page, item, 'random.bin');
    expect(saved.size).toBe(file.bytes.length);
    expect(saved.sha256).toBe(file.sha256);
  }

  // Everyone finished: three seeders, no leechers.
  await expect
    .poll(
      async () => {
        const swarm = await trackerSwarm(a.page, baseURL!, infoHash);
        return swarm && [swarm.complete, swarm.incomplete];
      },
      { timeout: 20_000 },
    )
    .toEqual([3, 0]);

  // A leaves cleanly: the tracker hears `stopped`.
  await a.context.close();
  await expect
    .poll(async () => (await trackerSwarm(b.page, baseURL!, infoHash))?.complete, { timeout: 20_000 })
    .toBe(2);
  await b.context.close();
  await c.context.close();
});

test('a folder with nested paths and an empty file arrives intact', async ({ browser }) => {
  const dir = tempDir();
  const files = [
    randomFile(dir, 'tree/top.bin', 300_000),
    randomFile(dir, 'tree/one/two/deep.bin', 123_457),
    randomFile(dir, 'tree/one/empty.txt', 0),
    randomFile(dir, 'tree/one/small.txt', 10),
  ];
  const a = await openPeer(browser);
  const magnet = await shareFolder(a.page, join(dir, 'tree'), 'tree');

  const b = await openPeer(browser);
  await startDownload(b.page, magnet);
  const item = torrentItem(b.page, 'tree');
  await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
  for (const file of files) {
    const path = file.path.slice(join(dir, 'tree').length + 1);
    const saved = await saveFile(b.page, item, path);
    expect(saved.size, path).toBe(file.bytes.length);
    expect(saved.sha256, path).toBe(file.sha256);
  }
  await a.context.close();
  await b.context.close();
});

// Both paths of a connection's bytes: its data channel moved to the engine's worker (where the browser can), and
// kept on the page (`?channels=page` forces what a browser without transferable channels does).
for (const path of ['worker', 'page'] as const) {
  test(`a transfer between two tabs with the data channels ${path === 'worker' ? 'in the engine worker' : 'kept on the page'}`, async ({
    browser,
  }) => {
    const query = path === 'page' ? '/?channels=page' : '/';
    const file = randomFile(tempDir(), `channels-${path}.bin`, 3 * 1024 * 1024 + 4321);
    const a = await openPeer(browser, query);
    const magnet = await shareFiles(a.page, file.path, file.name);
    const b = await openPeer(browser, query);
    await startDownload(b.page, magnet);
    const item = torrentItem(b.page, file.name);
    await expectStatus(item, 'Seeding', TRANSFER_TIMEOUT);
    for (const peer of [a, b]) expect(await channelPath(peer.page)).toBe(path);
    const saved = await saveFile(b.page, item, file.name);
    expect(saved.size).toBe(file.bytes.length);
    expect(saved.sha256).toBe(file.sha256);
    // The seeder leaves: the downloader's connection closes, whichever side held the channel.
    await a.context.close();
    await expect(
      item.locator('dt', { hasText: /^Peers$/ }).locator('xpath=following-sibling::dd'),
    ).toHaveText('0', {
      timeout: 20_000,
    });
    await b.context.close();
  });
}
