// BitTorrent v2 without v1 between tabs: a hybrid share whose magnet link is cut to its btmh part (the joining tab
// finds the seeder by the truncated v2 hash, checks the metadata by its SHA-256 and every piece against its file's
// tree), and a v2-only .torrent made by libtorrent 2.0 (Debian's python3-libtorrent), seeded by one tab from its
// folder and downloaded byte-identical by another from the .torrent and by a third from its btmh-only magnet link.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { formatMagnet, parseMagnet } from '../shared/codec/magnet';
import { libtorrentMissing, ltCreate } from '../shared/testing/libtorrent';
import {
  expectStatus,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  startDownload,
  tempDir,
  torrentItem,
} from './helpers';

test('a magnet with only btmh downloads a share byte-identical', async ({ browser }) => {
  const dir = tempDir();
  const file = randomFile(dir, 'clip.bin', 3 * 1024 * 1024 + 777);
  const a = await openPeer(browser);
  const magnet = await shareFiles(a.page, file.path, 'clip.bin');
  const hybrid = parseMagnet(magnet);
  expect(hybrid.infoHashV2).toBeDefined();
  const cut = formatMagnet({ infoHashV2: hybrid.infoHashV2, v2Only: true });
  expect(cut).toBe(`magnet:?xt=urn:btmh:1220${hybrid.infoHashV2Hex}`);

  const b = await openPeer(browser);
  await startDownload(b.page, cut);
  const item = torrentItem(b.page, 'clip.bin');
  await expectStatus(item, 'Seeding');
  expect(await saveFile(b.page, item, 'clip.bin')).toEqual({ sha256: file.sha256, size: file.bytes.length });
  // Once the metadata is known its magnet link names both hashes of the hybrid.
  const own = parseMagnet(await item.getByLabel('Magnet link').inputValue());
  expect(own.infoHashHex).toBe(hybrid.infoHashHex);
  expect(own.infoHashV2Hex).toBe(hybrid.infoHashV2Hex);
  await b.context.close();
  await a.context.close();
});

test('a v2-only .torrent made by libtorrent, seeded from its folder, downloads from the .torrent and from its btmh link', async ({
  browser,
}) => {
  test.skip(libtorrentMissing !== undefined, libtorrentMissing ?? '');
  const dir = tempDir();
  const files = [
    randomFile(dir, 'set/clip.bin', 2 * 1024 * 1024 + 12_345),
    randomFile(dir, 'set/docs/notes.txt', 300_001),
  ];
  const torrent = join(dir, 'set.torrent');
  const lt = await ltCreate(join(dir, 'set'), 256 * 1024, 'v2', torrent);
  expect(lt.v1).toBeNull();

  const seeder = await openPeer(browser);
  await seeder.page.getByLabel('Torrent to seed').setInputFiles(torrent);
  await seeder.page.getByLabel('Folder to seed it from').setInputFiles(join(dir, 'set'));
  const item = torrentItem(seeder.page, 'set');
  await expectStatus(item, 'Seeding', 60_000);
  // Its magnet link carries the v2 hash alone.
  const field = item.getByLabel('Magnet link');
  await expect(field).toHaveValue(new RegExp(`^magnet:\\?xt=urn:btmh:1220${lt.v2}&`));
  const magnet = await field.inputValue();

  const byTorrent = await openPeer(browser);
  await byTorrent.page.getByLabel('Open .torrent file').setInputFiles(torrent);
  const byLink = await openPeer(browser);
  await startDownload(byLink.page, magnet);
  for (const peer of [byTorrent, byLink]) {
    const got = torrentItem(peer.page, 'set');
    await expectStatus(got, 'Seeding');
    for (const file of files) {
      const path = file.path.slice(join(dir, 'set').length + 1);
      expect(await saveFile(peer.page, got, path)).toEqual({ sha256: file.sha256, size: file.bytes.length });
    }
  }
  await byLink.context.close();
  await byTorrent.context.close();
  await seeder.context.close();
});
