import { describe, expect, it } from 'vitest';
import { ExactSourceError, fetchExactSource } from './exact-source';
import type { SeedResponse, SeedTransport } from './seed-transport';

const URL_ = 'https://files.example.org/share/Photos%202024.torrent';

function answer(status: number, body: ReadableStream<Uint8Array> | null, length?: number): SeedResponse {
  return {
    status,
    type: 'cors',
    redirected: false,
    url: URL_,
    headers: { get: (name) => (name === 'Content-Length' && length !== undefined ? String(length) : null) },
    body,
  };
}

/** A body of `chunks` chunks of `size` bytes, counting the chunks pulled. */
function body(chunks: number, size: number) {
  const pulled = { count: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.count === chunks) return controller.close();
      pulled.count++;
      controller.enqueue(new Uint8Array(size).fill(pulled.count));
    },
  });
  return { stream, pulled };
}

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExactSourceError);
  return (error as Error).message;
};

describe('fetchExactSource', () => {
  it('reads the whole answer as one buffer, with a plain GET', async () => {
    const { stream } = body(3, 1000);
    const asked: unknown[] = [];
    const transport: SeedTransport = async (request) => (asked.push(request), answer(200, stream));
    const bytes = new Uint8Array(await fetchExactSource(URL_, { transport }));
    expect(bytes.length).toBe(3000);
    expect([bytes[0], bytes[1500], bytes[2999]]).toEqual([1, 2, 3]);
    expect(asked).toEqual([{ url: URL_ }]);
  });

  it('stops reading past the bound, and refuses a Content-Length over it before reading', async () => {
    const { stream, pulled } = body(1000, 1024);
    const transport: SeedTransport = async () => answer(200, stream);
    expect(await failure(fetchExactSource(URL_, { transport, maxBytes: 10_000 }))).toBe(
      'Photos 2024.torrent on files.example.org is larger than a .torrent may be (10000 bytes)',
    );
    expect(pulled.count).toBeLessThan(20);
    const declared = body(1, 10);
    const told: SeedTransport = async () => answer(200, declared.stream, 20_000);
    await failure(fetchExactSource(URL_, { transport: told, maxBytes: 10_000 }));
    // The stream fills its one-chunk queue when made; nothing more is pulled.
    expect(declared.pulled.count).toBeLessThanOrEqual(1);
  });

  it('says a missing file, another status, a refused or failed fetch, and a server that never answers', async () => {
    const status =
      (code: number): SeedTransport =>
      async () =>
        answer(code, null);
    expect(await failure(fetchExactSource(URL_, { transport: status(410) }))).toBe(
      'Photos 2024.torrent on files.example.org is not there (410)',
    );
    expect(await failure(fetchExactSource(URL_, { transport: status(503) }))).toBe(
      'Photos 2024.torrent on files.example.org: the server answered 503',
    );
    const refused: SeedTransport = async () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await failure(fetchExactSource(URL_, { transport: refused }))).toMatch(
      /could not be read: the server cannot be reached, or does not allow this page to read it/,
    );
    const silent: SeedTransport = (_request, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    expect(await failure(fetchExactSource(URL_, { transport: silent, timeoutMs: 5 }))).toBe(
      'Photos 2024.torrent on files.example.org did not come within 0.005 s',
    );
  });
});
