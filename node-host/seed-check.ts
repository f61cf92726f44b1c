// Which pieces of a torrent the files already on disk hold: each piece against its SHA-1 (v1 and hybrid torrents),
// or, for a v2-only torrent, each file against its `pieces root` (all of its pieces or none). What a seeder starts
// from, and what a restarted download resumes from when no verified map was kept.
import type { TorrentInfo } from '../shared/codec/metainfo';
import type { TorrentInfoV2 } from '../shared/codec/metainfo-v2';
import { leafHashes, rootFromLeaves, equalBytes } from '../shared/hash/merkle';
import type { DiskPieceStorage } from './disk-storage';
import { hashers, sha1Sync } from './hashing';

/** The indices of the pieces whose bytes on disk match the torrent. */
export async function piecesOnDisk(
  storage: DiskPieceStorage,
  info: TorrentInfo,
  v2?: TorrentInfoV2,
): Promise<number[]> {
  if (info.pieces.length > 0) return v1PiecesOnDisk(storage, info);
  return v2 ? v2PiecesOnDisk(storage, v2) : [];
}

async function v1PiecesOnDisk(storage: DiskPieceStorage, info: TorrentInfo): Promise<number[]> {
  const good: number[] = [];
  for (let index = 0; index < info.pieceCount; index++) {
    const data = await storage.readFromDisk(index).catch(() => undefined);
    if (data && equalBytes(sha1Sync(data), info.pieces.subarray(index * 20, index * 20 + 20)))
      good.push(index);
  }
  return good;
}

async function v2PiecesOnDisk(storage: DiskPieceStorage, v2: TorrentInfoV2): Promise<number[]> {
  const good: number[] = [];
  for (const file of v2.files) {
    if (!file.piecesRoot) continue;
    const first = file.offset / v2.pieceLength;
    const leaves: Uint8Array[] = [];
    let readable = true;
    for (let i = 0; i < file.pieceCount && readable; i++) {
      const data = await storage.readFromDisk(first + i).catch(() => undefined);
      if (!data) readable = false;
      else {
        const own = Math.min(v2.pieceLength, file.length - i * v2.pieceLength);
        leaves.push(...(await leafHashes(data.subarray(0, own), hashers.sha256)));
      }
    }
    if (readable && equalBytes(await rootFromLeaves(leaves, hashers.sha256), file.piecesRoot))
      for (let i = 0; i < file.pieceCount; i++) good.push(first + i);
  }
  return good;
}
