// The one reader of .torrent files, for every way one comes in (`Open .torrent file`, `Torrent to seed`): the
// metainfo, the view the engine runs it by, and the user's words when it is not a .torrent.
import type { TorrentInfo } from '../../../../../shared/codec/metainfo';
import { parseAnyTorrent, type AnyMetainfo } from '../../../../../shared/codec/metainfo-v2';
import { TorrentTooLargeError } from '../../../../../shared/codec/torrent-bounds';
import { v2PieceMap } from '../../../../../shared/codec/v2-pieces';
import type { HostContext } from '../../torrent/context';
import { errorMessage } from '../../torrent/errors';
import { ActionError } from '../action-runner';
import { torrentFileReason } from '../../../lib/ui/torrent-file-reason';

export { torrentFileReason };

export interface ReadTorrent {
  metainfo: AnyMetainfo;
  /** A v1 or hybrid torrent runs by its v1 view; a v2-only one by its piece map, under its truncated v2 hash. */
  info: TorrentInfo;
}

/** Reads a .torrent file; throws an ActionError saying why it is not a valid one. */
export async function readTorrent(
  bytes: ArrayBuffer,
  hashers: Pick<HostContext, 'sha1' | 'sha256'>,
): Promise<ReadTorrent> {
  let metainfo: AnyMetainfo;
  try {
    metainfo = await parseAnyTorrent(new Uint8Array(bytes), { sha1: hashers.sha1, sha256: hashers.sha256 });
  } catch (error) {
    // A valid torrent over the bounds (torrent-bounds.ts) says so itself: it is no fault of the file.
    if (error instanceof TorrentTooLargeError) throw new ActionError(error.message);
    throw new ActionError(`Not a valid .torrent file: ${torrentFileReason(errorMessage(error))}`);
  }
  return { metainfo, info: metainfo.info.v1 ?? v2PieceMap(metainfo.info.v2!) };
}
