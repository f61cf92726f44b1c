// The benchmark page: runs figures 3 and 4 in a worker (where the app hashes and stores) and offers a raw
// RTCDataChannel for the baseline of figure 1. The runner calls the functions on `window.bench`.
import type { BenchReply, BenchRequest, BenchResult } from './messages';
import { rawChannel } from './raw-channel';

const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
const waiting = new Map<number, { resolve: (r: BenchResult) => void; reject: (e: Error) => void }>();
let nextId = 1;

worker.addEventListener('message', (event: MessageEvent<BenchReply>) => {
  const reply = event.data;
  const entry = waiting.get(reply.id);
  if (!entry) return;
  waiting.delete(reply.id);
  if ('error' in reply) entry.reject(new Error(reply.error));
  else entry.resolve(reply.result);
});

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

function run(request: WithoutId<BenchRequest>): Promise<BenchResult> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ ...request, id });
  });
}

const api = { run, rawChannel, ready: true };
(window as unknown as { bench: typeof api }).bench = api;
