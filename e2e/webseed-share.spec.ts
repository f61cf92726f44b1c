// Making a web-seeded share: `Also at` in Send names a range server on loopback (started here) that holds the same
// file; the share's magnet link carries it as `ws=` and its .torrent as `url-list`, so a second tab opening that
// .torrent after the sharing tab closed downloads the file byte-identical from the server alone; with the .torrent put
// beside the files, the share link itself (its `xs=`) does so too, with no peer online. An encrypted share
// offers its copy for a web server (the ciphertext the swarm holds): served from the range server, it gives a tab
// with the share link the real file once the sharer has left.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTorrentEnvelope } from '../shared/codec/torrent-file';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import {
  expectStatus,
  openDetails,
  openPeer,
  randomFile,
  saveFile,
  seriousViolations,
  sha256,
  shareFiles,
  shareFolder,
  tempDir,
  torrentItem,
  torrents,
  TRANSFER_TIMEOUT,
} from './helpers';
import { encryptedShareOnServer } from './webseed-scenarios';

let server: RangeServer | undefined;
test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

test('a share names a server that holds its file, and a tab downloads from it alone after the sharer left', async ({
  browser,
}) => {
  const dir = tempDir();
  const name = 'also at é.bin';
  const file = randomFile(dir, name, 2 * 1024 * 1024 + 333);
  server = await startRangeServer(new Map([[`/shared/${name}`, file.bytes]]));
  const url = `${server.origin}/shared/${encodeURIComponent(name)}`;

  const sharer = await openPeer(browser);
  await sharer.page.getByText('Also at other servers').click();
  await sharer.page.getByLabel('Also at (one web address a line)').fill(url);
  expect(await seriousViolations(sharer.page)).toEqual([]);
  const magnet = await shareFiles(sharer.page, file.path, name);
  expect(new URL(magnet).searchParams.getAll('ws')).toEqual([url]);
  const item = torrentItem(sharer.page, name);
  await openDetails(item);
  const [download] = await Promise.all([
    sharer.page.waitForEvent('download'),
    item.getByRole('button', { name: 'Download .torrent' }).click(),
  ]);
  const torrentPath = join(dir, 'shared.torrent');
  await download.saveAs(torrentPath);
  expect(readTorrentEnvelope(new Uint8Array(readFileSync(torrentPath))).urlList).toEqual([url]);
  await sharer.context.close();

  const peer = await openPeer(browser);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(torrentPath);
  const got = torrentItem(peer.page, name);
  await expectStatus(got, 'Seeding');
  expect(await saveFile(peer.page, got, name)).toEqual({ sha256: file.sha256, size: file.bytes.length });
  expect(server.requests.filter((request) => request.method === 'GET').length).toBeGreaterThan(0);
  await peer.context.close();
});

test('a share link whose files and .torrent are on a server starts and finishes from it with nobody online', async ({
  browser,
}) => {
  const dir = tempDir();
  const folder = 'trip é #1';
  const files = [
    randomFile(dir, `${folder}/a b.bin`, 700_000),
    randomFile(dir, `${folder}/c/d.bin`, 300_001),
  ];
  server = await startRangeServer(
    new Map([
      [`/shared/${folder}/a b.bin`, files[0].bytes],
      [`/shared/${folder}/c/d.bin`, files[1].bytes],
    ]),
  );
  const sharer = await openPeer(browser);
  await sharer.page.getByText('Also at other servers').click();
  await sharer.page.getByLabel('Also at (one web address a line)').fill(`${server.origin}/shared/`);
  const magnet = await shareFolder(sharer.page, join(dir, folder), folder);
  const torrentUrl = `${server.origin}/shared/${encodeURIComponent(folder)}.torrent`;
  expect(new URL(magnet).searchParams.get('xs')).toBe(torrentUrl);
  // The sharer puts the share's .torrent beside its files, as the README says.
  const item = torrentItem(sharer.page, folder);
  await openDetails(item);
  const [download] = await Promise.all([
    sharer.page.waitForEvent('download'),
    item.getByRole('button', { name: 'Download .torrent' }).click(),
  ]);
  server.files.set(`/shared/${folder}.torrent`, new Uint8Array(readFileSync(await download.path())));
  await sharer.context.close();

  const peer = await openPeer(browser, `/#${encodeURIComponent(magnet)}`);
  const dialog = peer.page.getByRole('dialog');
  await expect(dialog).toContainText(`${folder}.torrent from 127.0.0.1, asked first`);
  await dialog.getByRole('button', { name: 'Download', exact: true }).click();
  const got = torrentItem(peer.page, folder);
  await expectStatus(got, 'Seeding');
  for (const file of files) {
    const path = file.path.slice(join(dir, folder).length + 1);
    expect(await saveFile(peer.page, got, path)).toEqual({ sha256: file.sha256, size: file.bytes.length });
  }
  expect(server.requests.map((request) => request.path)).toContain(`/shared/${folder}.torrent`);
  expect(server.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
  await peer.context.close();
});

test("an encrypted share's copy for a web server holds no plaintext, and a tab with the share link downloads the file from it", async ({
  browser,
}) => {
  const name = 'secret é.txt';
  server = await startRangeServer(new Map());
  const sharer = await encryptedShareOnServer(browser, tempDir(), name, server);

  // The sharer gives the metadata, barely any piece, then leaves: the pieces come from the server.
  const peer = await openPeer(browser, sharer.fragment);
  await peer.page.getByRole('dialog').getByRole('button', { name: 'Download', exact: true }).click();
  const got = torrents(peer.page).getByRole('listitem').first();
  await expect
    .poll(async () => Number(await got.getAttribute('data-pieces')), { timeout: TRANSFER_TIMEOUT })
    .toBeGreaterThan(0);
  await sharer.context.close();
  await expectStatus(torrentItem(peer.page, name), 'Seeding');
  expect(await saveFile(peer.page, torrentItem(peer.page, name), name)).toEqual({
    sha256: sha256(sharer.plain),
    size: sharer.plain.length,
  });
  expect(server.served).toBeGreaterThan(0);
  await peer.context.close();
});
