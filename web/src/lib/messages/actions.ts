// The user's actions, in one table: each row names an action, what it carries (its request) and what it answers (its
// result). The tab link's calls and their checks, the local engine, the bridge and the worker's handlers are all
// typed from it, so an action is added in three steps: a row here (with its parser below), its handler in the worker
// (`worker/client.ts`, or `SETTINGS` of `net/page/local-engine.ts` for a setting of the page) and the call in the UI.
// Requests that come from another tab arrive over a BroadcastChannel: `parseRequest` checks each before it runs.

import { isKeyText } from '../../../../shared/private-share/private-share';
import { isInfoHashHex } from '../../../../shared/codec/hex';
import { MAX_WEB_SEED_URL_LENGTH, MAX_WEB_SEEDS } from '../../../../shared/codec/web-seeds';
import type { DroppedTracker } from '../links/tracker-screen';

/** A file of a share; `handle` (File System Access) when every file has one: the share reads them in place. */
export interface SharedFile {
  file: File;
  path: string[];
  handle?: FileSystemFileHandle;
}

/** A torrent of the engine, by its info hash (40 lowercase hex digits). */
export interface TorrentRef {
  infoHashHex: string;
}

/** The torrent a share or an add gave (the one the engine already had, when it had it). */
export interface AddedTorrent {
  infoHashHex: string;
  name: string;
  /** The trackers its link or file named that are not contacted (lib/links/tracker-screen.ts), when any. */
  notContacted?: NotContacted;
}

/** What a link's or file's screen left out: each tracker read and dropped, with why, and how many were not read. */
export interface NotContacted {
  dropped: DroppedTracker[];
  unread: number;
}

/** Where a player is: its media element's time and duration in seconds (0: not known yet), and whether it is
 * paused, seeking or waiting for data (the playhead does not move on its own then). */
export interface PlaybackPosition {
  time: number;
  duration: number;
  paused: boolean;
}

/** One row per action: `request` is what the call carries (beside its name), `result` what it answers. */
export interface Actions {
  /** `encrypt`: a private share, its key only in the share link. */
  /** `webSeeds`: "Also at" URLs of servers holding the same files, for its .torrent's url-list and magnet's ws=. */
  share: {
    request: { files: SharedFile[]; name: string; encrypt?: boolean; webSeeds?: string[] };
    result: AddedTorrent;
  };
  /** `key`: a private share's key, from the share link's fragment (base64url). */
  'add-magnet': { request: { link: string; key?: string }; result: AddedTorrent };
  'add-torrent-file': { request: { bytes: ArrayBuffer }; result: AddedTorrent };
  /** `Torrent to seed` with `Folder to seed it from` or `Files to seed it from`: every piece checked, then seeded. */
  'seed-torrent': {
    request: { torrent: ArrayBuffer; files: SharedFile[]; from: 'folder' | 'files' };
    result: AddedTorrent;
  };
  /** A Blob of one finished file (a Blob of stored piece Blobs, no whole-file copy). */
  'get-file': { request: TorrentRef & { fileIndex: number }; result: Blob };
  'get-torrent-file': { request: TorrentRef; result: { blob: Blob; name: string } };
  /** One stored piece as the swarm is served it (ciphertext for a private share): the keeper's proof of holding. */
  'read-piece': { request: TorrentRef & { index: number }; result: ArrayBuffer };
  /** `Encrypted copy for a web server`: a private share's file as the swarm holds it (ciphertext), to upload. */
  'get-encrypted-copy': { request: TorrentRef; result: { blob: Blob; name: string } };
  /** The handles of a share read in place, for the page to ask the browser's permission again. */
  'get-shared-handles': { request: TorrentRef; result: FileSystemFileHandle[] };
  /** `Resume sharing`: the page has asked for permission; check the shared files and run the torrent again. */
  'resume-sharing': { request: TorrentRef; result: void };
  pause: { request: TorrentRef; result: void };
  resume: { request: TorrentRef; result: void };
  remove: { request: TorrentRef; result: void };
  /** Download only some files: these are skipped (not fetched, except pieces shared with chosen files). */
  'choose-files': { request: TorrentRef & { skipped: number[] }; result: void };
  /** A player of one file is at `position` (null: it closed): the engine fetches the pieces from there first (the
   * playback window); a jump is a seek. */
  playback: { request: TorrentRef & { fileIndex: number; position: PlaybackPosition | null }; result: void };
  /**
   * `Play` was pressed on a file: its first pieces and its last are asked at once
   * (worker/torrent/streams/play-start.ts).
   */
  'play-start': { request: TorrentRef & { fileIndex: number }; result: void };
  /** `Most to fetch from web servers`: the torrent's web seeds send at most `bytes` (null: no limit). */
  'limit-web-seeds': { request: TorrentRef & { bytes: number | null }; result: void };
  /** Upload limit in whole KiB/s (0 = none). */
  'set-upload-limit': { request: { kib: number }; result: void };
  /** Every new connection through the TURN relay only. */
  'set-relay-only': { request: { on: boolean }; result: void };
}

