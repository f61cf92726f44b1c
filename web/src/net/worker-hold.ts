// A worker started before the page can attach its bridge (the bridge waits for the tracker's `/config.json`, the
// worker loads its script and restores its torrents meanwhile): what it posts in between is kept, not lost, and
// given to the handlers the bridge sets, in order.
import type { WorkerLike } from './engine-bridge';

/** Holds the worker's messages and failures; the function returned hands them to the handlers set since. */
export function holdWorker(worker: WorkerLike): () => void {
  const held: Array<() => void> = [];
  worker.onmessage = (event) => held.push(() => worker.onmessage?.(event));
  worker.onerror = (event) => held.push(() => worker.onerror?.(event));
  worker.onmessageerror = (event) => held.push(() => worker.onmessageerror?.(event));
  return () => {
    for (const replay of held.splice(0)) replay();
  };
}
