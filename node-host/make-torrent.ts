// Makes a .torrent of a file or folder on disk the way SwarmDrop's app makes one: v1 (BEP 3), v2-only or hybrid
// (BEP 52, libtorrent's canonical order and pad files). A folder's files are taken in sorted path order.
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInfo } from '../shared/codec/metainfo';
import { createAnyInfo, encodeAnyTorrent } from '../shared/codec/metainfo-v2';
import { encodeTorrent } from '../shared/codec/torrent-file';
import type { SourceFile } from '../shared/codec/source-files';
import { hashers } from './hashing';

export type TorrentKind = 'v1' | 'v2' | 'hybrid';

/** The .torrent's bytes for the file or folder at `path`. */
export async function makeTorrent(
  path: string,
  options: { kind: TorrentKind; pieceLength: number; announce?: string[][] },
): Promise<Uint8Array> {
  const name = basename(path);
  const files = (await stat(path)).isDirectory()
    ? await folderFiles(path, [])
    : [await diskFile(path, [name])];
  const announce = options.announce ?? [];
  if (options.kind === 'v1') {
    const info = await createInfo(files, { name, sha1: hashers.sha1, pieceLength: options.pieceLength });
    return encodeTorrent({ info, announce });
  }
  const { info, pieceLayers } = await createAnyInfo(files, {
    name,
    ...hashers,
    version: options.kind,
    pieceLength: options.pieceLength,
  });
  return encodeAnyTorrent({ info, pieceLayers, announce });
}

async function folderFiles(folder: string, prefix: string[]): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await folderFiles(path, [...prefix, entry.name])));
    else if (entry.isFile()) files.push(await diskFile(path, [...prefix, entry.name]));
  }
  return files;
}

async function diskFile(path: string, inTorrent: string[]): Promise<SourceFile> {
  const { size } = await stat(path);
  return {
    path: inTorrent,
    length: size,
    async read(offset, length) {
      const handle = await open(path, 'r');
      try {
        const out = new Uint8Array(length);
        const { bytesRead } = await handle.read(out, 0, length, offset);
        return out.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}
