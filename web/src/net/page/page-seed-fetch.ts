// The page's side of web-seed requests it makes for the engine worker, where the worker's own aborted fetch would
// not be cancelled (seed-request-place.ts; the messages are lib/messages/seed-requests.ts): each request is made with
// the same options as the worker's (seed-transport.ts), and its answer handed over at once, the body as a stream the
// worker pulls (one read of the fetch's body per pull, so the bytes wait in the browser's network buffers, not in
// either context's memory). The worker's abort, or its cancel of the body, aborts the fetch here, where the browser
// cancels it. The worker's side is worker/transport/relayed-seed-fetch.ts.
import type { MainToWorker } from '../../lib/messages/protocol';
import { SEED_HEADERS, type SeedAnswer, type SeedRequest } from '../../lib/messages/seed-requests';
import { directSeedFetch, type SeedResponse, type SeedTransport } from '../seed-transport';

type PostToWorker = (message: MainToWorker, transfer?: Transferable[]) => void;

/** Why a request is refused once the page has begun to close. */
export const PAGE_CLOSING = 'this page is closing';

export class PageSeedFetches {
  /** The requests whose fetch or body is running, by the worker's id. */
  private readonly running = new Map<number, AbortController>();
  private closed = false;

  constructor(
    private readonly post: PostToWorker,
    private readonly transport: SeedTransport = directSeedFetch(),
  ) {}

  /** Makes the worker's request `id` and posts its answer, or why there is none. */
  fetch(id: number, request: SeedRequest): void {
    if (this.closed)
      return this.post({ type: 'seed-answer', id, failure: { error: PAGE_CLOSING, unavailable: true } });
    const controller = new AbortController();
    this.running.set(id, controller);
    const live = () => this.running.get(id) === controller;
    this.transport(request, controller.signal).then(
      (response) => {
        if (!live()) return void response.body?.cancel().catch(() => {});
        const body = response.body ? this.relay(id, controller, response.body) : null;
        if (!body) this.running.delete(id);
        this.post({ type: 'seed-answer', id, answer: answerOf(response, body) }, body ? [body] : []);
      },
      (error: unknown) => {
        if (!live()) return;
        this.running.delete(id);
        this.post({ type: 'seed-answer', id, failure: { error: errorWords(error) } });
      },
    );
  }

  /** The engine aborted request `id`. */
  abort(id: number): void {
    this.running.get(id)?.abort();
    this.running.delete(id);
  }

  /** The worker is gone (failed and replaced): every fetch made for it stops. */
  abortAll(): void {
    for (const id of [...this.running.keys()]) this.abort(id);
  }

  /** The page is going away: every fetch stops, and later requests are refused in words. */
  close(): void {
    this.closed = true;
    this.abortAll();
  }

  /** Requests running (for tests). */
  get size(): number {
    return this.running.size;
  }

  /** The fetch's body as a stream read only as the worker pulls; its end or failure forgets the request. */
  private relay(id: number, controller: AbortController, body: ReadableStream<Uint8Array>) {
    const reader = body.getReader();
    const forget = () => {
      if (this.running.get(id) === controller) this.running.delete(id);
    };
    return new ReadableStream<Uint8Array>(
      {
        async pull(out) {
          try {
            const { done, value } = await reader.read();
            if (!done) return out.enqueue(value);
            forget();
            out.close();
          } catch (error) {
            forget();
            out.error(error);
          }
        },
        cancel: () => {
          forget();
          controller.abort();
        },
      },
      { highWaterMark: 0 },
    );
  }
}

/** The answer as the worker gets it: only the headers the fetcher reads. */
function answerOf(response: SeedResponse, body: ReadableStream<Uint8Array> | null): SeedAnswer {
  const headers: Record<string, string> = {};
  for (const name of SEED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const { status, type, redirected, url } = response;
  return { status, type, redirected, url, headers, body };
}

function errorWords(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
