// The torrent of the web seed e2e specs (Chromium and Firefox): a hybrid torrent of random files whose names a URL
// must encode, its `url-list` naming the range servers the spec starts (shared/testing/range-server.ts).
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAnyInfo, encodeAnyTorrent } from '../shared/codec/metainfo-v2';
import { WEB_SEED_FILES, WEB_SEED_TORRENT_NAME } from '../shared/engine/testing/web-seed-files';

export const hashers = {
  sha1: async (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
};

export const NAME = WEB_SEED_TORRENT_NAME;

/** A hybrid torrent (pad files between its files) of random files, its `url-list` the URLs `seeds` gives. */
export async function webSeededTorrent(
  dir: string,
  seeds: (files: Map<string, Uint8Array>) => Promise<string[]>,
) {
  const data = new Map(WEB_SEED_FILES.map(([name, length]) => [name, new Uint8Array(randomBytes(length))]));
  const { info, pieceLayers } = await createAnyInfo(
    [...data].map(([name, bytes]) => ({
      path: [name],
      length: bytes.length,
      read: async (offset: number, length: number) => bytes.slice(offset, offset + length),
    })),
    { name: NAME, ...hashers, pieceLength: 256 * 1024 },
  );
  const path = join(dir, 'seeded.torrent');
  const urlList = await seeds(data);
  writeFileSync(path, encodeAnyTorrent({ info, pieceLayers, announce: [], urlList }));
  return { path, data };
}

/** The files as the server holds them, under /files/<name>/. */
export const served = (data: Map<string, Uint8Array>) =>
  new Map([...data].map(([name, bytes]) => [`/files/${NAME}/${name}`, bytes]));
