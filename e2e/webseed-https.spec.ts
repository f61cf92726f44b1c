// Web seeds on an https:// page (the app behind a TLS front, https-app.ts): an http:// seed is refused by the app
// in words before any request (the browser itself would allow http://127.0.0.1, a potentially trustworthy origin, so
// the refusal is the app's), and a peer still brings the files byte-identical; an https:// seed (the range server
// over TLS) brings them alone.
import { expect, test } from '@playwright/test';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import type { Certificate, TlsFront } from '../shared/testing/self-signed';
import { expectStatus, openDetails, openPeer, saveFile, sha256, tempDir, torrentItem } from './helpers';
import { HTTPS_LAUNCH_OPTIONS, startHttpsApp } from './https-app';
import { expectCleanRequests } from './webseed-scenarios';
import { NAME, seedInTab, served, webSeededTorrent } from './webseed-torrent';

test.use({ launchOptions: HTTPS_LAUNCH_OPTIONS });
test.describe.configure({ timeout: 180_000 });

let front: TlsFront | undefined;
let certificate: Certificate;
let server: RangeServer | undefined;
test.beforeAll(async () => {
  ({ front, certificate } = await startHttpsApp());
});
test.afterAll(async () => {
  await front?.close();
});
test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('an http:// web seed on an https:// page is refused in words before any request, and a peer brings the files', async ({
  browser,
}) => {
  const dir = tempDir();
  const { path, data } = await webSeededTorrent(dir, async (files) => {
    server = await startRangeServer(served(files));
    return `${server.origin}/files`;
  });
  const peer = await openPeer(browser, `${front!.origin}/`);
  expect(new URL(peer.page.url()).protocol).toBe('https:');
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  await openDetails(item);
  await expect(
    item.getByText('The server 127.0.0.1 is not secure (http://), so this secure page cannot use it'),
  ).toBeVisible({ timeout: 30_000 });

  const seeder = await seedInTab(browser, dir, path, data);
  await expectStatus(item, 'Seeding');
  for (const [name, bytes] of data) {
    if (bytes.length === 0) continue;
    expect(await saveFile(peer.page, item, name)).toEqual({ sha256: sha256(bytes), size: bytes.length });
  }
  expect(server!.requests).toEqual([]);
  await peer.context.close();
  await seeder.context.close();
});

test('an https:// web seed on an https:// page brings the files alone', async ({ browser }) => {
  const { path, data } = await webSeededTorrent(tempDir(), async (files) => {
    server = await startRangeServer(served(files), {}, certificate);
    return `${server.origin}/files`;
  });
  expect(server!.origin).toMatch(/^https:/);
  const peer = await openPeer(browser, `${front!.origin}/`);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  await expectStatus(item, 'Seeding');
  for (const [name, bytes] of data) {
    if (bytes.length === 0) continue;
    expect(await saveFile(peer.page, item, name)).toEqual({ sha256: sha256(bytes), size: bytes.length });
  }
  expectCleanRequests(server!);
  await peer.context.close();
});
