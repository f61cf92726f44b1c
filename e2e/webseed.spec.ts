// Web seeds (BEP 19) in the browser: a .torrent whose `url-list` names a range server on loopback (started here,
// shared/testing/range-server.ts) downloads with no peer at all, byte-identical, through the worker's fetch with a
// lone Range header (so no CORS preflight: no OPTIONS request ever reaches the server), never asking for a pad file
// or an empty file; a server that sends no CORS header is named on the torrent in words; with a budget set on the
// torrent, the seed serves at most that and a peer brings the rest; a 503 with Retry-After, a server without range
// support and a redirect are got through (webseed-scenarios.ts, run in Firefox too); a file sent on to a server
// without CORS, and one redirected in a loop, are dropped from the seed in words. On an https:// page:
// webseed-https.spec.ts.
import { expect, test } from '@playwright/test';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import { expectStatus, openDetails, openPeer, saveFile, sha256, tempDir, torrentItem } from './helpers';
import {
  ALONE,
  BUDGET_BYTES,
  HELD,
  REDIRECT_WORDS,
  clipTorrent,
  expectCleanRequests,
  redirectingTorrent,
  scenarioTorrent,
} from './webseed-scenarios';
import { NAME, askedAgain, seedInTab, served, servedAltered, webSeededTorrent } from './webseed-torrent';

test.describe.configure({ timeout: 180_000 });

let server: RangeServer | undefined;
/** Servers a test starts besides `server`. */
const others: RangeServer[] = [];
test.afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const other of others.splice(0)) await other.close();
});

test('a web seed that does not let this site read it is named on the torrent in words', async ({
  browser,
}) => {
  const dir = tempDir();
  const { path } = await webSeededTorrent(dir, async (files) => {
    server = await startRangeServer(served(files), { noCors: true });
    return `${server.origin}/files`;
  });
  const peer = await openPeer(browser);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  await openDetails(item);
  await expect(item.getByText('The server 127.0.0.1 does not let this site read it')).toBeVisible({
    timeout: 30_000,
  });
  expect(server!.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
  await peer.context.close();
});

test('a file whose bytes differ on the web seed is dropped from it, and its pieces come from a peer', async ({
  browser,
}) => {
  const dir = tempDir();
  const altered = 'été ü.bin';
  const { path, data } = await webSeededTorrent(dir, async (files) => {
    server = await startRangeServer(servedAltered(files, altered));
    return `${server.origin}/files`;
  });
  const peer = await openPeer(browser);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  await openDetails(item);
  // With no peer yet, the web seed is asked for every file, the altered one too.
  await expect(item.getByText(`Not used for ${altered}: its bytes differ from the torrent`)).toBeVisible();

  const seeder = await seedInTab(browser, dir, path, data);
  await expectStatus(torrentItem(seeder.page, NAME), 'Seeding', 60_000);
  await expectStatus(item, 'Seeding');
  expect(await saveFile(peer.page, item, altered)).toEqual({
    sha256: sha256(data.get(altered)!),
    size: data.get(altered)!.length,
  });
  // After the bad piece, that seed was never asked for the file's bytes again.
  expect(askedAgain(server!.requests, altered)).toEqual([]);
  await peer.context.close();
  await seeder.context.close();
});

test('a web seed serves at most the budget set on the torrent, and a peer brings the rest', async ({
  browser,
}) => {
  const dir = tempDir();
  const budget = BUDGET_BYTES;
  const { path, data } = await scenarioTorrent(dir, HELD, (started) => (server = started));
  const peer = await openPeer(browser);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  // With no peer yet, the seed is asked for every piece; its answers wait until the budget is set.
  await expect.poll(() => server!.held()).toBeGreaterThan(budget);
  await openDetails(item);
  const field = item.getByRole('textbox', { name: 'Most to fetch from web servers (MiB)' });
  await field.fill('0.5');
  await field.blur();
  await expect.poll(() => server!.held()).toBeLessThanOrEqual(budget);
  server!.release();
  await expect(item.getByText(/Web servers have sent the most you allowed/)).toBeVisible();

  const seeder = await seedInTab(browser, dir, path, data);
  await expectStatus(item, 'Seeding');
  for (const [name, bytes] of data) {
    if (bytes.length === 0) continue;
    expect(await saveFile(peer.page, item, name)).toEqual({ sha256: sha256(bytes), size: bytes.length });
  }
  expect(server!.served).toBeGreaterThan(0);
  expect(server!.served).toBeLessThanOrEqual(budget);
  await peer.context.close();
  await seeder.context.close();
});

test('a video plays from a web seed alone, its single-file URL used as it is', async ({ browser }) => {
  server = await startRangeServer(new Map());
  const path = await clipTorrent(tempDir(), server);
  const peer = await openPeer(browser);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, 'clip.webm');
  await item.getByRole('button', { name: 'Play clip.webm' }).click();
  const video = item.getByLabel('clip.webm', { exact: true });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 60_000 })
    .toBeGreaterThan(2);
  expect(new Set(server.requests.map((request) => request.path))).toEqual(new Set(['/media/a clip.webm']));
  await peer.context.close();
});

for (const scenario of ALONE)
  test(`a download from a web seed alone ${scenario.title}`, async ({ browser }) => {
    const { path, data } = await scenarioTorrent(tempDir(), scenario, (started) => (server = started));
    const peer = await openPeer(browser);
    await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
    const item = torrentItem(peer.page, NAME);
    await expectStatus(item, 'Seeding');
    for (const [name, bytes] of data) {
      if (bytes.length === 0) continue;
      expect(await saveFile(peer.page, item, name)).toEqual({ sha256: sha256(bytes), size: bytes.length });
    }
    scenario.check(server!.requests);
    expectCleanRequests(server!);
    await peer.context.close();
  });

test('a file sent on to a server without CORS, and one redirected in a loop, are dropped from the seed in words', async ({
  browser,
}) => {
  const { path, data } = await redirectingTorrent(tempDir(), (started) => others.push(started));
  const peer = await openPeer(browser);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  await openDetails(item);
  await expect(item.getByText(REDIRECT_WORDS.toNoCors)).toBeVisible({ timeout: 30_000 });
  await expect(item.getByText(REDIRECT_WORDS.loop)).toBeVisible({ timeout: 30_000 });
  // The seed goes on with the file it serves itself.
  const kept = '100% c d.bin';
  expect(await saveFile(peer.page, item, kept)).toEqual({
    sha256: sha256(data.get(kept)!),
    size: data.get(kept)!.length,
  });
  await peer.context.close();
});
