// The engine worker: hosts a TorrentSession per torrent, hashes with SubtleCrypto and stores verified pieces in
// IndexedDB. Start it from the main thread with
//   new Worker(new URL('./worker/engine.worker.ts', import.meta.url), { type: 'module' })
// and talk to it with the messages of lib/protocol.ts.
import { TorrentSession } from '../../../shared/engine/session';
import type { MainToWorker, WorkerToMain } from '../lib/protocol';
import { MemoryStore, StorageUnavailableError, storageErrorReason, type KeyValueStore } from '../lib/storage';
import { IdbStore } from '../lib/storage-idb';
import { Client } from './client';
import { SendBatcher } from './send-batcher';

/** Engine timers (choke rounds, timeouts) run on this tick; the torrent list is posted every other tick. */
const TICK_MS = 250;

/** Sends to peers go out once per task, joined per peer (see send-batcher.ts). */
const batcher = new SendBatcher((message: WorkerToMain, transfer: Transferable[] = []) =>
  self.postMessage(message, { transfer }),
);
const post = batcher.post;

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

const early: MainToWorker[] = [];
let client: Client | undefined;

function dispatch(message: MainToWorker): void {
  if (!client) {
    early.push(message);
    return;
  }
  client.handle(message).catch((error: unknown) => console.error('engine worker:', error));
}

self.addEventListener('message', (event: MessageEvent<MainToWorker>) => dispatch(event.data));

void (async () => {
  const store = await openStore();
  const started = new Client({
    store,
    post,
    createSession: (options) => new TorrentSession(options),
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
