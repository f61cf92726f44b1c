// Web seeds (BEP 19) in the browser: a .torrent whose `url-list` names a range server on loopback (started here,
// shared/testing/range-server.ts) downloads with no peer at all, byte-identical, through the worker's fetch with a
// lone Range header (so no CORS preflight: no OPTIONS request ever reaches the server), never asking for a pad file
// or an empty file; a server that sends no CORS header is named on the torrent in words.
import { expect, test } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAnyInfo, encodeAnyTorrent } from '../shared/codec/metainfo-v2';
import { startRangeServer, type RangeServer } from '../shared/testing/range-server';
import { expectStatus, openPeer, saveFile, sha256, tempDir, torrentItem } from './helpers';

test.describe.configure({ timeout: 180_000 });

const hashers = {
  sha1: async (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
};

const NAME = 'web seed #1 é';
/** Names a URL must encode: `#`, `?`, `%`, spaces and accents; one empty file. */
const FILES: Array<[string, number]> = [
  ['a #b?.bin', 1_300_000],
  ['empty.txt', 0],
  ['100% c d.bin', 2_500_000],
  ['été ü.bin', 333_333],
];

let server: RangeServer | undefined;
test.afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A hybrid torrent (pad files between its files) of random files, its `url-list` pointing at `seed`. */
async function webSeededTorrent(dir: string, seed: (files: Map<string, Uint8Array>) => Promise<string>) {
  const data = new Map(FILES.map(([name, length]) => [name, new Uint8Array(randomBytes(length))]));
  const { info, pieceLayers } = await createAnyInfo(
    [...data].map(([name, bytes]) => ({
      path: [name],
      length: bytes.length,
      read: async (offset: number, length: number) => bytes.slice(offset, offset + length),
    })),
    { name: NAME, ...hashers, pieceLength: 256 * 1024 },
  );
  const path = join(dir, 'seeded.torrent');
  const urlList = [await seed(data)];
  writeFileSync(path, encodeAnyTorrent({ info, pieceLayers, announce: [], urlList }));
  return { path, data };
}

/** The files as the server holds them, under /files/<name>/. */
const served = (data: Map<string, Uint8Array>) =>
  new Map([...data].map(([name, bytes]) => [`/files/${NAME}/${name}`, bytes]));

test('a torrent downloads from its web seed alone, byte-identical, with no preflight and no pad file asked', async ({
  browser,
}) => {
  const dir = tempDir();
  const { path, data } = await webSeededTorrent(dir, async (files) => {
    server = await startRangeServer(served(files));
    return `${server.origin}/files`;
  });
  const peer = await openPeer(browser);
  await peer.page.getByLabel('Open .torrent file').setInputFiles(path);
  const item = torrentItem(peer.page, NAME);
  await expectStatus(item, 'Seeding');
  for (const [name, bytes] of data) {
    if (bytes.length === 0) continue;
    expect(await saveFile(peer.page, item, name)).toEqual({ sha256: sha256(bytes), size: bytes.length });
  }
  const requests = server!.requests;
  expect(requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
  for (const request of requests) {
    expect(request.path.startsWith(`/files/${NAME}/`)).toBe(true);
    expect(request.path).not.toMatch(/\.pad|empty\.txt/);
  }
  await peer.context.close();
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
  await item.getByText(/^Swarm:/).click();
  await expect(item.getByText('The server 127.0.0.1 does not let this site read it')).toBeVisible({
    timeout: 30_000,
  });
  expect(server!.requests.filter((request) => request.method === 'OPTIONS')).toEqual([]);
  await peer.context.close();
});
