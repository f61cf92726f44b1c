// The page's side of the worker's web-seed requests, over a fake transport: the answer handed over with only the
// headers the fetcher reads, the body read only as the worker pulls, the worker's abort and cancel reaching the fetch,
// failures in words, and a closing page refusing new requests.
import { describe, expect, it } from 'vitest';
import type { MainToWorker } from '../../lib/messages/protocol';
import type { SeedAnswer, SeedPageMessage, SeedRequest } from '../../lib/messages/seed-requests';
import { until } from '../../../../shared/testing/until';
import { PAGE_CLOSING, PageSeedFetches } from './page-seed-fetch';
import type { SeedResponse, SeedTransport } from '../seed-transport';

const REQUEST: SeedRequest = { url: 'https://s.example/d/a', range: { start: 0, end: 100 } };

/** A body of `chunks` chunks of 1 KiB that counts how many the page has read. */
function countedBody(chunks: number) {
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled === chunks) return controller.close();
        controller.enqueue(new Uint8Array(1024).fill(state.pulled++));
      },
      cancel: () => void (state.cancelled = true),
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

function response(
  body: ReadableStream<Uint8Array> | null,
  headers: Record<string, string> = {},
): SeedResponse {
  const url = 'https://t.example/a';
  return { status: 206, type: 'cors', redirected: true, url, headers: new Headers(headers), body };
}

/** A transport that answers `answer` (or fails with it) when `release` is called, recording its calls. */
function heldTransport(answer: () => SeedResponse | Error) {
  const calls: Array<{ request: SeedRequest; signal: AbortSignal }> = [];
  let release = () => {};
  const transport: SeedTransport = (request, signal) =>
    new Promise((resolve, reject) => {
      calls.push({ request, signal });
      release = () => {
        const result = answer();
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
    });
  return { transport, calls, release: () => release() };
}

function page(transport: SeedTransport) {
  const posted: SeedPageMessage[] = [];
  const fetches = new PageSeedFetches(
    (message: MainToWorker) => posted.push(message as SeedPageMessage),
    transport,
  );
  return { fetches, posted };
}

const answerOf = (message: SeedPageMessage | undefined): SeedAnswer => {
  if (!message || !('answer' in message)) throw new Error(`no answer: ${JSON.stringify(message)}`);
  return message.answer;
};

describe("the page's web-seed requests for the worker", () => {
  it('hands over the status, the final URL, only the headers the fetcher reads, and the body', async () => {
    const { body } = countedBody(3);
    const held = heldTransport(() =>
      response(body, {
        'Content-Length': '3072',
        'Content-Range': 'bytes 0-3071/9000',
        'Retry-After': '5',
        'Set-Cookie': 'x',
        'X-Other': 'y',
      }),
    );
    const { fetches, posted } = page(held.transport);
    fetches.fetch(7, REQUEST);
    expect(held.calls.map((call) => call.request)).toEqual([REQUEST]);
    held.release();
    await until(() => posted.length === 1);
    const answer = answerOf(posted[0]);
    expect(posted[0]!.id).toBe(7);
    expect({ ...answer, body: undefined }).toEqual({
      status: 206,
      type: 'cors',
      redirected: true,
      url: 'https://t.example/a',
      headers: { 'Content-Length': '3072', 'Content-Range': 'bytes 0-3071/9000', 'Retry-After': '5' },
      body: undefined,
    });
    const bytes = new Uint8Array(await new Response(answer.body).arrayBuffer());
    expect([...bytes.filter((_, i) => i % 1024 === 0)]).toEqual([0, 1, 2]);
    // The body read to its end: the request is forgotten, its fetch never aborted.
    expect(fetches.size).toBe(0);
    expect(held.calls[0]!.signal.aborted).toBe(false);
  });

  it("reads the fetch's body only as the worker pulls", async () => {
    const { body, state } = countedBody(1000);
    const held = heldTransport(() => response(body));
    const { fetches, posted } = page(held.transport);
    fetches.fetch(1, REQUEST);
    held.release();
    await until(() => posted.length === 1);
    const reader = answerOf(posted[0]).body!.getReader();
    for (let read = 0; read < 5; read++) await reader.read();
    await until(() => state.pulled >= 5, { polls: 10, intervalMs: 0 });
    expect(state.pulled).toBeLessThanOrEqual(6);
  });

  it("aborts the fetch when the worker aborts, before the answer, and drops the late answer's body", async () => {
    const { body, state } = countedBody(2);
    const held = heldTransport(() => response(body));
    const { fetches, posted } = page(held.transport);
    fetches.fetch(1, REQUEST);
    fetches.abort(1);
    expect(held.calls[0]!.signal.aborted).toBe(true);
    held.release();
    await until(() => state.cancelled, { what: 'the late body cancelled' });
    expect(posted).toEqual([]);
  });

  it('aborts the fetch when the worker aborts or cancels while it reads the body', async () => {
    for (const stop of ['abort', 'cancel'] as const) {
      const held = heldTransport(() => response(countedBody(1000).body));
      const { fetches, posted } = page(held.transport);
      fetches.fetch(1, REQUEST);
      held.release();
      await until(() => posted.length === 1);
      const reader = answerOf(posted[0]).body!.getReader();
      await reader.read();
      if (stop === 'abort') fetches.abort(1);
      else await reader.cancel();
      expect(held.calls[0]!.signal.aborted).toBe(true);
      expect(fetches.size).toBe(0);
    }
  });

  it('says why a fetch failed, as the fetch said it', async () => {
    const held = heldTransport(() => new TypeError('NetworkError when attempting to fetch resource.'));
    const { fetches, posted } = page(held.transport);
    fetches.fetch(3, REQUEST);
    held.release();
    await until(() => posted.length === 1);
    expect(posted).toEqual([
      { type: 'seed-answer', id: 3, failure: { error: 'NetworkError when attempting to fetch resource.' } },
    ]);
    expect(fetches.size).toBe(0);
  });

  it('stops every fetch when the worker is replaced, and refuses new requests in words once the page closes', () => {
    const held = heldTransport(() => response(null));
    const { fetches, posted } = page(held.transport);
    fetches.fetch(1, REQUEST);
    fetches.fetch(2, REQUEST);
    fetches.abortAll();
    expect(held.calls.map((call) => call.signal.aborted)).toEqual([true, true]);
    fetches.fetch(3, REQUEST);
    fetches.close();
    expect(held.calls[2]!.signal.aborted).toBe(true);
    fetches.fetch(4, REQUEST);
    expect(held.calls).toHaveLength(3);
    expect(posted).toEqual([
      { type: 'seed-answer', id: 4, failure: { error: PAGE_CLOSING, unavailable: true } },
    ]);
  });
});
