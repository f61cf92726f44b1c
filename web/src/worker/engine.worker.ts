// The engine worker: hosts a TorrentSession per torrent, hashes with SubtleCrypto and stores verified pieces in
// one origin-private file per torrent (IndexedDB where the browser has no synchronous access handles), and reads
// and writes the connections' data channels itself where the page could transfer them (peer-channels.ts). Start it
// from the main thread with
//   new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module' })
// and talk to it with the messages of lib/protocol.ts.
import { TorrentSession } from '../../../shared/engine/session/session';
import type { MainToWorker, WorkerToMain } from '../lib/protocol';
import {
  MemoryStore,
  PIECE_STORE_SETTING,
  StorageUnavailableError,
  storageErrorReason,
  type KeyValueStore,
} from '../lib/storage';
import { appNodeHash } from '../lib/hash';
import { IdbStore } from '../lib/storage-idb';
import { Client } from './client';
import { OpfsDirectory, syncHandlesAvailable } from './opfs-directory';
import { PeerChannels, type HeldChannel } from './peer-channels';
import type { SyncFileDirectory } from './sync-file';
import { SendBatcher } from './send-batcher';
import { FRESH_PIECES_CHANNEL, type FreshPieceMessage } from '../lib/fresh-pieces';
import { STREAM_WISHES_CHANNEL, streamWish } from '../lib/stream-wishes';
import type { TorrentGoneMessage, TorrentKnownMessage } from '../lib/known-torrents';

/** Verified pieces a stream waits for go to the service worker on this channel (see lib/fresh-pieces.ts). */
const freshPieces = new BroadcastChannel(FRESH_PIECES_CHANNEL);

/** Engine timers (choke rounds, timeouts) run on this tick; the torrent list is posted every other tick. */
const TICK_MS = 250;

/** Sends to peers go out once per task, joined per peer (see send-batcher.ts). */
const batcher = new SendBatcher((message: WorkerToMain, transfer: Transferable[] = []) =>
  self.postMessage(message, { transfer }),
);

/** The data channels this worker holds (see peer-channels.ts): their sends are written here, not posted. */
const channels = new PeerChannels({
  post: (message) => batcher.post(message),
  deliver: (message) => dispatch(message),
});
const post: typeof batcher.post = (message, transfer) => {
  if (!channels.take(message)) batcher.post(message, transfer);
};
// Before anything else: the page moves channels here only if this worker can hold them.
batcher.post({ type: 'channel-support', transferable: typeof RTCDataChannel === 'function' });

/** IndexedDB, or when it cannot be opened (private mode) a store that fails every operation with the reason, so
 * each torrent shows `Error: storage unavailable: ...`. */
async function openStore(): Promise<KeyValueStore> {
  try {
    const store = new IdbStore();
    await store.open();
    return store;
  } catch (error) {
    const failing = new MemoryStore();
    failing.failure =
      error instanceof StorageUnavailableError
        ? error
        : new StorageUnavailableError(`storage unavailable: ${storageErrorReason(error)}`);
    return failing;
  }
}

/** A build made with `VITE_PIECE_STORE=indexeddb` keeps piece bytes in IndexedDB everywhere (to run the e2e suite
 * on that store in browsers that have synchronous handles). */
const FORCED_INDEXEDDB = (import.meta.env.VITE_PIECE_STORE as string | undefined) === 'indexeddb';

/** The origin-private piece directory where this worker can hold synchronous handles, unless the build or the stored
 * setting asks for IndexedDB (the tests of that store in a browser that has both). */
async function openPieceDirectory(store: KeyValueStore): Promise<SyncFileDirectory | undefined> {
  if (FORCED_INDEXEDDB || !syncHandlesAvailable()) return undefined;
  try {
    const [setting] = await store.getMany([PIECE_STORE_SETTING]);
    if ((setting as { pieces?: unknown } | undefined)?.pieces === 'indexeddb') return undefined;
    return await OpfsDirectory.open();
  } catch (error) {
    console.warn(`piece files unavailable, pieces go to IndexedDB: ${storageErrorReason(error)}`);
    return undefined;
  }
}

const early: MainToWorker[] = [];
let client: Client | undefined;

function dispatch(message: MainToWorker): void {
  switch (message.type) {
    case 'channel-adopt':
      channels.adopt(message.id, message.channel as unknown as HeldChannel);
      return;
    case 'channel-close':
      channels.closedByPage(message.id);
      return;
    case 'upload-limit':
      channels.setUploadLimit(message.bytesPerSecond);
      return;
  }
  if (!client) {
    early.push(message);
    return;
  }
  client.handle(message).catch((error: unknown) => console.error('engine worker:', error));
  // The engine knows the connection now: what its channel received meanwhile follows.
  if (message.type === 'peer-connected' && message.channel !== undefined)
    channels.bind(message.infoHashHex, message.peer, message.channel);
}

self.addEventListener('message', (event: MessageEvent<MainToWorker>) => dispatch(event.data));
// What the service worker's streams wait for comes straight from it (lib/stream-wishes.ts), checked first.
new BroadcastChannel(STREAM_WISHES_CHANNEL).onmessage = (event: MessageEvent) => {
  const wish = streamWish(event.data);
  if (wish) dispatch(wish);
};

void (async () => {
  const store = await openStore();
  const pieceDirectory = await openPieceDirectory(store);
  const nodeHash = await appNodeHash();
  const started = new Client({
    store,
    ...(pieceDirectory ? { pieceDirectory } : {}),
    nodeHash,
    post,
    createSession: (options) => new TorrentSession(options),
    retract: (infoHashHex, peer, index, begin, length) =>
      channels.retract(infoHashHex, peer, index, begin, length),
    torrentKnown: (infoHashHex, storageId, infoBytes) => {
      const message: TorrentKnownMessage = { type: 'torrent-known', infoHashHex, storageId, infoBytes };
      freshPieces.postMessage(message);
    },
    torrentGone: (infoHashHex) => {
      const message: TorrentGoneMessage = { type: 'torrent-gone', infoHashHex };
      freshPieces.postMessage(message);
    },
    pieceForStream: (infoHashHex, index, data) => {
      const message: FreshPieceMessage = { type: 'piece-verified', infoHashHex, index, data };
      freshPieces.postMessage(message);
    },
  });
  client = started;
  for (const message of early.splice(0)) dispatch(message);
  await started.start();
  let ticks = 0;
  setInterval(() => {
    started.tick();
    if (++ticks % 2 === 0) started.publish();
  }, TICK_MS);
})();
