// `Add link`: a magnet link (or a bare info hash) added as a torrent whose metadata comes from its peers.
import { screenWebSeeds } from '../../../lib/links/web-seed-screen';
import { MagnetError, parseMagnet, type MagnetLink } from '../../../../../shared/codec/magnet';
import type { ActionRequest, AddedTorrent } from '../../../lib/messages/actions';
import { notContacted, screenTrackers, type ScreenedTrackers } from '../../../lib/links/tracker-screen';
import type { TorrentRecord } from '../../storage/records';
import { ActionError, type ActionContext } from '../action-runner';
import type { ClientCore } from '../client-core';
import { FRESH_TOTALS, startTorrent } from './new-torrent';
import { ensureRoom } from './storage-claims';
import { startFromTorrent, type TorrentPlace } from './add-torrent-file';
import { torrentFromSource } from './link-source';

export async function addMagnet(
  core: ClientCore,
  message: ActionRequest<'add-magnet'>,
  { defaultTrackers }: ActionContext,
): Promise<AddedTorrent> {
  const link = readLink(message.link);
  // A btmh-only link to a hybrid we have under its v1 hash is that torrent.
  const existing = core.registry.find(link.infoHashHex, link.v2Only ? link.infoHashV2Hex : undefined);
  if (existing) {
    // The share link of a torrent added without its key (or with a wrong one): the key opens it now.
    if (message.key !== undefined) existing.setKey(message.key);
    return { infoHashHex: existing.infoHashHex, name: existing.record.name };
  }
  const screened = screenTrackers(link.trackers, defaultTrackers);
  const record = magnetRecord(link, message.key, screened);
  const webSeeds = screenWebSeeds(link.webSeeds, defaultTrackers);
  if (webSeeds.length > 0) record.webSeeds = webSeeds;
  const left = notContacted(screened);
  const added = { infoHashHex: record.infoHashHex, ...(left ? { notContacted: left } : {}) };
  const source = await torrentFromSource(core, link, defaultTrackers);
  if (source && 'torrent' in source) {
    // Started as its .torrent would be, listed with what the link says (its trackers, web seeds, choice, key).
    await startFromTorrent(core, source.torrent, placeOf(record));
    const name = core.registry.get(record.infoHashHex)?.record.name ?? source.torrent.info.name;
    return { ...added, infoHashHex: source.torrent.info.infoHashHex, name };
  }
  if (core.registry.has(link.infoHashHex)) return { ...added, name: record.name };
  if (link.length !== undefined) {
    await ensureRoom(core, link.length);
    if (core.registry.has(link.infoHashHex)) return { infoHashHex: link.infoHashHex, name: record.name };
    record.length = link.length;
  }
  // A hybrid's link (both hashes): its session announces v2 before the metadata, and speaks it once known.
  const hybrid = link.infoHashV2 !== undefined && !link.v2Only;
  const host = startTorrent(core, record, undefined, undefined, undefined, hybrid);
  if (source) host.sourceProblem = source.problem;
  return { ...added, name: record.name };
}

/** What a torrent added by its link is listed with, whichever way its info comes. */
function placeOf({ trackers, webSeeds, selectOnly, private: key }: TorrentRecord): TorrentPlace {
  return {
    trackers,
    ...(webSeeds ? { webSeeds } : {}),
    ...(selectOnly ? { selectOnly } : {}),
    ...(key ? { private: key } : {}),
  };
}

function readLink(text: string): MagnetLink {
  try {
    return parseMagnet(text.trim(), { v2: true });
  } catch (error) {
    throw new ActionError(error instanceof MagnetError ? error.message : 'Not a magnet link or info hash');
  }
}

/** The record of a torrent added by its link, before its metadata is known. */
function magnetRecord(link: MagnetLink, key: string | undefined, screened: ScreenedTrackers): TorrentRecord {
  const record: TorrentRecord = {
    infoHashHex: link.infoHashHex,
    name: link.name ?? link.infoHashHex,
    trackers: screened.kept,
    storageId: link.infoHashHex,
    addedAt: Date.now(),
    ...FRESH_TOTALS,
  };
  if (link.select) record.selectOnly = link.select;
  // A btmh-only link: the session joins by the truncated v2 hash and checks the metadata against the full one.
  if (link.v2Only && link.infoHashV2Hex) record.infoHashV2 = link.infoHashV2Hex;
  if (key !== undefined) record.private = { key };
  return record;
}
