// `Torrent to seed`: a .torrent made anywhere, seeded from the user's copy of its files once every piece matches
// them (read in place where every file has a handle, else copied into storage as it is checked).
import type { TorrentInfo } from '../../../../../shared/codec/metainfo';
import type { AnyMetainfo } from '../../../../../shared/codec/metainfo-v2';
import type { ActionRequest, AddedTorrent, SharedFile } from '../../../lib/messages/actions';
import { storageErrorReason } from '../../../lib/storage/storage';
import { torrentTrackers } from '../../../lib/links/trackers';
import type { PieceStorage } from '../../../../../shared/host/piece-storage';
import { errorMessage } from '../../torrent/errors';
import { ActionError, type ActionContext } from '../action-runner';
import type { ClientCore } from '../client-core';
import type { ShareProgress } from '../share-progress';
import { whileListed } from './in-progress';
import { seedComplete } from './new-torrent';
import { SeedError, checkChosenFiles, matchChosenFiles } from '../../share/seed-check';
import { ensureRoom, newShareStorage } from './storage-claims';
import { readTorrent } from './torrent-reader';

export async function seedTorrent(
  core: ClientCore,
  message: ActionRequest<'seed-torrent'>,
  { requestId, defaultTrackers }: ActionContext,
): Promise<AddedTorrent> {
  const { metainfo, info } = await readTorrent(message.torrent, core.ctx);
  const existing = core.registry.get(info.infoHashHex);
  if (existing)
    throw new ActionError(
      `${existing.record.name} is already in your list: remove it to seed it from your files`,
    );
  const matched = matchFiles(info, message);
  const inPlace = matched.every((entry) => entry.handle !== undefined);
  if (!inPlace) await ensureRoom(core, info.length);
  const { storageId, pieces } = newShareStorage(core, () => info);
  const progress: ShareProgress = {
    requestId,
    name: info.name,
    trackers: torrentTrackers(metainfo.announce.flat(), defaultTrackers),
    total: matched.reduce((sum, entry) => sum + entry.file.size, 0),
    hashed: 0,
    addedAt: Date.now(),
    cancelled: false,
    checking: true,
  };
  await whileListed(core, progress, () => checkFiles(core, metainfo, matched, inPlace, pieces, progress));
  return seedComplete(
    core,
    info,
    { storageId, trackers: progress.trackers, addedAt: progress.addedAt },
    pieces,
    inPlace ? matched : undefined,
    metainfo.pieceLayers,
  );
}

/** The files chosen, one for each of the torrent's files in its order, or the reason they do not fit it. */
function matchFiles(info: TorrentInfo, message: ActionRequest<'seed-torrent'>): SharedFile[] {
  try {
    return matchChosenFiles(
      info,
      message.files,
      message.from === 'folder' ? 'the folder' : 'the files chosen',
    );
  } catch (error) {
    throw new ActionError(errorMessage(error));
  }
}

/** Checks every piece against the files (storing them unless read in place); a failure deletes what was stored. */
async function checkFiles(
  core: ClientCore,
  metainfo: AnyMetainfo,
  matched: SharedFile[],
  inPlace: boolean,
  pieces: PieceStorage,
  progress: ShareProgress,
): Promise<void> {
  try {
    await checkChosenFiles(
      metainfo.info,
      matched.map((entry) => entry.file),
      {
        sha1: core.ctx.sha1,
        sha256: core.ctx.sha256,
        ...(inPlace ? {} : { storePiece: (index, data) => pieces.writePiece(index, data) }),
        onProgress: (checked) => {
          progress.hashed = checked;
        },
        cancelled: () => progress.cancelled,
      },
    );
  } catch (error) {
    await core.storage.deleteStorage(pieces);
    throw new ActionError(error instanceof SeedError ? error.message : storageErrorReason(error));
  }
}
