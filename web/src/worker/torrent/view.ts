// What the page shows of a torrent, from its state: pure, so that a state gives one view and a test can say which.
import type { SessionStats } from '../../../../shared/engine/contract/engine-types';
import type { FileEntry } from '../../../../shared/codec/metainfo';
import type { PeerPath, TorrentView } from '../../lib/messages/protocol';
import { peerRows, shownDownloadRate } from './peer-rows';
import type { TorrentRecord } from '../storage/records';
import type { Failure } from './lifecycle';
import { webSeedParts } from './web-seed-rows';

export interface ViewState {
  infoHashHex: string;
  record: Pick<
    TorrentRecord,
    'name' | 'length' | 'trackers' | 'addedAt' | 'sharedFiles' | 'private' | 'skippedFiles' | 'webSeedBudget'
  >;
  /** The info's name, length and piece count, once known. */
  info: { name: string; length: number; pieceCount: number } | undefined;
  /** The session's last stats (undefined before its first, or when none could be made). */
  stats: SessionStats | undefined;
  /** Pieces verified. */
  have: number;
  failure: Readonly<Failure> | undefined;
  /** The session has stopped: no rate, peer or estimate is shown. */
  halted: boolean;
  magnet: string;
  /** Percent of the wanted pieces verified (file-choice.ts). */
  progress: number;
  totals: { downloaded: number; uploaded: number; left: number };
  /** The files offered (none until their layout is stored), each with whether all its pieces are stored. */
  files: readonly FileEntry[];
  complete: readonly boolean[];
  /** Each connection's path (direct or relayed). */
  paths: ReadonlyMap<string, PeerPath>;
  /** The page's words for why no peer can be reached, while that holds. */
  unreachable: string | undefined;
  /** The words for a download nobody connected can finish (stall.ts), while that holds. */
  stalled: string | undefined;
  /** The time left to show (time-left.ts), once this session's rate has been measured. */
  timeLeft: number | undefined;
  /** Why the link's .torrent could not be fetched from a web server (intake/link-source.ts). */
  sourceProblem?: string | undefined;
}

export function torrentView(state: ViewState): TorrentView {
  const { stats, record } = state;
  const status = stateOf(state);
  const view: TorrentView = {
    infoHashHex: state.infoHashHex,
    name: shownName(state),
    state: status,
    magnet: state.magnet,
    trackers: [...record.trackers],
    progress: state.progress,
    ...size(state),
    downloaded: state.totals.downloaded,
    uploaded: state.totals.uploaded,
    ...sessionCounts(stats),
    left: state.totals.left,
    ...activity(state, status === 'seeding'),
    files: fileRows(state),
    peerStats: state.halted ? [] : peerRows(stats?.peerStats ?? [], state.paths, status === 'seeding'),
    availability: stats ? Array.from(stats.availability) : [],
    addedAt: record.addedAt,
  };
  return Object.assign(view, extras(state, status), canLeave(state, status));
}

/** This tab seeds it and the others hold every piece, while the session runs: the tab may close. */
function canLeave({ stats, halted }: ViewState, status: TorrentView['state']): Partial<TorrentView> {
  return stats?.othersHoldEvery && !halted && status === 'seeding' ? { othersHoldEvery: true } : {};
}

/** A private share's own name (from its manifest), else the info's, else the name it was added under. */
function shownName({ record, info }: ViewState): string {
  return record.private?.manifest?.name ?? info?.name ?? record.name;
}

function size({ info, record, have }: ViewState): Pick<TorrentView, 'length' | 'pieceCount' | 'have'> {
  return { length: info?.length ?? record.length ?? 0, pieceCount: info?.pieceCount ?? 0, have };
}

/** What the current session moved (none before its first stats). */
function sessionCounts(
  stats: SessionStats | undefined,
): Pick<TorrentView, 'sessionDownloaded' | 'sessionUploaded'> {
  return { sessionDownloaded: stats?.downloaded ?? 0, sessionUploaded: stats?.uploaded ?? 0 };
}

/** 'error' while the torrent has failed, else the session's state ('stopped' before it has any). */
function stateOf({ failure, stats }: ViewState): TorrentView['state'] {
  return failure !== undefined ? 'error' : (stats?.state ?? 'stopped');
}

/** Rates and peers: none once the session has stopped. */
function activity(
  { halted, stats }: ViewState,
  seeding: boolean,
): Pick<TorrentView, 'downloadRate' | 'uploadRate' | 'peers' | 'seeds'> {
  return {
    downloadRate: halted ? 0 : shownDownloadRate(stats?.downloadRate ?? 0, seeding),
    uploadRate: halted ? 0 : (stats?.uploadRate ?? 0),
    peers: halted ? 0 : (stats?.peers ?? 0),
    seeds: halted ? 0 : (stats?.seeds ?? 0),
  };
}

/** The files offered, by their index in the info's list: pad files are never shown, chosen or saved. */
function fileRows({ info, files, complete, record }: ViewState): TorrentView['files'] {
  if (!info) return [];
  const skipped = new Set(record.skippedFiles ?? []);
  return files.flatMap((file, index) =>
    file.pad
      ? []
      : [
          {
            index,
            path: file.path.join('/'),
            length: file.length,
            complete: complete[index] === true,
            chosen: !skipped.has(index),
          },
        ],
  );
}

/** The fields shown only when they hold: the failure, the time left, a share in place, a private key, and that the
 * browser must be asked again for the shared files. */
function extras(state: ViewState, status: TorrentView['state']): Partial<TorrentView> {
  const { failure, stats, halted, record } = state;
  const extra: Partial<TorrentView> = diagnoses(state, status);
  const error = failure?.reason ?? stats?.error;
  if (error !== undefined) extra.error = error;
  if (state.timeLeft !== undefined && !halted) extra.timeLeft = state.timeLeft;
  if (record.sharedFiles) extra.inPlace = true;
  if (record.private) extra.shareKey = record.private.key;
  if (failure?.needsPermission) extra.resumeSharing = true;
  if (!halted) Object.assign(extra, placeParts(stats));
  return Object.assign(extra, webSeedParts(stats, record, state.files));
}

/** A running torrent's places: one held idle (the page answers an offer beyond its cap), and its peers that speak
 * peer exchange and that do not (with none of the latter it asks the tracker for fewer offers). */
type PlaceParts = Pick<TorrentView, 'idlePlace' | 'neighbours' | 'strangers'>;
function placeParts(stats: ViewState['stats']): PlaceParts {
  const parts: PlaceParts = {};
  if (stats?.idlePlace) parts.idlePlace = true;
  if (stats?.swarm?.neighbours) parts.neighbours = stats.swarm.neighbours;
  if (stats?.swarm?.strangers) parts.strangers = stats.swarm.strangers;
  return parts;
}

/** What a running torrent waits for, while it does: a peer that can be reached, someone who has the rest. */
function diagnoses(
  { unreachable, stalled, halted, sourceProblem }: ViewState,
  status: TorrentView['state'],
): Pick<TorrentView, 'unreachable' | 'stalled' | 'sourceProblem'> {
  const said: Pick<TorrentView, 'unreachable' | 'stalled' | 'sourceProblem'> = {};
  if (unreachable !== undefined && !halted && status !== 'paused') said.unreachable = unreachable;
  if (stalled !== undefined && status === 'downloading') said.stalled = stalled;
  if (sourceProblem !== undefined && status === 'fetching-metadata') said.sourceProblem = sourceProblem;
  return said;
}
