import { describe, expect, it } from 'vitest';
import type { WorkerToMain } from '../../lib/messages/protocol';
import type { WorkerLike } from './engine-bridge';
import { holdWorker } from './worker-hold';

function fakeWorker(): WorkerLike {
  return { postMessage: () => {}, onmessage: null, onerror: null, onmessageerror: null };
}

describe('holdWorker', () => {
  it('gives what the worker posted before the handlers were set to them, in order', () => {
    const worker = fakeWorker();
    const release = holdWorker(worker);
    worker.onmessage?.(new MessageEvent('message', { data: { type: 'ready', restored: 2 } as WorkerToMain }));
    worker.onerror?.({ message: 'boom' } as ErrorEvent);
    const seen: string[] = [];
    worker.onmessage = (event) => seen.push(event.data.type);
    worker.onerror = (event) => seen.push(`error ${event.message}`);
    release();
    expect(seen).toEqual(['ready', 'error boom']);
  });

  it('replays each held message once', () => {
    const worker = fakeWorker();
    const release = holdWorker(worker);
    worker.onmessage?.(new MessageEvent('message', { data: { type: 'ready', restored: 0 } as WorkerToMain }));
    let count = 0;
    worker.onmessage = () => count++;
    release();
    release();
    expect(count).toBe(1);
  });

  it('still gives the later messages when a handler throws at one, and reports the error', () => {
    const worker = fakeWorker();
    const reported: unknown[] = [];
    const release = holdWorker(worker, (error) => reported.push(error));
    worker.onmessage?.(
      new MessageEvent('message', { data: { type: 'channel-support', transferable: true } }),
    );
    worker.onmessage?.(new MessageEvent('message', { data: { type: 'ready', restored: 0 } as WorkerToMain }));
    const seen: string[] = [];
    worker.onmessage = (event) => {
      if (event.data.type === 'channel-support') throw new Error('handler failed');
      seen.push(event.data.type);
    };
    release();
    expect(seen).toEqual(['ready']);
    expect(reported).toEqual([new Error('handler failed')]);
  });
});
