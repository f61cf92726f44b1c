// A web seed's request made by the page for the engine worker, where the worker's own fetch cannot be cancelled
// (net/seed-request-place.ts says where): the worker asks (`seed-fetch`), the page answers once with the status, the
// headers the fetcher reads and the body as a transferred stream (`seed-answer`), and an abort from the engine
// reaches the page's fetch (`seed-abort`). The page's side is net/page/page-seed-fetch.ts, the worker's
// worker/transport/relayed-seed-fetch.ts.

/** A HEAD that needs no preflight, made after a failed fetch to tell why (net/web-seed-probe.ts): `reach`, without
 * CORS, tells whether the server answers at all; `redirect`, with redirects not followed, whether it redirects. */
export type SeedProbe = 'reach' | 'redirect';

/** One request to a web seed, as plain data: `range` the bytes [start, end) asked for (none: the whole file), or a
 * `probe`. */
export interface SeedRequest {
  url: string;
  range?: { start: number; end: number };
  probe?: SeedProbe;
}

/** The answer's headers the fetcher reads; the page hands on only these. */
export const SEED_HEADERS = ['Content-Length', 'Content-Range', 'Retry-After'] as const;

/** An answer as the page hands it to the worker: the body's stream transferred, never read on the page. */
export interface SeedAnswer {
  status: number;
  /** The Fetch answer's type (`opaqueredirect` for a redirect not followed). */
  type: string;
  redirected: boolean;
  /** Where the request ended after redirects. */
  url: string;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}

/** The page could not make the request: `unavailable` when the page itself cannot (it is closing), in words; else
 * the fetch failed (network, CORS), as a fetch made by the worker would. */
export interface SeedFailure {
  error: string;
  unavailable?: true;
}

export type SeedWorkerMessage =
  /** Make this request for the worker; `id` names it in the answer and an abort. */
  | { type: 'seed-fetch'; id: number; request: SeedRequest }
  /** The engine aborted the request: abort its fetch and its body. */
  | { type: 'seed-abort'; id: number };

export type SeedPageMessage = { type: 'seed-answer'; id: number } & (
  { answer: SeedAnswer } | { failure: SeedFailure }
);
