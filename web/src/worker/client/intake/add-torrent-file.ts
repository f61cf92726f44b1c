// `Open .torrent file`: a torrent added from its .torrent, resuming from pieces an earlier download left behind.
import { screenWebSeeds } from '../../../lib/links/web-seed-screen';
import type { Bitfield } from '../../../../../shared/codec/bitfield';
import type { TorrentInfo } from '../../../../../shared/codec/metainfo';
import type { ActionRequest, AddedTorrent } from '../../../lib/messages/actions';
import { notContacted, screenTrackers } from '../../../lib/links/tracker-screen';
import type { TorrentRecord } from '../../storage/records';
import type { ActionContext } from '../action-runner';
import { v2Of, type ClientCore } from '../client-core';
import { FRESH_TOTALS, startTorrent } from './new-torrent';
import { ensureRoom } from './storage-claims';
import { readTorrent, type ReadTorrent } from './torrent-reader';

export async function addTorrentFile(
  core: ClientCore,
  message: ActionRequest<'add-torrent-file'>,
  { defaultTrackers }: ActionContext,
): Promise<AddedTorrent> {
  const { metainfo, info } = await readTorrent(message.bytes, core.ctx);
  const screened = screenTrackers(metainfo.announce.flat(), defaultTrackers);
  const left = notContacted(screened);
  const added = { infoHashHex: info.infoHashHex, name: info.name, ...(left ? { notContacted: left } : {}) };
  const existing = core.registry.get(info.infoHashHex);
  if (existing) return { infoHashHex: info.infoHashHex, name: existing.record.name };
  const webSeeds = screenWebSeeds(metainfo.urlList, defaultTrackers);
  const place = { trackers: screened.kept, ...(webSeeds.length > 0 ? { webSeeds } : {}) };
  await startFromTorrent(core, { metainfo, info }, place);
  return added;
}

/** What a torrent started from its .torrent is listed with beyond the .torrent itself. */
export type TorrentPlace = Pick<TorrentRecord, 'trackers' | 'webSeeds' | 'selectOnly' | 'private'>;

/** Lists and starts a torrent whose .torrent was read, resuming from the pieces an earlier download left behind
 * (unless it is listed meanwhile). */
export async function startFromTorrent(
  core: ClientCore,
  { metainfo, info }: ReadTorrent,
  place: TorrentPlace,
): Promise<void> {
  const stored = await storedPieces(core, info);
  await ensureRoom(core, info.length - (stored?.count() ?? 0) * info.pieceLength);
  if (core.registry.has(info.infoHashHex)) return;
  const record: TorrentRecord = {
    infoHashHex: info.infoHashHex,
    name: info.name,
    infoBytes: info.infoBytes.slice().buffer,
    storageId: info.infoHashHex,
    addedAt: Date.now(),
    ...place,
    ...FRESH_TOTALS,
  };
  // The piece layers it carries (checked against their roots) are kept beside its record.
  const layers = metainfo.pieceLayers.size > 0 ? metainfo.pieceLayers : undefined;
  if (layers) await core.storage.keepPieceLayers(info.infoHashHex, layers);
  const v2 = await v2Of(core, info, layers);
  if (core.registry.has(info.infoHashHex)) return;
  startTorrent(core, record, info, stored, v2);
}

/** Pieces left behind by an earlier download of the same torrent (verified before they were stored). */
async function storedPieces(core: ClientCore, info: TorrentInfo): Promise<Bitfield | undefined> {
  try {
    return await core.ctx.pieces({ storageId: info.infoHashHex }).verifiedPieces(info.pieceCount);
  } catch {
    return undefined;
  }
}
