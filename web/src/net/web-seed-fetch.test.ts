// The fetcher's time bounds, with the clock faked: a server that never answers, and one that trickles its body, are
// left after IDLE_MS; one that keeps sending is read to the end. And when a request is aborted once its body is in:
// only when the body goes on past the bytes asked for, or its length was not given.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../../shared/engine/contract/engine-types';
import { until } from '../../../shared/testing/until';
import { directSeedFetch } from './seed-transport';
import { IDLE_MS, PROGRESS_BYTES, WebSeedFetcher } from './web-seed-fetch';
import { seedFetchAction } from './testing/seed-fetch-action';

const action = seedFetchAction(4 * PROGRESS_BYTES);

/** A fetch that never answers until aborted. */
const silent: typeof fetch = (_url, init) =>
  new Promise((_resolve, reject) =>
    init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
  );

/** A 206 whose body sends `chunk` bytes every `everyMs`, for `times` chunks. */
function trickle(chunk: number, everyMs: number, times: number): typeof fetch {
  return async (_url, init) => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, everyMs));
        if (init?.signal?.aborted) return controller.error(new Error('aborted'));
        controller.enqueue(new Uint8Array(chunk));
        if (++sent === times) controller.close();
      },
    });
    return new Response(body, { status: 206 });
  };
}

function run(
  fetchFn: typeof fetch,
  fetcher = new WebSeedFetcher('https:', directSeedFetch(fetchFn)),
): EngineEvent[] {
  const events: EngineEvent[] = [];
  fetcher.fetch(action, (event) => events.push(event));
  return events;
}

const kinds = (events: EngineEvent[]) =>
  events.map((event) => (event.type === 'webseed-failed' ? `failed: ${event.reason}` : event.type));

describe('how long a web seed may take', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('leaves a server that does not answer, in words', async () => {
    const events = run(silent);
    await vi.advanceTimersByTimeAsync(IDLE_MS + 1);
    expect(kinds(events)).toEqual(['failed: the server did not answer']);
  });

  it('leaves a server that sends less than PROGRESS_BYTES of its body in IDLE_MS', async () => {
    const events = run(trickle(1024, IDLE_MS / 3, 1000));
    await vi.advanceTimersByTimeAsync(3 * IDLE_MS);
    expect(kinds(events).at(-1)).toBe('failed: the server stopped sending');
    expect(kinds(events).filter((kind) => kind === 'webseed-data').length).toBeLessThan(4);
  });

  it('reads a body that keeps coming to its end', async () => {
    const events = run(trickle(PROGRESS_BYTES, IDLE_MS / 2, 4));
    await vi.advanceTimersByTimeAsync(3 * IDLE_MS);
    expect(kinds(events)).toEqual([
      'webseed-data',
      'webseed-data',
      'webseed-data',
      'webseed-data',
      'webseed-end',
    ]);
  });
});

/** A 206 of `bytes` bytes in 16 KiB chunks, saying `length` as its Content-Length (none when undefined); `signals`
 * gets each request's abort signal. */
function answering(bytes: number, length: number | undefined, signals: AbortSignal[]): typeof fetch {
  return async (_url, init) => {
    signals.push(init!.signal!);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const size = Math.min(16 * 1024, bytes - sent);
        if (size === 0) return controller.close();
        controller.enqueue(new Uint8Array(size));
        sent += size;
      },
    });
    const headers: Record<string, string> = length === undefined ? {} : { 'Content-Length': String(length) };
    return new Response(body, { status: 206, headers });
  };
}

/** The request's events once its run is over, and whether it was aborted. */
async function settled(bytes: number, length: number | undefined) {
  const signals: AbortSignal[] = [];
  const fetcher = new WebSeedFetcher('https:', directSeedFetch(answering(bytes, length, signals)));
  const events = run(fetch, fetcher);
  await until(() => events.length > 0 && fetcher.size === 0, { what: 'the request to end' });
  const received = events.reduce(
    (sum, event) => sum + (event.type === 'webseed-data' ? event.data.length : 0),
    0,
  );
  return { kinds: kinds(events), received, aborted: signals[0].aborted };
}

describe('a request whose body is in', () => {
  const asked = action.end - action.start;

  it('is not aborted when the body ended with the bytes asked for (no failure for the browser to log)', async () => {
    const result = await settled(asked, asked);
    expect(result.kinds.at(-1)).toBe('webseed-end');
    expect(result.received).toBe(asked);
    expect(result.aborted).toBe(false);
  });

  it('is aborted when the body goes on past the bytes asked for, which are all the engine gets', async () => {
    const result = await settled(asked + PROGRESS_BYTES, asked + PROGRESS_BYTES);
    expect(result.kinds.at(-1)).toBe('webseed-end');
    expect(result.received).toBe(asked);
    expect(result.aborted).toBe(true);
  });

  it('is aborted when the body does not say its length (its end is not waited for)', async () => {
    const result = await settled(asked, undefined);
    expect(result.received).toBe(asked);
    expect(result.aborted).toBe(true);
  });
});
