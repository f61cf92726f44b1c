// The fetcher's time bounds, with the clock faked: a server that never answers, and one that trickles its body, are
// left after IDLE_MS; one that keeps sending is read to the end.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../../../shared/engine/contract/engine-types';
import { IDLE_MS, PROGRESS_BYTES, WebSeedFetcher } from './web-seed-fetch';

const action = {
  type: 'webseed-fetch' as const,
  request: 1,
  seed: 'https://s.example/d',
  url: 'https://s.example/d/a',
  file: 0,
  start: 0,
  end: 4 * PROGRESS_BYTES,
};

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

function run(fetchFn: typeof fetch): EngineEvent[] {
  const events: EngineEvent[] = [];
  new WebSeedFetcher('https:', fetchFn).fetch(action, (event) => events.push(event));
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
