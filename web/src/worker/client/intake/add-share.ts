// `Share`: the user's files made into a new torrent and seeded. Files that all come with a persistent handle are read
// in place (nothing copied); the others are hashed into storage. A private share is sealed under a fresh key first.
import { choosePieceLength, type TorrentInfo } from '../../../../../shared/codec/metainfo';
import { webSeedList } from '../../../../../shared/codec/web-seeds';
import { PRIVATE_SHARE_NAME } from '../../../../../shared/private-share/private-share';
import type { ActionRequest, AddedTorrent } from '../../../lib/messages/actions';
import { storageErrorReason } from '../../../lib/storage/storage';
import { torrentTrackers } from '../../../lib/links/trackers';
import type { PieceStorage } from '../../../../../shared/host/piece-storage';
import { sealShare, type SealedShare } from '../../share/seal-share';
import { NOTHING_TO_SHARE } from '../../share/share-files';
import { errorMessage } from '../../torrent/errors';
import { ActionError, type ActionContext } from '../action-runner';
import type { ClientCore } from '../client-core';
import type { ShareProgress } from '../share-progress';
import { whileListed } from './in-progress';
import { seedComplete } from './new-torrent';
import { matchChosenFiles } from '../../share/seed-check';
import {
  HYBRID_SHARES,
  ShareError,
  hybridLength,
  shareFiles,
  totalSize,
  type ShareFile,
} from '../../share/share-files';
import { ensureRoom, newShareStorage } from './storage-claims';

/** How a share is made: sealed or not, read in place or copied, and the layout of its pieces. */
interface SharePlan {
  sealed: SealedShare | undefined;
  inPlace: boolean;
  pieceLength: number;
  /** The bytes the pieces cover (a hybrid's pad files included; a private share's ciphertext). */
  torrentLength: number;
}

export async function share(
  core: ClientCore,
  message: ActionRequest<'share'>,
  { requestId, defaultTrackers }: ActionContext,
): Promise<AddedTorrent> {
  const total = totalSize(message.files);
  if (message.files.length === 0 || total === 0) throw new ActionError(NOTHING_TO_SHARE);
  const plan = await planShare(core, message, total);
  const { storageId, pieces } = newShareStorage(core, () => ({
    pieceLength: plan.pieceLength,
    length: plan.torrentLength,
  }));
  const progress: ShareProgress = {
    requestId,
    name: message.name,
    trackers: torrentTrackers([], defaultTrackers),
    total,
    hashed: 0,
    addedAt: Date.now(),
    cancelled: false,
  };
  let pieceLayers: Map<string, Uint8Array> | undefined;
  const info = await whileListed(core, progress, () =>
    hashShare(core, message, plan, pieces, progress, (layers) => (pieceLayers = layers)),
  );
  const { sealed, inPlace } = plan;
  const added = await seedComplete(
    core,
    info,
    {
      storageId,
      trackers: progress.trackers,
      addedAt: progress.addedAt,
      ...(sealed ? { private: sealed.part } : {}),
      ...alsoAt(message.webSeeds),
    },
    pieces,
    // In the info's order (a hybrid's is canonical, not the order given).
    inPlace ? matchChosenFiles(info, message.files, 'the share') : undefined,
    pieceLayers,
  );
  return sealed ? { ...added, name: message.name } : added;
}

/** The page's "Also at" URLs, checked again here: a record holds only URLs a web seed may be fetched from. */
function alsoAt(urls: readonly string[] | undefined): { webSeeds?: string[] } {
  const webSeeds = webSeedList(urls ?? []);
  return webSeeds.length > 0 ? { webSeeds } : {};
}

async function planShare(
  core: ClientCore,
  message: ActionRequest<'share'>,
  total: number,
): Promise<SharePlan> {
  // A private share: the files sealed under a fresh key as they are read; the ciphertext is hashed and stored like
  // any share's pieces.
  const sealed = message.encrypt
    ? await sealShare(message.files, message.name).catch((error: unknown) => {
        throw new ActionError(errorMessage(error));
      })
    : undefined;
  // Where every file comes with a persistent handle, nothing is copied: the pieces are read from the files.
  const inPlace = !sealed && message.files.every((entry) => entry.handle !== undefined);
  if (!inPlace) await ensureRoom(core, total);
  const pieceLength = sealed?.pieceLength ?? choosePieceLength(total);
  const torrentLength = sealed
    ? sealed.content.size
    : HYBRID_SHARES
      ? hybridLength(message.files, message.name, pieceLength)
      : total;
  return { sealed, inPlace, pieceLength, torrentLength };
}

/** Hashes the share (storing its pieces unless read in place); a failure deletes what was stored. */
async function hashShare(
  core: ClientCore,
  message: ActionRequest<'share'>,
  { sealed, inPlace, pieceLength }: SharePlan,
  pieces: PieceStorage,
  progress: ShareProgress,
  onPieceLayers: (layers: Map<string, Uint8Array>) => void,
): Promise<TorrentInfo> {
  const files: ShareFile[] = sealed ? [{ file: sealed.content, path: [PRIVATE_SHARE_NAME] }] : message.files;
  try {
    return await shareFiles(files, {
      onPieceLayers,
      name: sealed ? PRIVATE_SHARE_NAME : message.name,
      sha1: core.ctx.sha1,
      // A private share stays v1: its one file of ciphertext records, one record a piece.
      ...(HYBRID_SHARES && !sealed ? { sha256: core.ctx.sha256 } : {}),
      pieceLength,
      ...(inPlace
        ? {}
        : { storePiece: (index: number, data: ArrayBuffer) => pieces.writePiece(index, data) }),
      onProgress: (hashed) => {
        progress.hashed = hashed;
      },
      cancelled: () => progress.cancelled,
    });
  } catch (error) {
    await core.storage.deleteStorage(pieces);
    throw new ActionError(shareFailure(error));
  }
}

/** The user's words for a share that failed: the share's or metainfo's own reason, else storage's. */
function shareFailure(error: unknown): string {
  return error instanceof ShareError || (error instanceof Error && error.name === 'MetainfoError')
    ? error.message
    : storageErrorReason(error);
}
