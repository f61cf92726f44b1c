// A hybrid share between two tabs with BitTorrent v2 on: B opens A's .torrent stripped of its piece layers, asks A
// for them over the wire (the hash exchange, BEP 52), checks each piece by its 16 KiB blocks' SHA-256 in its worker,
// and ends with the file byte-identical and the layers kept (its own .torrent carries them; the engine test
// `hash-exchange.test.ts` holds that layers proved after the download completed are still reported to be kept).
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeAnyTorrent, parseAnyTorrent } from '../shared/codec/metainfo-v2';
import {
  expectStatus,
  openDetails,
  openPeer,
  randomFile,
  saveFile,
  shareFiles,
  tempDir,
  torrentItem,
} from './helpers';
import type { Page } from '@playwright/test';

const hashers = {
  sha1: async (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
};

/** The torrent's .torrent as the app hands it out, saved to `path`. */
async function savedTorrent(page: Page, name: string, path: string): Promise<Uint8Array> {
  await openDetails(torrentItem(page, name));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    torrentItem(page, name).getByRole('button', { name: 'Download .torrent' }).click(),
  ]);
  await download.saveAs(path);
  return new Uint8Array(readFileSync(path));
}

test('a hybrid share downloads byte-identical with v2 on: the piece layers come from the seeding tab', async ({
  browser,
}) => {
  const dir = tempDir();
  const file = randomFile(dir, 'clip.bin', 3 * 1024 * 1024 + 777);
  const a = await openPeer(browser);
  await shareFiles(a.page, file.path, 'clip.bin');
  const handed = await parseAnyTorrent(
    await savedTorrent(a.page, 'clip.bin', join(dir, 'a.torrent')),
    hashers,
  );
  expect(handed.info.version).toBe('hybrid');
  expect(handed.pieceLayers.size).toBe(1);

  // B gets the info alone: the piece layer must come from A.
  const bare = join(dir, 'bare.torrent');
  writeFileSync(bare, encodeAnyTorrent({ info: handed.info, announce: handed.announce }));
  const b = await openPeer(browser);
  await b.page.getByLabel('Open .torrent file').setInputFiles(bare);
  const item = torrentItem(b.page, 'clip.bin');
  await expectStatus(item, 'Seeding');
  expect(await saveFile(b.page, item, 'clip.bin')).toEqual({ sha256: file.sha256, size: file.bytes.length });

  // The layers may be proved after the last piece (a hybrid's pieces are checked by SHA-1 until they come): B's
  // .torrent carries them once they are, whenever that is.
  const ownLayers = async () =>
    (await parseAnyTorrent(await savedTorrent(b.page, 'clip.bin', join(dir, 'b.torrent')), hashers))
      .pieceLayers;
  await expect.poll(ownLayers, { timeout: 15_000 }).toEqual(handed.pieceLayers);
  await b.context.close();
  await a.context.close();
});
