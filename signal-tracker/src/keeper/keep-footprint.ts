// The bytes a kept share can take on the keeper's disk: every file it writes (the share's files, its stored .torrent,
// its verified-piece map, its folders and its line of keeps.json), each rounded up to whole blocks, since a file of
// one byte takes a block. The quota counts this, not the share's length: a .torrent padded outside its info
// dictionary, or a share of many tiny files, costs what it takes.
import type { TorrentInfo } from '../../../shared/codec/metainfo';

/** The filesystem block every file is rounded up to (ext4's and tmpfs's page). */
export const BLOCK_BYTES = 4096;
/** A record's share of keeps.json, written twice while it is replaced through a rename. */
const RECORD_BYTES = 2 * 1024;

const blocks = (bytes: number): number => Math.max(1, Math.ceil(bytes / BLOCK_BYTES)) * BLOCK_BYTES;

/** The folders a share's files lie in, besides its own folder, its files folder and the torrent's name folder. */
function folderCount(info: TorrentInfo): number {
  const folders = new Set<string>();
  for (const file of info.files)
    for (let depth = 1; depth < file.path.length; depth++) folders.add(file.path.slice(0, depth).join('/'));
  return folders.size;
}

/** The bytes `info`'s share takes on the keeper's disk with a stored .torrent of `torrentBytes`. */
export function shareFootprint(info: TorrentInfo, torrentBytes: number): number {
  let files = 0;
  for (const file of info.files) if (!file.pad) files += blocks(file.length);
  // The verified map is replaced through a rename: two copies at a time.
  const verified = 2 * blocks(Math.ceil(info.pieceCount / 8));
  const folders = (3 + folderCount(info)) * BLOCK_BYTES;
  return files + blocks(torrentBytes) + verified + folders + RECORD_BYTES;
}
