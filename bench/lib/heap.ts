// The JavaScript heap of a tab through the Chrome DevTools Protocol: the page's own isolate and, when the
// protocol lets us attach to it, each dedicated worker's (the engine worker holds the pieces).
import type { CDPSession, Page } from '@playwright/test';

/** The peak of page + workers in bytes, and the peaks of each part. */
export interface HeapPeak {
  peak: number;
  pagePeak: number;
  workerPeak: number;
  workers: number;
  samples: number;
}

export interface HeapSampler {
  /** Stops sampling. */
  stop(): Promise<HeapPeak>;
}

/** "page 40 MB + 2 worker(s) 20 MB, 120 samples". */
export const heapNote = (heap: HeapPeak): string =>
  `page ${(heap.pagePeak / 1e6).toFixed(0)} MB + ${heap.workers} worker(s) ` +
  `${(heap.workerPeak / 1e6).toFixed(0)} MB, ${heap.samples} samples`;

interface HeapUsage {
  usedSize: number;
  /** Chromium 120 and later: Blink's own heap, and the backing stores of ArrayBuffers (where pieces live). */
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

/** The JS heap with what hangs off it: ArrayBuffer backing stores and the embedder's heap. */
function heapBytes(usage: HeapUsage): number {
  return usage.usedSize + (usage.embedderHeapUsedSize ?? 0) + (usage.backingStorageSize ?? 0);
}

export async function sampleHeap(page: Page, everyMs = 250): Promise<HeapSampler> {
  const session: CDPSession = await page.context().newCDPSession(page);
  const workers = new Map<string, number>(); // sessionId -> latest used bytes
  const pending = new Map<number, string>();
  let nextId = 1;
  session.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.type === 'worker') workers.set(event.sessionId, 0);
  });
  session.on('Target.detachedFromTarget', (event) => {
    if (event.sessionId) workers.delete(event.sessionId);
  });
  session.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message) as { id?: number; result?: HeapUsage };
    if (message.id === undefined || !pending.has(message.id)) return;
    const sessionId = pending.get(message.id)!;
    pending.delete(message.id);
    if (message.result?.usedSize !== undefined && workers.has(sessionId))
      workers.set(sessionId, heapBytes(message.result));
  });
  try {
    await session.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
  } catch {
    // Without it only the page's heap is sampled.
  }
  let pagePeak = 0;
  let workerPeak = 0;
  let peak = 0;
  let samples = 0;
  let stopped = false;
  const sample = async () => {
    if (stopped) return;
    try {
      const usedSize = heapBytes((await session.send('Runtime.getHeapUsage')) as HeapUsage);
      for (const sessionId of workers.keys()) {
        const id = nextId++;
        pending.set(id, sessionId);
        void session
          .send('Target.sendMessageToTarget', {
            sessionId,
            message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
          })
          .catch(() => {});
      }
      const workerBytes = [...workers.values()].reduce((a, b) => a + b, 0);
      pagePeak = Math.max(pagePeak, usedSize);
      workerPeak = Math.max(workerPeak, workerBytes);
      peak = Math.max(peak, usedSize + workerBytes);
      samples++;
    } catch {
      // The page is navigating or closing.
    }
  };
  const timer = setInterval(() => void sample(), everyMs);
  await sample();
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      stopped = true;
      await session.detach().catch(() => {});
      return { peak, pagePeak, workerPeak, workers: workers.size, samples };
    },
  };
}
