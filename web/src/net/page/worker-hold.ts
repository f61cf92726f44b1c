// A worker started before the page can attach its bridge (the bridge waits for the tracker's `/config.json`, the
// worker loads its script and restores its torrents meanwhile): what it posts in between is kept, not lost, and
// given to the handlers the bridge sets, in order.
import type { WorkerLike } from './engine-bridge';

/** An error thrown by a handler, reported as the browser reports one thrown in an event handler (to the console and
 * the page's `error` event) without stopping the events after it. */
function reportUncaught(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else console.error(error);
}

/**
 * Holds the worker's messages and failures; the function returned hands them to the handlers set since. Each is
 * handed over on its own, as the browser would have dispatched it: one whose handler throws is reported and the
 * later ones (the worker's `ready` among them) are still given.
 */
export function holdWorker(worker: WorkerLike, report = reportUncaught): () => void {
  const held: Array<() => void> = [];
  worker.onmessage = (event) => held.push(() => worker.onmessage?.(event));
  worker.onerror = (event) => held.push(() => worker.onerror?.(event));
  worker.onmessageerror = (event) => held.push(() => worker.onmessageerror?.(event));
  return () => {
    for (const replay of held.splice(0)) {
      try {
        replay();
      } catch (error) {
        report(error);
      }
    }
  };
}
