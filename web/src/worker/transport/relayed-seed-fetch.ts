// The worker's side of web-seed requests the page makes (lib/messages/seed-requests.ts; net/seed-request-place.ts
// says when): a `SeedTransport` whose requests are posted to the page, whose answers come back with the body's stream
// transferred, and whose aborts are posted to the page, before the answer and while its body is read, so the page
// aborts its fetch. The page's side is net/page/page-seed-fetch.ts.
import type { SeedPageMessage } from '../../lib/messages/seed-requests';
import type { WorkerToMain } from '../../lib/messages/protocol';
import { SeedUnavailableError, type SeedResponse, type SeedTransport } from '../../net/seed-transport';

type PostToPage = (message: WorkerToMain) => void;

interface Waiting {
  resolve: (response: SeedResponse) => void;
  reject: (error: Error) => void;
}

/** What `fetch` rejects with when its signal aborts. */
const aborted = (): Error => new DOMException('The request was aborted', 'AbortError');

export class RelayedSeedFetch {
  private nextId = 1;
  /** Requests posted and not answered yet, by id. */
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly post: PostToPage) {}

  readonly fetch: SeedTransport = (request, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(aborted());
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      // Kept after the answer: an abort while the body is read must stop the page's fetch too.
      signal.addEventListener(
        'abort',
        () => {
          this.waiting.delete(id);
          this.post({ type: 'seed-abort', id });
          reject(aborted());
        },
        { once: true },
      );
      this.post({ type: 'seed-fetch', id, request });
    });

  /** The page's answer to one request; one no longer waited for (aborted) has its body cancelled. */
  answer(message: SeedPageMessage): void {
    const waiting = this.waiting.get(message.id);
    if (!waiting) {
      if ('answer' in message) void message.answer.body?.cancel().catch(() => {});
      return;
    }
    this.waiting.delete(message.id);
    if ('failure' in message) {
      const { error, unavailable } = message.failure;
      return waiting.reject(unavailable ? new SeedUnavailableError(error) : new TypeError(error));
    }
    const { answer } = message;
    waiting.resolve({ ...answer, headers: new Headers(answer.headers) });
  }

  /** Requests waiting for the page's answer (for tests). */
  get size(): number {
    return this.waiting.size;
  }
}
