// The service worker: serves /files/<info hash>/<file index>/<name> from the torrent's verified pieces (shared
// with the engine worker by the origin: its origin-private piece file, or IndexedDB), streaming, with HTTP ranges,
// so a file saves at flat memory and a video plays while it downloads. Missing pieces are asked of the engine
// worker straight, on a BroadcastChannel (lib/messages/stream-wishes.ts).
import { sha256Sync } from '../../../shared/hash/sha256';
import { storedInfo } from '../../../shared/codec/v2-pieces';
import { fromHex } from '../../../shared/codec/hex';
import { IdbStore } from '../lib/storage/storage-idb';
import { pieceKey, torrentKey, verifiedKey } from '../lib/storage/storage';
import { VerifiedMap } from '../lib/storage/verified-map';
import { pieceDirectory } from '../worker/storage/opfs-directory';
import { fileResponse, parseFileUrl, type TorrentFiles } from './file-response';
import { answerOf, servedAsAttachment, textResponse } from './served-headers';
import { contentTypeOf } from '../lib/media/http-range';
import type { PieceSource } from './piece-stream';
import { PieceRuns } from './piece-file-read';
import { subtleSha1 } from '../lib/hash';
import { FilePieceStorage, isSharedFileRefs } from '../worker/storage/shared-files';
import { isPrivateRecordPart, PrivateFiles } from '../lib/crypto/private-files';
import { FRESH_PIECES_CHANNEL, FreshPieces } from '../lib/messages/fresh-pieces';
import { STREAM_WISHES_CHANNEL, StreamWisher } from '../lib/messages/stream-wishes';
import { KnownTorrents, torrentGoneMessage, torrentKnownMessage } from '../lib/messages/known-torrents';
import { parseZipUrl } from './zip-url';
import { fillShell, shellResponse } from './shell';
import { zipResponse } from './zip-response';

/** What this script uses of ServiceWorkerGlobalScope (the project compiles against the DOM library). */
interface ServiceWorkerScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: {
    claim(): Promise<void>;
    matchAll(options: { type: 'window' }): Promise<Array<{ focus(): Promise<unknown> }>>;
    openWindow(url: string): Promise<unknown>;
  };
  addEventListener(
    type: 'install' | 'activate',
    listener: (event: { waitUntil(done: Promise<unknown>): void }) => void,
  ): void;
  addEventListener(
    type: 'notificationclick',
    listener: (event: { notification: Notification; waitUntil(done: Promise<unknown>): void }) => void,
  ): void;
  addEventListener(
    type: 'fetch',
    listener: (event: {
      request: Request;
      respondWith(response: Promise<Response>): void;
      waitUntil(done: Promise<unknown>): void;
    }) => void,
  ): void;
}
const scope = self as unknown as ServiceWorkerScope;

/** How long a stream waits between looks for a piece it needs (a look is one IndexedDB read of two keys; a player
 * starting waits for several pieces in turn, each up to this much after it was stored). */
const POLL_MS = 50;

/** Opened as the service worker starts (idb-keyval opens the database when the store is made), not on a player's
 * first request: that open took tens of milliseconds, and more on a busy machine, before the first piece was asked
 * for. No IndexedDB (a private window): made on the first request, which then fails with the reason. */
let store: IdbStore | undefined = openStore();

function openStore(): IdbStore | undefined {
  try {
    return new IdbStore();
  } catch {
    return undefined;
  }
}
/** Pieces a stream waits for, as the engine verifies them (before they are stored): see fresh-pieces.ts. */
const fresh = new FreshPieces();
/** Torrents read lately, or told of by the engine at `Play`: a request need not read the record (known-torrents.ts). */
const known = new KnownTorrents<StoredTorrent>();
new BroadcastChannel(FRESH_PIECES_CHANNEL).onmessage = (event: MessageEvent) => {
  const gone = torrentGoneMessage(event.data);
  if (gone) return known.forget(gone.infoHashHex);
  const told = torrentKnownMessage(event.data);
  if (told) {
    // The engine's own record; a record that does not parse is read from IndexedDB at the request.
    void fromRecord(told.infoHashHex, { storageId: told.storageId, infoBytes: told.infoBytes })
      .then((found) => found && known.set(told.infoHashHex, found, Date.now()))
      .catch(() => {});
    return;
  }
  fresh.add(event.data);
};
/** The engine worker hears what a stream waits for here. */
const wishes = new BroadcastChannel(STREAM_WISHES_CHANNEL);
/** The newest stream of each file: only it may ask for pieces (a player that seeks leaves its old request reading). */
const newestStream = new Map<string, number>();
let streamCount = 0;

