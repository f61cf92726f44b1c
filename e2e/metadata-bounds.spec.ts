// Metadata over the bounds from a stranger (docs/security.md, "How large a torrent may be"): a tab opens a btmh-only
// magnet link, whose confirmation cannot show a size, and a Node peer on WebRTC serves it a valid 160-byte v2 info
// dictionary of a 2^40-byte file (2^26 pieces of 16 KiB). The torrent is refused in words on its own item, and
// another download in the same tab completes byte-identical.
import { expect, test } from '@playwright/test';
import { encode, utf8ToBytes } from '../shared/codec/bencode';
import { formatMagnet } from '../shared/codec/magnet';
import { sha256Sync } from '../shared/testing/sha256';
import { serveMetadata, type MetadataPeer } from './metadata-peer';
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

/** A v2-only info dictionary of one file of 2^40 bytes in 16 KiB pieces (its pieces root made up: nobody checks a
 * piece of it). */
function hugeInfo(): Uint8Array {
  const root = crypto.getRandomValues(new Uint8Array(32));
  return encode({
    'file tree': { 'huge.bin': { '': { length: 2 ** 40, 'pieces root': root } } },
    'meta version': 2,
    name: utf8ToBytes('huge.bin'),
    'piece length': 16 * 1024,
  });
}

let stranger: MetadataPeer | undefined;
test.afterEach(async () => {
  await stranger?.stop();
  stranger = undefined;
});

test('a v2 torrent over the bounds is refused in words, and another download in the tab completes', async ({
  browser,
  baseURL,
}) => {
  const infoBytes = hugeInfo();
  expect(infoBytes.length).toBeLessThan(160);
  const infoHashV2 = sha256Sync(infoBytes);
  const tracker = `ws://${new URL(baseURL!).host}/`;
  stranger = serveMetadata(tracker, infoHashV2.slice(0, 20), infoBytes);

  const victim = await openPeer(browser);
  const link = formatMagnet({ infoHashV2, v2Only: true, name: 'huge.bin' });
  expect(link).toMatch(/^magnet:\?xt=urn:btmh:1220[0-9a-f]{64}&dn=huge\.bin$/);
  await startDownload(victim.page, link);
  const huge = torrentItem(victim.page, 'huge.bin');
  await expect(
    huge.getByRole('alert').filter({
      hasText:
        'Error: This torrent is too large for this app: it is split into 67,108,864 pieces, and the most it takes is 419,430',
    }),
  ).toBeVisible({ timeout: 60_000 });
  expect(stranger.served()).toBeGreaterThan(0);

  // The tab goes on: a share from another tab downloads byte-identical.
  const file = randomFile(tempDir(), 'other.bin', 200 * 1024);
  const sharer = await openPeer(browser);
  const magnet = await shareFiles(sharer.page, file.path, 'other.bin');
  await startDownload(victim.page, magnet);
  const other = torrentItem(victim.page, 'other.bin');
  await expectStatus(other, 'Seeding');
  expect(await saveFile(victim.page, other, 'other.bin')).toEqual({
    sha256: file.sha256,
    size: file.bytes.length,
  });
  await expect(huge.getByRole('alert')).toContainText('too large for this app');
  await sharer.context.close();
  await victim.context.close();
});
