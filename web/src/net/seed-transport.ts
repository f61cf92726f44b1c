// How a web seed's request reaches the server: the one place that says what a request to a web seed is (only a
// `Range` header, which the Fetch standard lets through without a CORS preflight; `cache: 'no-store'` and
// `credentials: 'omit'` as options, not headers; redirects followed by the browser), whichever context makes it: the
// engine worker's own fetch, or the page's for the worker (page-seed-fetch.ts, where seed-request-place.ts says so).
import type { SeedRequest } from '../lib/messages/seed-requests';

/** What the fetcher reads of an answer (a `Response` is one). */
export interface SeedResponse {
  readonly status: number;
  /** The Fetch answer's type (`opaqueredirect` for a redirect not followed; a Node answer's is `default`). */
  readonly type: string;
  readonly redirected: boolean;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

/** Makes one request; rejects as `fetch` does (network, CORS, aborted through `signal`), or with
 * `SeedUnavailableError` when the context that makes requests cannot. */
export type SeedTransport = (request: SeedRequest, signal: AbortSignal) => Promise<SeedResponse>;

/** The context that makes the requests cannot (the page is closing); its message is in words. */
export class SeedUnavailableError extends Error {
  override name = 'SeedUnavailableError';
}

/** The Fetch options of a request to a web seed. */
export function seedRequestInit(request: SeedRequest, signal: AbortSignal): RequestInit {
  const common = { cache: 'no-store', credentials: 'omit', signal } as const;
  // An opaque answer to a HEAD without CORS: no preflight, no readable bytes, only whether the server answers.
  if (request.probe === 'reach') return { ...common, method: 'HEAD', mode: 'no-cors' };
  // A HEAD with no header needs no preflight either; a redirect comes back opaque, not followed.
  if (request.probe === 'redirect') return { ...common, method: 'HEAD', redirect: 'manual' };
  const { range } = request;
  return {
    ...common,
    headers: range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {},
    redirect: 'follow',
  };
}

/** Requests made with `fetchFn` (the global `fetch`) in the context that runs this. */
export function directSeedFetch(fetchFn: typeof fetch = (...args) => fetch(...args)): SeedTransport {
  return (request, signal) => fetchFn(request.url, seedRequestInit(request, signal));
}
