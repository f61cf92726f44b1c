// Web seeds on an https:// page (the app behind a TLS front, https-app.ts): a .torrent naming an http:// seed and an
// https:// one (the range server over TLS). The http:// seed is refused by the app in words before any request (the
// browser itself would allow http://127.0.0.1, a potentially trustworthy origin, so the refusal is the app's), and the
// https:// seed brings the files alone, byte-identical. The refusal's words and that it sends nothing are also
// web/src/net/web-seed-fetch.process.test.ts's.
import { expect, test } from '@playwright/test';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import { expectStatus, openDetails, openPeer, saveFile, sha256, tempDir, torrentItem } from './helpers';
import { HTTPS_LAUNCH_OPTIONS, startHttpsApp } from './https-app';
import { expectCleanRequests } from './webseed-scenarios';
import { NAME, served, webSeededTorrent } from './webseed-torrent';

test.use({ launchOptions: HTTPS_LAUNCH_OPTIONS });

const closing: Array<{ close(): Promise<void> }> = [];
test.afterEach(async () => {
  for (const open of closing.splice(0)) await open.close();
});

test('on an https:// page an http:// web seed is refused in words before any request, and an https:// one brings the files alone', async ({
  browser,
  baseURL,
}) => {
  const { front, certificate } = await startHttpsApp(baseURL!);
  closing.push(front);
  let plain: RangeServer | undefined;
  let secure: RangeServer | undefined;
  const { path, data } = await webSeededTorrent(tempDir(), async (files) => {
    plain = await startRangeServer(served(files));
    closing.push(plain);
    secure = await startRangeServer(served(files), {}, certificate);
    closing.push(secure);
    return [`${plain.origin}/files`, `${secure.origin}/files`];
  });
  expect(secure!.origin).toMatch(/^https:/);
  const peer = await openPeer(browser, `${front.origin}/`);
  expect(new URL(peer.page.url()).protocol).toBe('https:');
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  await openDetails(item);
  await expect(
    item.getByText('The server 127.0.0.1 is not secure (http://), so this secure page cannot use it'),
  ).toBeVisible();
  await expectStatus(item, 'Seeding');
  for (const [name, bytes] of data) {
    if (bytes.length === 0) continue;
    expect(await saveFile(peer.page, item, name)).toEqual({ sha256: sha256(bytes), size: bytes.length });
  }
  expect(plain!.requests).toEqual([]);
  expectCleanRequests(secure!);
  await peer.context.close();
});
