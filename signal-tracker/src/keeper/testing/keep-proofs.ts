// A keep's proof as a tab makes it: the bytes of the piece the keeper's challenge names, read here from the share's
// files on disk (in a tab, the engine's piece storage serves them).
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { readTorrent } from '../../../../node-host/torrent-source';
import { pieceSize } from '../../../../shared/codec/metainfo';
import type { Challenge } from '../keep-proof';

/** Piece `index` of `torrent`, its files in `folder` (pad files and past-the-end padding read as zeros). */
export async function pieceFromDisk(folder: string, torrent: Uint8Array, index: number): Promise<Uint8Array> {
  const { info } = await readTorrent(torrent);
  const start = index * info.pieceLength;
  const bytes = new Uint8Array(pieceSize(info, index));
  for (const file of info.files) {
    const from = Math.max(start, file.offset);
    const to = Math.min(start + bytes.length, file.offset + file.length);
    if (file.pad || to <= from) continue;
    const path = info.multiFile ? join(folder, info.name, ...file.path) : join(folder, ...file.path);
    const handle = await open(path, 'r');
    try {
      await handle.read(bytes, from - start, to - from, from - file.offset);
    } finally {
      await handle.close();
    }
  }
  return bytes;
}

/** The proof a keep request carries for `challenge`: the piece it names, in base64. */
export async function proofFor(folder: string, torrent: Uint8Array, challenge: Challenge) {
  const bytes = await pieceFromDisk(folder, torrent, challenge.piece);
  return { ...challenge, bytes: Buffer.from(bytes).toString('base64') };
}
