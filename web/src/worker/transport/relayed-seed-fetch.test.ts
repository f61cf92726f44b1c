// The worker's side of web-seed requests the page makes: requests and aborts posted, answers and failures taken back;
// then the whole hand-over, the fetcher in the "worker" and the page's fetches on the two ends of a real
// MessageChannel (the body's stream transferred as the browser transfers it): the bytes come through whole, and an
// abort from the engine aborts the page's fetch.
import { MessageChannel, type TransferListItem } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../../shared/codec/bytes';
import type { EngineEvent } from '../../../../shared/engine/contract/engine-types';
import { until } from '../../../../shared/testing/until';
import type { MainToWorker, WorkerToMain } from '../../lib/messages/protocol';
import type { SeedPageMessage, SeedRequest } from '../../lib/messages/seed-requests';
import { PageSeedFetches } from '../../net/page/page-seed-fetch';
import { directSeedFetch, SeedUnavailableError } from '../../net/seed-transport';
import { WebSeedFetcher } from '../../net/web-seed-fetch';
import { seedFetchAction } from '../../net/testing/seed-fetch-action';
import { RelayedSeedFetch } from './relayed-seed-fetch';

const REQUEST: SeedRequest = { url: 'https://s.example/d/a', range: { start: 0, end: 10 } };

function relayed() {
  const posted: WorkerToMain[] = [];
  return { relay: new RelayedSeedFetch((message) => posted.push(message)), posted };
}

const answer = (id: number, body: ReadableStream<Uint8Array> | null = null): SeedPageMessage => ({
  type: 'seed-answer',
  id,
  answer: {
    status: 206,
    type: 'cors',
    redirected: false,
    url: REQUEST.url,
    headers: { 'Retry-After': '3' },
    body,
  },
});

describe('web-seed requests the page makes for the worker', () => {
  it('posts the request and resolves with the answer, its headers readable', async () => {
    const { relay, posted } = relayed();
    const response = relay.fetch(REQUEST, new AbortController().signal);
    expect(posted).toEqual([{ type: 'seed-fetch', id: 1, request: REQUEST }]);
    relay.answer(answer(1));
    const got = await response;
    expect(got.status).toBe(206);
    expect(got.headers.get('retry-after')).toBe('3');
    expect(relay.size).toBe(0);
  });

  it('posts an abort before the answer, rejects as fetch does, and cancels the late body', async () => {
    const { relay, posted } = relayed();
    const controller = new AbortController();
    const response = relay.fetch(REQUEST, controller.signal);
    controller.abort();
    await expect(response).rejects.toMatchObject({ name: 'AbortError' });
    expect(posted.at(-1)).toEqual({ type: 'seed-abort', id: 1 });
    let cancelled = false;
    relay.answer(answer(1, new ReadableStream({ cancel: () => void (cancelled = true) })));
    await until(() => cancelled, { what: 'the late body cancelled' });
  });

  it('posts an abort while the body is read, so the page stops its fetch', async () => {
    const { relay, posted } = relayed();
    const controller = new AbortController();
    const response = relay.fetch(REQUEST, controller.signal);
    relay.answer(answer(1, new ReadableStream()));
    await response;
    controller.abort();
    expect(posted.at(-1)).toEqual({ type: 'seed-abort', id: 1 });
  });

  it('makes no request for a signal already aborted', async () => {
    const { relay, posted } = relayed();
    await expect(relay.fetch(REQUEST, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(posted).toEqual([]);
  });

  it("fails as the page's fetch did, or with the page's words when it cannot make requests", async () => {
    const { relay } = relayed();
    const failed = relay.fetch(REQUEST, new AbortController().signal);
    const refused = relay.fetch(REQUEST, new AbortController().signal);
    relay.answer({ type: 'seed-answer', id: 1, failure: { error: 'NetworkError' } });
    relay.answer({
      type: 'seed-answer',
      id: 2,
      failure: { error: 'this page is closing', unavailable: true },
    });
    await expect(failed).rejects.toBeInstanceOf(TypeError);
    await expect(refused).rejects.toEqual(new SeedUnavailableError('this page is closing'));
  });
});

/** The worker's fetcher and the page's fetches on the two ports of a MessageChannel, the page's fetch a fake one
 * answering `bytes` (its signals recorded). */
function handOver(bytes: Uint8Array, hold: boolean) {
  const signals: AbortSignal[] = [];
  const fakeFetch: typeof fetch = async (_url, init) => {
    signals.push(init!.signal!);
    if (hold)
      await new Promise((_resolve, reject) =>
        init!.signal!.addEventListener('abort', () => reject(new Error('x'))),
      );
    const headers = { 'Content-Length': String(bytes.length) };
    return new Response(bytes.slice(), { status: 206, headers });
  };
  const { port1: pagePort, port2: workerPort } = new MessageChannel();
  const page = new PageSeedFetches(
    (message: MainToWorker, transfer?: Transferable[]) =>
      pagePort.postMessage(message, (transfer ?? []) as TransferListItem[]),
    directSeedFetch(fakeFetch),
  );
  const relay = new RelayedSeedFetch((message) => workerPort.postMessage(message));
  pagePort.on('message', (message: Extract<WorkerToMain, { type: 'seed-fetch' | 'seed-abort' }>) =>
    message.type === 'seed-fetch' ? page.fetch(message.id, message.request) : page.abort(message.id),
  );
  workerPort.on('message', (message: SeedPageMessage) => relay.answer(message));
  const close = () => {
    pagePort.close();
    workerPort.close();
  };
  return { fetcher: new WebSeedFetcher('https:', relay.fetch), page, signals, close };
}

describe('the hand-over between the page and the worker', () => {
  const action = seedFetchAction(200_000);

  it("gives the engine the page's body whole, and leaves a body read to its end unaborted", async () => {
    const bytes = new Uint8Array(action.end).map((_, i) => i % 251);
    const { fetcher, page, signals, close } = handOver(bytes, false);
    const events: EngineEvent[] = [];
    fetcher.fetch(action, (event) => events.push(event));
    await until(() => fetcher.size === 0 && page.size === 0, { what: 'the request to end on both sides' });
    const data = concatBytes(events.flatMap((event) => (event.type === 'webseed-data' ? [event.data] : [])));
    expect(Buffer.compare(data, bytes)).toBe(0);
    expect(events.at(-1)?.type).toBe('webseed-end');
    expect(signals[0]!.aborted).toBe(false);
    close();
  });

  it("aborts the page's fetch when the engine aborts the request", async () => {
    const { fetcher, page, signals, close } = handOver(new Uint8Array(10), true);
    const events: EngineEvent[] = [];
    fetcher.fetch(action, (event) => events.push(event));
    await until(() => page.size === 1, { what: "the page's fetch to start" });
    fetcher.abort(action.request);
    await until(() => signals[0]!.aborted, { what: "the page's fetch aborted" });
    expect(page.size).toBe(0);
    expect(events).toEqual([]);
    close();
  });
});
