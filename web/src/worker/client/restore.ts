// Start-up: every stored torrent back in the registry from its record, before the page hears `ready`.
import type { Bitfield } from '../../../../shared/codec/bitfield';
import type { V2Options } from '../../../../shared/engine/contract/engine-types';
import type { TorrentInfo } from '../../../../shared/codec/metainfo';
import { storageErrorReason } from '../../lib/storage/storage';
import { MAX_START_ATTEMPTS, loadRecords, type TorrentRecord } from '../storage/records';
import { SharedFileError } from '../storage/shared-files';
import { TorrentHost } from '../torrent/host';
import { engineInfo } from '../v2/v2-session';
import { hashers, v2Of, type ClientCore } from './client-core';

/** What a record gives back: its metadata and pieces, or why the torrent stays stopped. */
interface Restored {
  info?: TorrentInfo;
  stored?: Bitfield;
  v2?: V2Options;
  failure?: string;
  needsPermission?: boolean;
}

/**
 * Restores every stored torrent: `ready` is told how many once each is listed, then those without an error start
 * (each posts `torrent-active` unless paused).
 */
export async function restoreTorrents(core: ClientCore, ready: (restored: number) => void): Promise<void> {
  const { records, storageError } = await storedRecords(core);
  // Counted before anything is parsed: a record that kills the worker while it is restored is counted, and is
  // quarantined once it has done so MAX_START_ATTEMPTS times in a row.
  for (const record of records) record.startAttempts = (record.startAttempts ?? 0) + 1;
  await core.storage.writeRecords(records);
  const restored: TorrentHost[] = [];
  for (const record of records) {
    const { info, stored, v2, failure, needsPermission = false } = await restoreRecord(core, record);
    const host = new TorrentHost(core.ctx, record, info, stored, v2);
    core.registry.add(record.infoHashHex, host);
    restored.push(host);
    if (failure) host.fail(failure, needsPermission);
  }
  ready(restored.length);
  for (const host of restored) if (host.error === undefined) host.start();
  const finished = records.filter((record) => record.startAttempts! <= MAX_START_ATTEMPTS);
  for (const record of finished) record.startAttempts = 0;
  await core.storage.writeRecords(finished);
  if (storageError) console.warn(`storage: ${storageError}`);
}

/** The well-formed records, with the pieces of shares that never got one deleted; none when storage fails. */
async function storedRecords(core: ClientCore): Promise<{ records: TorrentRecord[]; storageError?: string }> {
  try {
    const records = await loadRecords(core.storage.store);
    await core.storage.deleteOrphans(records);
    return { records };
  } catch (error) {
    return { records: [], storageError: storageErrorReason(error) };
  }
}

async function restoreRecord(core: ClientCore, record: TorrentRecord): Promise<Restored> {
  if (record.startAttempts! > MAX_START_ATTEMPTS) {
    record.startAttempts = MAX_START_ATTEMPTS + 1;
    return {
      failure:
        `not restored: restoring it stopped the app ${MAX_START_ATTEMPTS} times in a row; ` +
        'remove it (the link still works to add it again)',
    };
  }
  if (!record.infoBytes) return {};
  const restored: Restored = {};
  try {
    restored.info = await engineInfo(new Uint8Array(record.infoBytes), hashers(core), record.infoHashHex);
    if (restored.info.infoHashHex !== record.infoHashHex)
      throw new Error('stored metadata does not match its hash');
    restored.stored = await core.ctx.pieces(record, restored.info).verifiedPieces(restored.info.pieceCount);
    restored.v2 = await v2Of(core, restored.info);
    return restored;
  } catch (error) {
    // The files shared in place are unreadable or changed: the torrent stays, stopped with the reason.
    if (error instanceof SharedFileError)
      return { ...restored, failure: error.message, needsPermission: error.permission };
    return {
      stored: restored.stored,
      v2: restored.v2,
      failure: `cannot restore: ${storageErrorReason(error)}`,
    };
  }
}