// Active at once, and in control of the open pages (a first visit's Save and Play stream through this worker), rather
// than after the old worker's pages close or after the shell is cached: the shell is cached after (shell.ts). Fetch
// events wait while the worker is activating, so the fill is not part of activation; each fetch keeps the worker
// alive until the fill ends, and a worker stopped before it ended fills again on its next run.
scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()));
scope.addEventListener('activate', (event) => {
  event.waitUntil(scope.clients.claim());
  void fillShell();
});

// A finished download's notification (app/notify.ts) brings the app forward, or opens it.
scope.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    scope.clients
      .matchAll({ type: 'window' })
      .then((windows) => (windows[0] ? windows[0].focus() : scope.clients.openWindow('/'))),
  );
});

scope.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== scope.location.origin) return;
  event.waitUntil(fillShell());
  const shellAnswer = shellResponse(event.request);
  if (shellAnswer) return event.respondWith(shellAnswer);
  const zip = parseZipUrl(url.pathname, url.searchParams);
  if (zip)
    return event.respondWith(answerOf(serveZip(zip.infoHashHex, zip.name, zip.fileIndices), 'this zip'));
  const target = parseFileUrl(url.pathname);
  if (!target) return;
  event.respondWith(
    answerOf(
      serve(
        target.infoHashHex,
        target.fileIndex,
        event.request.headers.get('range'),
        url.searchParams.has('download'),
        event.request.destination,
      ),
      'this file',
    ),
  );
});

interface StoredTorrent {
  storageId: string;
  length: number;
  pieceLength: number;
  files: TorrentFiles;
  inPlace?: FilePieceStorage;
  sealed?: PrivateFiles;
}

/** The parts of a torrent's record this worker reads. */
interface RecordParts {
  storageId?: string;
  infoBytes?: ArrayBuffer;
  sharedFiles?: unknown;
  private?: unknown;
}

/** The torrent as a request reads it: known from a recent request or from the engine at `Play` (a download's or a
 * share's own storage only), else its record read afresh (a torrent removed and shared again has new storage: the
 * engine says so, and the entry goes). */
async function torrent(infoHashHex: string): Promise<StoredTorrent | undefined> {
  const hit = known.get(infoHashHex, Date.now());
  if (hit) return hit;
  store ??= new IdbStore();
  const [record] = (await store.getMany([torrentKey(infoHashHex)])) as Array<RecordParts | undefined>;
  const found = record && (await fromRecord(infoHashHex, record));
  if (found && !found.inPlace && !found.sealed) known.set(infoHashHex, found, Date.now());
  return found;
}

async function fromRecord(infoHashHex: string, record: RecordParts): Promise<StoredTorrent | undefined> {
  if (!record.infoBytes || typeof record.storageId !== 'string') return undefined;
  // Our own record, written after the info hash was checked.
  const info = storedInfo(new Uint8Array(record.infoBytes), fromHex(infoHashHex), sha256Sync);
  // A private share: its real files over records, piece i decrypted being record i.
  if (record.private !== undefined) {
    const sealed = isPrivateRecordPart(record.private)
      ? await PrivateFiles.open(record.private, info)
      : undefined;
    if (!sealed) return undefined;
    return {
      storageId: record.storageId,
      length: info.length,
      pieceLength: info.pieceLength,
      files: { infoHashHex, ...sealed.files },
      sealed,
    };
  }
  return {
    storageId: record.storageId,
    length: info.length,
    pieceLength: info.pieceLength,
    files: { infoHashHex, pieceLength: info.pieceLength, pieceCount: info.pieceCount, files: info.files },
    // A share read in place: its pieces come from the files on disk, each checked against its hash.
    inPlace: isSharedFileRefs(record.sharedFiles)
      ? new FilePieceStorage(record.sharedFiles, info, subtleSha1)
      : undefined,
  };
}

