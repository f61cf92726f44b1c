// The piece map of a torrent run by its v2 view alone (BEP 52): a v2-only torrent, or any v2 torrent joined by a
// btmh-only magnet link. The engine keys its pieces on a TorrentInfo; this one is derived from the file tree: every
// file starts on a piece boundary (pieces never span files), the gaps are pad files of zeros as in a hybrid (the last
// file padded to a whole piece too; a v2-only torrent's single file as well, as libtorrent 2.0 lays it out and
// requests its last piece, while a hybrid's single file ends short, as its v1 view does), and there are no SHA-1 piece hashes (`pieces` is empty): each piece is checked against its file's merkle tree only.
import { toHex } from './hex';
import {
  MetainfoError,
  decodeInfoDict,
  parseVerifiedInfo,
  type FileEntry,
  type TorrentInfo,
} from './metainfo';
import { parseVerifiedV2, type TorrentInfoV2 } from './metainfo-v2';

/** A torrent run by its v2 view: no SHA-1 piece hashes, every piece checked against its file's tree. */
export function isTreeOnly(info: TorrentInfo): boolean {
  return info.pieces.length === 0;
}

/**
 * The engine's view of a torrent run by its v2 view: known by the truncated v2 info hash, its files in canonical
 * order, each followed by a pad file up to its next piece boundary, the last one included, as libtorrent lays out a
 * v2 torrent (a v2-only torrent's single file too: libtorrent 2.0 asks for its last piece whole, the pad's zeros
 * included; a hybrid's single file has none, its v1 view's last piece being short).
 */
export function v2PieceMap(v2: TorrentInfoV2): TorrentInfo {
  const files: FileEntry[] = [];
  let offset = 0;
  for (const file of v2.files) {
    if (file.offset !== offset && file.length > 0)
      throw new MetainfoError(`"${file.path.join('/')}" does not start on its piece boundary`);
    files.push({ path: file.path, length: file.length, offset });
    offset += file.length;
    const aligned = file.offset + file.pieceCount * v2.pieceLength;
    if ((v2.multiFile || !v2.hybrid) && file.length > 0 && aligned > offset) {
      files.push({ path: ['.pad', String(aligned - offset)], length: aligned - offset, offset, pad: true });
      offset = aligned;
    }
  }
  return {
    infoHash: v2.truncatedInfoHash,
    infoHashHex: v2.truncatedInfoHashHex,
    name: v2.name,
    pieceLength: v2.pieceLength,
    pieceCount: v2.pieceCount,
    pieces: new Uint8Array(0),
    length: offset,
    files,
    multiFile: v2.multiFile,
    infoBytes: v2.infoBytes,
    private: v2.private,
  };
}

/**
 * The engine's view of an info dictionary kept under `infoHash` after it was checked (the service worker reads the
 * torrents' records): the piece map when that is the truncated v2 hash (a v2-only torrent, or a torrent added by a
 * btmh-only magnet link), else the v1 view. `sha256` (synchronous) hashes the dictionary in the first case only.
 * Throws MetainfoError.
 */
export function storedInfo(
  infoBytes: Uint8Array,
  infoHash: Uint8Array,
  sha256: (data: Uint8Array) => Uint8Array,
): TorrentInfo {
  const dict = decodeInfoDict(infoBytes);
  if (dict['meta version'] === 2) {
    const digest = sha256(infoBytes);
    if (toHex(digest.subarray(0, 20)) === toHex(infoHash))
      return v2PieceMap(parseVerifiedV2(infoBytes, digest));
  }
  return parseVerifiedInfo(infoBytes, infoHash);
}
