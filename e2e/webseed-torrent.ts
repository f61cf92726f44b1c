// The torrent of the web seed e2e specs (Chromium and Firefox): a hybrid torrent of random files whose names a URL
// must encode, its `url-list` naming a range server the spec starts (shared/testing/range-server.ts).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Browser } from '@playwright/test';
import { openPeer } from './helpers';
import { join } from 'node:path';
import { createAnyInfo, encodeAnyTorrent } from '../shared/codec/metainfo-v2';
import type { RecordedRequest } from '../shared/testing/range-server';

export const hashers = {
  sha1: async (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
};

export const NAME = 'web seed #1 é';
/** Names a URL must encode: `#`, `?`, `%`, spaces and accents; one empty file. */
const FILES: Array<[string, number]> = [
  ['a #b?.bin', 1_300_000],
  ['empty.txt', 0],
  ['100% c d.bin', 2_500_000],
  ['été ü.bin', 333_333],
];

/** A hybrid torrent (pad files between its files) of random files, its `url-list` pointing at `seed`. */
export async function webSeededTorrent(
  dir: string,
  seed: (files: Map<string, Uint8Array>) => Promise<string>,
) {
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
export const served = (data: Map<string, Uint8Array>) =>
  new Map([...data].map(([name, bytes]) => [`/files/${NAME}/${name}`, bytes]));

/** The files as the server holds them, with one byte of `name` changed. */
export function servedAltered(data: Map<string, Uint8Array>, name: string): Map<string, Uint8Array> {
  const onServer = served(data);
  const wrong = new Uint8Array(data.get(name)!);
  wrong[1000] ^= 0xff;
  onServer.set(`/files/${NAME}/${name}`, wrong);
  return onServer;
}

/** A Chromium tab that seeds the torrent from the right files (`Torrent to seed`, `Folder to seed it from`). */
export async function seedInTab(
  browser: Browser,
  dir: string,
  torrent: string,
  data: Map<string, Uint8Array>,
) {
  const folder = join(dir, NAME);
  mkdirSync(folder);
  for (const [name, bytes] of data) writeFileSync(join(folder, name), bytes);
  const seeder = await openPeer(browser);
  await seeder.page.getByLabel('Torrent to seed').setInputFiles(torrent);
  await seeder.page.getByLabel('Folder to seed it from').setInputFiles(folder);
  return seeder;
}

/** The bytes of the file at a path ending in `name` that some request asked for again: after a bad piece a seed is
 * never asked for that file again, though a session starting mid-file (a random piece) asks its two parts apart. */
export function askedAgain(requests: readonly RecordedRequest[], name: string): Array<[number, number]> {
  const ranges = requests
    .filter((request) => request.method === 'GET' && request.path.endsWith(name))
    .map((request): [number, number] => {
      const match = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers.range ?? ''));
      return match ? [Number(match[1]), Number(match[2])] : [0, Infinity];
    })
    .sort((a, b) => a[0] - b[0]);
  return ranges.filter((range, i) => i > 0 && range[0] <= ranges[i - 1][1]);
}