/** The torrent's origin-private piece file as it is now: a fresh snapshot (see piece-file-read.ts). A service worker
 * cannot hold a synchronous handle, and the engine keeps one open on the file, but `getFile()` is allowed meanwhile
 * (Chromium and Firefox: see docs/architecture.md) and a fresh File sees every flushed write. */
async function pieceFileSnapshot(storageId: string): Promise<Blob> {
  const handle = await (await pieceDirectory()).getFileHandle(storageId);
  return handle.getFile();
}

/** A complete torrent's piece file, which nothing writes any more: every piece verified (so flushed), the torrent
 * neither sealed nor read in place. Undefined otherwise, or when the file cannot be opened (the pieces are read one
 * by one then). */
async function completePieceFile(found: StoredTorrent, db: IdbStore): Promise<Blob | undefined> {
  if (found.inPlace || found.sealed) return undefined;
  const [map] = await db.getMany([verifiedKey(found.storageId)]);
  const verified = VerifiedMap.fromStored(map);
  for (let index = 0; index < found.files.pieceCount; index++) if (!verified.has(index)) return undefined;
  try {
    const file = await pieceFileSnapshot(found.storageId);
    return file.size >= found.length ? file : undefined;
  } catch {
    return undefined;
  }
}

async function serve(
  infoHashHex: string,
  fileIndex: number,
  range: string | null,
  download: boolean,
  destination = '',
) {
  let found;
  try {
    found = await torrent(infoHashHex);
  } catch (error) {
    return textResponse(500, `cannot read this torrent: ${(error as Error).message}\n`);
  }
  if (!found) return textResponse(404, 'this torrent is not here, or its metadata is not known yet\n');
  const db = store!;
  const key = `${infoHashHex}/${fileIndex}`;
  const stream = ++streamCount;
  newestStream.set(key, stream);
  const wisher = new StreamWisher(infoHashHex, (wish) => wishes.postMessage(wish));
  const runs = new PieceRuns(() => pieceFileSnapshot(found.storageId), found);
  const readStored = async (index: number, last: number): Promise<ArrayBuffer | undefined> => {
    if (found.inPlace) return (await found.inPlace.readPieces([index]))[0];
    const kept = runs.kept(index);
    if (kept) return kept;
    // A piece's bit is set once its bytes are flushed to the file; a piece stored before the files is an entry.
    const [map, value] = await db.getMany([verifiedKey(found.storageId), pieceKey(found.storageId, index)]);
    const verified = VerifiedMap.fromStored(map);
    if (verified.has(index)) return runs.read(index, last, verified);
    return value instanceof ArrayBuffer ? value : undefined;
  };
  const source: PieceSource = {
    async read(index, last) {
      const piece = fresh.get(infoHashHex, index) ?? (await readStored(index, last));
      // A record that does not open fails the stream: nothing decrypted wrongly is ever written.
      return piece && found.sealed ? found.sealed.decrypt(index, piece) : piece;
    },
    // An older stream of the same file (the request a seek left behind) steers the engine only with the piece it
    // is still blocked on (lib/messages/stream-wishes.ts).
    want: (indices, seek) => wisher.want(indices, seek, newestStream.get(key) === stream),
    waiting: (index) => wisher.waiting(index, newestStream.get(key) === stream, Date.now()),
    pause: () => fresh.pause(POLL_MS),
  };
  const name = found.files.files[fileIndex]?.path.at(-1) ?? '';
  const attachment = servedAsAttachment(contentTypeOf(name), destination, download);
  return fileResponse(found.files, fileIndex, range, attachment, source, await completePieceFile(found, db));
}

/** `Save all as .zip`: the files, each streamed as `serve` streams it, one after the other into one zip. */
async function serveZip(infoHashHex: string, name: string, fileIndices: number[]): Promise<Response> {
  let found;
  try {
    found = await torrent(infoHashHex);
  } catch (error) {
    return textResponse(500, `cannot read this torrent: ${(error as Error).message}\n`);
  }
  const files = found && fileIndices.map((index) => found.files.files[index]);
  if (!files || files.some((file) => !file)) return textResponse(404, 'no such files in this torrent\n');
  return zipResponse(
    name,
    files.map((file, i) => ({
      path: file.path,
      length: file.length,
      open: async () => {
        const response = await serve(infoHashHex, fileIndices[i], null, false);
        if (!response.ok) throw new Error(await response.text());
        return response.body;
      },
    })),
  );
}
