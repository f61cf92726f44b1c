// The engine worker: hosts a TorrentSession per torrent, hashes with SubtleCrypto (v2 pieces' leaf hashes in a hash
// worker the page starts beside it and links to it, hash/hash-link.ts) and stores verified pieces in one
// origin-private file per torrent (IndexedDB where the browser has no synchronous access handles), and reads and
// writes the connections' data channels itself where the page could transfer them (transport/owned-channels.ts).
// Start it from the main thread with
//   linkHashWorker(new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module' }), startHash)
// and talk to it with the messages of lib/messages/protocol.ts.
import { TorrentSession } from '../../../shared/engine/session/session';
import type { MainToWorker, WorkerToMain } from '../lib/messages/protocol';
import {
  MemoryStore,
  PIECE_STORE_SETTING,
  StorageUnavailableError,
  storageErrorReason,
  type KeyValueStore,
} from '../lib/storage/storage';
import { IdbStore } from '../lib/storage/storage-idb';
import { Client } from './client';
import { OpfsDirectory, syncHandlesAvailable } from './storage/opfs-directory';
import { OwnedChannels, type HeldChannel } from './transport/owned-channels';
import type { SyncFileDirectory } from './storage/sync-file';
import { SendBatcher } from './transport/send-batcher';
import { FRESH_PIECES_CHANNEL, type FreshPieceMessage } from '../lib/messages/fresh-pieces';
import { STREAM_WISHES_CHANNEL, streamWish } from '../lib/messages/stream-wishes';
import { appNodeHash, appSha256 } from '../lib/hash';
import { BlockHasher } from './hash/block-hasher';
import { hashPort } from './hash/hash-link';
import { blockHashes } from './v2/v2-session';
import type { TorrentGoneMessage, TorrentKnownMessage } from '../lib/messages/known-torrents';
import { serveHoldConfig } from '../lib/messages/serve-hold-switch';
import { superSeedConfig } from '../lib/messages/super-seed-switch';
import { peerExchangeConfig } from '../lib/messages/peer-exchange-switch';
import { seedRequestPlace } from '../net/seed-request-place';
import { RelayedSeedFetch } from './transport/relayed-seed-fetch';

/** Verified pieces a stream waits for go to the service worker on this channel (see lib/messages/fresh-pieces.ts). */
const freshPieces = new BroadcastChannel(FRESH_PIECES_CHANNEL);

/** Engine timers (choke rounds, timeouts) run on this tick; the views that changed are posted every other tick. */
const TICK_MS = 250;

/** A test's hold on what each torrent serves, from the worker's name (lib/messages/serve-hold-switch.ts). */
const serveHold = serveHoldConfig(self.name, (channel) => new BroadcastChannel(channel));
/** A bench's switch that turns super-seeding off (lib/messages/super-seed-switch.ts). */
const superSeed = superSeedConfig(self.name);
/** A bench's switch that turns peer exchange off (lib/messages/peer-exchange-switch.ts). */
const peerExchange = peerExchangeConfig(self.name);

/** Messages to the page; sends to peers whose channels the page holds go out once per task, joined per peer (see
 * transport/send-batcher.ts). */
const batcher = new SendBatcher((message: WorkerToMain, transfer: Transferable[] = []) =>
  self.postMessage(message, { transfer }),
);
const post = batcher.post;

/** The data channels this worker holds (see transport/owned-channels.ts): read and written here. */
const channels = new OwnedChannels(post);
// Before anything else: the page moves channels here only if this worker can hold them.
post({ type: 'channel-support', transferable: typeof RTCDataChannel === 'function' });

/** Web-seed requests made by the page where this worker's own aborted fetch would not be cancelled
 * (net/seed-request-place.ts); undefined where the worker fetches itself. */
const pageSeedFetch =
  seedRequestPlace(navigator.userAgent) === 'page' ? new RelayedSeedFetch(post) : undefined;

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

/** v2 pieces' leaf hashes: in the hash worker once the page links it (`hash-port`), in this thread until then. */
const hasher = new BlockHasher((data) => blockHashes(data, appSha256));

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
    // Not held until the torrents are restored: restored sessions fetch from web seeds while they are.
    case 'seed-answer':
      pageSeedFetch?.answer(message);
      return;
    case 'hash-port':
      hasher.attach(hashPort(message.port));
      return;
    case 'hash-lost':
      hasher.lost();
      return;
  }
  if (!client) {
    early.push(message);
    return;
  }
  client.handle(message).catch((error: unknown) => console.error('engine worker:', error));
}

self.addEventListener('message', (event: MessageEvent<MainToWorker>) => dispatch(event.data));
// What the service worker's streams wait for comes straight from it (lib/messages/stream-wishes.ts), checked first.
new BroadcastChannel(STREAM_WISHES_CHANNEL).onmessage = (event: MessageEvent) => {
  const wish = streamWish(event.data);
  if (wish) dispatch(wish);
};

/** Opens the storage, restores the torrents and posts `ready`, then runs the engine's timers. */
async function start(): Promise<void> {
  const store = await openStore();
  const pieceDirectory = await openPieceDirectory(store);
  const nodeHash = await appNodeHash();
  const started = new Client({
    store,
    ...(pieceDirectory ? { pieceDirectory } : {}),
    nodeHash,
    blockHashes: hasher.hash,
    post,
    createSession: (options) =>
      new TorrentSession({
        ...options,
        config: { ...options.config, ...serveHold, ...superSeed, ...peerExchange },
      }),
    channels,
    ...(pageSeedFetch ? { seedTransport: pageSeedFetch.fetch } : {}),
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
}

// A start that rejects would only be logged here, and the page would wait for `ready` for ever: reported, it reaches
// the page's `onerror` on this worker, which shows the engine as stopped, in words.
start().catch((error: unknown) => reportError(error));
