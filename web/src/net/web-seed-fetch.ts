// The HTTP side of web seeds (BEP 19): the engine's `webseed-fetch` actions carried out through a `SeedTransport`
// (seed-transport.ts: the worker's own fetch, or the page's where seed-request-place.ts says so), the answer streamed
// back as `webseed-data` events as it arrives. A request carries one header, `Range`, so a server needs only
// `Access-Control-Allow-Origin` to serve us. What a hostile server can cost is bounded here: the body is read up to
// the bytes asked for and no further, a 206 whose Content-Range names other bytes is refused (web-seed-answer.ts), a
// server that does not answer, or sends less than PROGRESS_BYTES of its body, in IDLE_MS is left, redirects are the
// browser's (at most 20, the URL they end at remembered per file), and an http:// seed on an https:// page is refused
// before any request. Why a fetch failed is told in words (web-seed-probe.ts).
import type { EngineAction, EngineEvent } from '../../../shared/engine/contract/engine-types';
import { webSeedHost } from '../../../shared/codec/web-seeds';
import {
  directSeedFetch,
  SeedUnavailableError,
  type SeedResponse,
  type SeedTransport,
} from './seed-transport';
import { answerRefusal } from './web-seed-answer';
import { explainFetchFailure } from './web-seed-probe';

type SeedFetch = Extract<EngineAction, { type: 'webseed-fetch' }>;
type Emit = (event: EngineEvent) => void;

/** A server that sends no answer, or less than PROGRESS_BYTES of its body, for this long is given up on (ms). */
export const IDLE_MS = 30_000;
/** The body a server must send each IDLE_MS: one that trickles a few bytes at a time would otherwise hold its
 * pieces (which no peer is asked for while the seed brings them) as long as it likes. */
export const PROGRESS_BYTES = 16 * 1024;

/** The words for an http:// seed on an https:// page. */
export const mixedContentRefusal = (url: string): string =>
  `The server ${webSeedHost(url)} is not secure (http://), so this secure page cannot use it`;

export class WebSeedFetcher {
  private readonly running = new Map<number, AbortController>();
  /** Where each file's URL ended after redirects, by seed and file. */
  private readonly finalUrls = new Map<string, string>();

  constructor(
    /** The page's protocol ('https:' refuses http:// seeds). */
    private readonly pageProtocol: string | undefined,
    /** Who makes the requests (default: this context's own fetch). */
    private readonly transport: SeedTransport = directSeedFetch(),
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Carries out one `webseed-fetch`; answers through `emit` unless aborted first. */
  fetch(action: SeedFetch, emit: Emit): void {
    if (this.pageProtocol === 'https:' && /^http:/i.test(action.url)) {
      const reason = mixedContentRefusal(action.url);
      return emit({ type: 'webseed-failed', request: action.request, blocked: 'mixed-content', reason });
    }
    const controller = new AbortController();
    this.running.set(action.request, controller);
    const live = (): boolean => this.running.get(action.request) === controller;
    const guarded: Emit = (event) => {
      if (live()) emit(event);
    };
    void this.run(action, controller, guarded).finally(() => {
      if (live()) this.running.delete(action.request);
    });
  }

  abort(request: number): void {
    this.running.get(request)?.abort();
    this.running.delete(request);
  }

  abortAll(): void {
    for (const request of [...this.running.keys()]) this.abort(request);
  }

  /** Requests running (for tests). */
  get size(): number {
    return this.running.size;
  }

  private async run(action: SeedFetch, controller: AbortController, emit: Emit): Promise<void> {
    const key = `${action.seed}\n${action.file}`;
    const url = this.finalUrls.get(key) ?? action.url;
    const fail = (reason: string, extra: Partial<Extract<EngineEvent, { type: 'webseed-failed' }>> = {}) =>
      emit({ type: 'webseed-failed', request: action.request, reason, ...extra });
    let response: SeedResponse;
    let unanswered = false;
    const answerDue = setTimeout(() => {
      unanswered = true;
      controller.abort();
    }, IDLE_MS);
    try {
      const range = action.whole ? {} : { range: { start: action.start, end: action.end } };
      response = await this.transport({ url, ...range }, controller.signal);
    } catch (error) {
      clearTimeout(answerDue);
      if (unanswered) return fail('the server did not answer');
      if (controller.signal.aborted) return;
      if (error instanceof SeedUnavailableError) return fail(error.message);
      return emit({
        type: 'webseed-failed',
        request: action.request,
        ...(await explainFetchFailure(this.transport, url)),
      });
    }
    clearTimeout(answerDue);
    if (response.redirected && response.url) this.finalUrls.set(key, response.url);
    const refusal = answerRefusal(response, action, this.now());
    if (refusal !== undefined) {
      controller.abort();
      return fail(refusal.reason, refusal);
    }
    await this.readBody(response, action, controller, emit);
  }

  /** Streams the body to the engine, never past the bytes asked for, leaving a server that stops sending. A body
   * read to its end is left to close by itself: aborting it then would only make the browser log a failure. */
  private async readBody(response: SeedResponse, action: SeedFetch, controller: AbortController, emit: Emit) {
    const reader = response.body?.getReader();
    if (!reader) return emit({ type: 'webseed-failed', request: action.request, reason: 'no body' });
    const idle = idleWatch(controller);
    let ended = false;
    try {
      const read = await readUpTo(reader, action, idle, emit);
      ended = read.done;
      emit({ type: 'webseed-end', request: action.request });
      if (!ended) ended = await endsAt(reader, response, read.received);
    } catch {
      emit({ type: 'webseed-failed', request: action.request, reason: 'the server stopped sending' });
    } finally {
      idle.stop();
      if (!ended) controller.abort();
    }
  }
}

type BodyReader = ReadableStreamDefaultReader<Uint8Array>;

/** Aborts the request unless PROGRESS_BYTES of its body come within each IDLE_MS. */
function idleWatch(controller: AbortController): { got(bytes: number): void; stop(): void } {
  let timer = setTimeout(() => controller.abort(), IDLE_MS);
  let sinceProgress = 0;
  return {
    got(bytes) {
      sinceProgress += bytes;
      if (sinceProgress < PROGRESS_BYTES) return;
      sinceProgress = 0;
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), IDLE_MS);
    },
    stop: () => clearTimeout(timer),
  };
}

/** Reads the body into `webseed-data` events up to the bytes asked for: how many came, and whether the body ended
 * (a server that sends less than asked ends early; the engine asks the rest again). */
async function readUpTo(
  reader: BodyReader,
  action: SeedFetch,
  idle: ReturnType<typeof idleWatch>,
  emit: Emit,
): Promise<{ received: number; done: boolean }> {
  const cap = action.end - action.start;
  let received = 0;
  while (received < cap) {
    const { done, value } = await reader.read();
    if (done) return { received, done: true };
    const chunk = value.length > cap - received ? value.subarray(0, cap - received) : value;
    received += chunk.length;
    idle.got(chunk.length);
    if (chunk.length > 0) emit({ type: 'webseed-data', request: action.request, data: chunk });
  }
  return { received, done: false };
}

/** Whether the bytes asked for were the whole body. When its Content-Length says so, the browser holds all of it and
 * closes the stream, so one more read sees the end at once; a body longer than asked, or of a length not given, is
 * not waited for. */
async function endsAt(reader: BodyReader, response: SeedResponse, received: number): Promise<boolean> {
  const length = response.headers.get('Content-Length');
  if (length === null || !/^\d+$/.test(length.trim()) || Number(length) !== received) return false;
  try {
    return (await reader.read()).done;
  } catch {
    return false;
  }
}
