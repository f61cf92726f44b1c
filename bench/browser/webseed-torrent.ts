// The webseed bench's torrents: a hybrid torrent of one file with no tracker, its `url-list` the file's URL on the
// range server, written to a temporary folder for the app's `Open .torrent file`.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnyInfo, encodeAnyTorrent } from '../../shared/codec/metainfo-v2';

const hashers = {
  sha1: async (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: async (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
};

export interface SeedTorrent {
  /** Its temporary folder (the caller removes it). */
  dir: string;
  /** The .torrent file. */
  path: string;
  /** The .torrent file's bytes. */
  file: Uint8Array;
}

/** A hybrid torrent of `bytes` named `name`, its url-list `url` (`pieceLength`: by default the app's choice). */
export async function seedTorrent(
  name: string,
  bytes: Uint8Array,
  url: string,
  pieceLength?: number,
): Promise<SeedTorrent> {
  const { info, pieceLayers } = await createAnyInfo(
    [{ path: [name], length: bytes.length, read: async (o: number, n: number) => bytes.slice(o, o + n) }],
    { name, ...hashers, ...(pieceLength ? { pieceLength } : {}) },
  );
  const dir = mkdtempSync(join(tmpdir(), 'swarmdrop-bench-webseed-'));
  const path = join(dir, `${name}.torrent`);
  const file = encodeAnyTorrent({ info, pieceLayers, announce: [], urlList: [url] });
  writeFileSync(path, file);
  return { dir, path, file };
}