export type ActionName = keyof Actions;
export type ActionRequest<A extends ActionName> = Actions[A]['request'];
export type ActionResult<A extends ActionName> = Actions[A]['result'];

/** The actions the engine tab's page answers itself (its settings); every other one runs in the engine worker. */
export type SettingAction = 'set-upload-limit' | 'set-relay-only';
export type WorkerAction = Exclude<ActionName, SettingAction>;

/** A call of one action (of any of `A`): its name as `op`, then its request's fields. */
export type Call<A extends ActionName = ActionName> = { [K in A]: { op: K } & ActionRequest<K> }[A];
/** What a call answers. */
export type Result<C extends Call> = ActionResult<C['op']>;

/** Bounds on what a call from another tab may carry (the worker checks the rest: magnet syntax, bencode). */
const MAX_LINK = 64 * 1024;
const MAX_TORRENT_FILE = 16 * 1024 * 1024;
const MAX_SHARED_FILES = 100_000;
const MAX_PATH_PARTS = 256;

type Fields = Record<string, unknown>;
export const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;
export const isIndex = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isHash = isInfoHashHex;
const isByteCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isSeconds = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

function playbackPosition(value: unknown): PlaybackPosition | null | undefined {
  if (value === null) return null;
  if (!isObject(value) || !isSeconds(value.time) || !isSeconds(value.duration)) return undefined;
  if (typeof value.paused !== 'boolean') return undefined;
  return { time: value.time, duration: value.duration, paused: value.paused };
}

function torrentRef(value: Fields): TorrentRef | undefined {
  return isHash(value.infoHashHex) ? { infoHashHex: value.infoHashHex } : undefined;
}

function sharedFile(value: unknown): SharedFile | undefined {
  if (!isObject(value) || !(value.file instanceof Blob) || !Array.isArray(value.path)) return undefined;
  const path = value.path as unknown[];
  if (path.length === 0 || path.length > MAX_PATH_PARTS) return undefined;
  if (!path.every((part) => typeof part === 'string')) return undefined;
  const file = { file: value.file as File, path: path as string[] };
  return isObject(value.handle) ? { ...file, handle: value.handle as unknown as FileSystemFileHandle } : file;
}

/** The files of a share or a seed, each checked, or undefined. */
function sharedFiles(value: unknown): SharedFile[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const entries = value as unknown[];
  if (entries.length === 0 || entries.length > MAX_SHARED_FILES) return undefined;
  const files: SharedFile[] = [];
  for (const entry of entries) {
    const file = sharedFile(entry);
    if (!file) return undefined;
    files.push(file);
  }
  return files;
}

/** A share's "Also at" URLs as text, bounded (the worker checks each, shared/codec/web-seeds.ts), or undefined. */
function alsoAtUrls(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_WEB_SEEDS) return undefined;
  const urls = value as unknown[];
  const fits = (url: unknown) => typeof url === 'string' && url.length <= MAX_WEB_SEED_URL_LENGTH;
  return urls.every(fits) ? (urls as string[]) : undefined;
}

