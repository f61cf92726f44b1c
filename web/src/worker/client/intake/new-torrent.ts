// A torrent added by an intake: listed in the registry and started, its record written.
import { Bitfield } from '../../../../../shared/codec/bitfield';
import type { V2Options } from '../../../../../shared/engine/contract/engine-types';
import type { TorrentInfo } from '../../../../../shared/codec/metainfo';
import type { AddedTorrent, SharedFile } from '../../../lib/messages/actions';
import type { PieceStorage } from '../../../../../shared/host/piece-storage';
import type { TorrentRecord } from '../../storage/records';
import type { SharedFileRef } from '../../storage/shared-files';
import { TorrentHost } from '../../torrent/host';
import { ActionError } from '../action-runner';
import { v2Of, type ClientCore } from '../client-core';

/** A new record's counts: nothing sent or received yet, not paused. */
export const FRESH_TOTALS = { uploaded: 0, downloaded: 0, paused: false } as const;

/** Lists a torrent, starts it and writes its record. */
export function startTorrent(
  core: ClientCore,
  record: TorrentRecord,
  info: TorrentInfo | undefined,
  stored: Bitfield | undefined,
  v2?: V2Options,
  hybridLink = false,
): TorrentHost {
  const host = new TorrentHost(core.ctx, record, info, stored, v2, { hybridLink });
  core.registry.add(record.infoHashHex, host);
  host.start();
  void host.persist(true);
  return host;
}

/** Where a complete torrent's pieces are and what it is listed with. */
export type SeedPlace = Pick<TorrentRecord, 'storageId' | 'trackers' | 'addedAt' | 'private' | 'webSeeds'>;

/**
 * Adds a torrent whose every piece is here (stored under `where.storageId`, or read in place from `inPlace`, the
 * torrent's files other than pad files in the info's order, each with its handle) and starts seeding it.
 */
export async function seedComplete(
  core: ClientCore,
  info: TorrentInfo,
  where: SeedPlace,
  pieces: PieceStorage,
  inPlace: readonly SharedFile[] | undefined,
  pieceLayers?: ReadonlyMap<string, Uint8Array>,
): Promise<AddedTorrent> {
  if (core.registry.has(info.infoHashHex)) {
    await core.storage.deleteStorage(pieces);
    return { infoHashHex: info.infoHashHex, name: info.name };
  }
  const record: TorrentRecord = {
    infoHashHex: info.infoHashHex,
    name: info.name,
    infoBytes: info.infoBytes.slice().buffer,
    ...where,
    ...FRESH_TOTALS,
    completedAt: Date.now(),
  };
  if (inPlace) record.sharedFiles = inPlace.map(sharedFileRef);
  if (pieceLayers && pieceLayers.size > 0) await core.storage.keepPieceLayers(info.infoHashHex, pieceLayers);
  const v2 = await v2Of(core, info, pieceLayers);
  const host = new TorrentHost(core.ctx, record, info, Bitfield.full(info.pieceCount), v2);
  await host.persist(true);
  if (host.error !== undefined) {
    await core.storage.deleteStorage(pieces, record);
    throw new ActionError(host.error);
  }
  core.registry.add(info.infoHashHex, host);
  host.start();
  return { infoHashHex: info.infoHashHex, name: info.name };
}

/** What a record keeps of a file shared in place: its handle, and what it was when shared (to notice a change). */
function sharedFileRef(entry: SharedFile): SharedFileRef {
  return {
    handle: entry.handle!,
    path: entry.path,
    size: entry.file.size,
    lastModified: entry.file.lastModified,
  };
}
