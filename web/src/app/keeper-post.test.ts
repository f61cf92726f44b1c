// What the page sends the keeper's routes: JSON said so, the stop token with a status, and a request the tracker
// found over the address's budget sent again after the wait it names.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepStatus, POST_RETRIES, stopKeep } from './keeper';

const HASH = 'a'.repeat(40);

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** fetch answering each call with the next status (and a JSON body), every 429 naming a wait of `retryAfter`. */
function answers(statuses: number[], retryAfter = '2') {
  const fetch = vi.fn(async (_path: string, _init?: RequestInit) => {
    const status = statuses.shift() ?? 500;
    const headers = status === 429 ? { 'retry-after': retryAfter } : undefined;
    return new Response(JSON.stringify({ ok: status === 200, error: `status ${status}` }), {
      status,
      headers,
    });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe("the page's requests to the keeper", () => {
  it('are sent as JSON, and again after the wait a 429 names', async () => {
    vi.useFakeTimers();
    const fetch = answers([429, 429, 200]);
    const answer = stopKeep(HASH, 'token');
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2001);
    expect(await answer).toMatchObject({ ok: true, status: 200 });
    expect(fetch).toHaveBeenCalledTimes(3);
    for (const [, init] of fetch.mock.calls)
      expect(init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
  });

  it("give up after POST_RETRIES with the tracker's words", async () => {
    vi.useFakeTimers();
    const fetch = answers(Array<number>(POST_RETRIES + 5).fill(429), 'soon');
    const answer = stopKeep(HASH, 'token');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await answer).toEqual({ ok: false, error: 'status 429', status: 429 });
    expect(fetch).toHaveBeenCalledTimes(POST_RETRIES + 1);
  });

  it("ask a share's status with its stop token", async () => {
    const fetch = answers([200]);
    await keepStatus(HASH, 'the-token');
    expect(fetch.mock.calls[0][1]).toMatchObject({ headers: { 'x-keep-stop-token': 'the-token' } });
  });
});