/** Per action, its request checked field by field (from another tab: anything may arrive), or undefined. */
export const parseRequest: { [A in ActionName]: (value: Fields) => ActionRequest<A> | undefined } = {
  share(value) {
    const files = sharedFiles(value.files);
    if (typeof value.name !== 'string' || !files) return undefined;
    if (value.encrypt !== undefined && typeof value.encrypt !== 'boolean') return undefined;
    const webSeeds = value.webSeeds === undefined ? undefined : alsoAtUrls(value.webSeeds);
    if (value.webSeeds !== undefined && !webSeeds) return undefined;
    return {
      files,
      name: value.name,
      ...(value.encrypt !== undefined ? { encrypt: value.encrypt } : {}),
      ...(webSeeds ? { webSeeds } : {}),
    };
  },
  'seed-torrent'(value) {
    const files = sharedFiles(value.files);
    const from = value.from;
    if (!files || (from !== 'folder' && from !== 'files')) return undefined;
    if (!(value.torrent instanceof ArrayBuffer) || value.torrent.byteLength > MAX_TORRENT_FILE)
      return undefined;
    return { torrent: value.torrent, files, from };
  },
  'add-magnet'(value) {
    if (typeof value.link !== 'string' || value.link.length > MAX_LINK) return undefined;
    if (value.key === undefined) return { link: value.link };
    return isKeyText(value.key) ? { link: value.link, key: value.key } : undefined;
  },
  'add-torrent-file': (value) =>
    value.bytes instanceof ArrayBuffer && value.bytes.byteLength <= MAX_TORRENT_FILE
      ? { bytes: value.bytes }
      : undefined,
  'get-file': (value) =>
    isHash(value.infoHashHex) && isIndex(value.fileIndex)
      ? { infoHashHex: value.infoHashHex, fileIndex: value.fileIndex }
      : undefined,
  'get-torrent-file': torrentRef,
  'read-piece': (value) =>
    isHash(value.infoHashHex) && isIndex(value.index)
      ? { infoHashHex: value.infoHashHex, index: value.index }
      : undefined,
  'get-encrypted-copy': torrentRef,
  'get-shared-handles': torrentRef,
  'resume-sharing': torrentRef,
  pause: torrentRef,
  resume: torrentRef,
  remove: torrentRef,
  'choose-files'(value) {
    const skipped = value.skipped;
    if (!isHash(value.infoHashHex) || !Array.isArray(skipped) || skipped.length > MAX_SHARED_FILES)
      return undefined;
    if (!(skipped as unknown[]).every(isIndex)) return undefined;
    return { infoHashHex: value.infoHashHex, skipped: skipped as number[] };
  },
  playback(value) {
    const position = playbackPosition(value.position);
    if (!isHash(value.infoHashHex) || !isIndex(value.fileIndex) || position === undefined) return undefined;
    return { infoHashHex: value.infoHashHex, fileIndex: value.fileIndex, position };
  },
  'play-start': (value) =>
    isHash(value.infoHashHex) && isIndex(value.fileIndex)
      ? { infoHashHex: value.infoHashHex, fileIndex: value.fileIndex }
      : undefined,
  'limit-web-seeds': (value) =>
    isHash(value.infoHashHex) && (value.bytes === null || isByteCount(value.bytes))
      ? { infoHashHex: value.infoHashHex, bytes: value.bytes }
      : undefined,
  'set-upload-limit': (value) =>
    typeof value.kib === 'number' && Number.isSafeInteger(value.kib) && value.kib >= 0
      ? { kib: value.kib }
      : undefined,
  'set-relay-only': (value) => (typeof value.on === 'boolean' ? { on: value.on } : undefined),
};

/** Every action's name (the keys of the table's parsers, which the type above makes complete). */
export const ACTION_NAMES = Object.keys(parseRequest) as ActionName[];

function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && Object.hasOwn(parseRequest, value);
}

/** A call as it arrived from another tab, or undefined when it is not one of ours. */
export function parseCall(value: unknown): Call | undefined {
  if (!isObject(value) || !isActionName(value.op)) return undefined;
  const op = value.op;
  const request = (parseRequest[op] as (value: Fields) => ActionRequest<typeof op> | undefined)(value);
  return request === undefined ? undefined : ({ op, ...request } as Call);
}
