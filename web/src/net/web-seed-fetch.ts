// The HTTP side of web seeds (BEP 19): the engine's `webseed-fetch` actions carried out with `fetch`, the answer
// streamed back as `webseed-data` events as it arrives. A request carries one header, `Range`, which the Fetch
// standard lets through without a CORS preflight (`cache: 'no-store'` and `credentials: 'omit'` are options, not
// headers), so a server needs only `Access-Control-Allow-Origin` to serve us. What a hostile server can cost is
// bounded here: the body is read up to the bytes asked for and no further, a 206 whose Content-Range names other
// bytes is refused (web-seed-answer.ts), a server that does not answer, or sends less than PROGRESS_BYTES of its
// body, in IDLE_MS is left, redirects are the browser's (at most 20, the URL they end at remembered per file), and an
// http:// seed on an https:// page is refused before any request. Why a fetch failed is told in words
// (web-seed-probe.ts).
import type { EngineAction, EngineEvent } from '../../../shared/engine/contract/engine-types';
import { webSeedHost } from '../../../shared/codec/web-seeds';
import { contentRangeRefusal } from './web-seed-answer';
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

/** Retry-After in ms: seconds, or an HTTP date (undefined when absent or unreadable). */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class WebSeedFetcher {
  private readonly running = new Map<number, AbortController>();
  /** Where each file's URL ended after redirects, by seed and file. */
  private readonly finalUrls = new Map<string, string>();

  constructor(
    /** The page's protocol ('https:' refuses http:// seeds). */
    private readonly pageProtocol: string | undefined,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
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

  private async run(action: SeedFetch, controller: AbortController, emit: Emit): Promise<void> {
    const key = `${action.seed}\n${action.file}`;
    const url = this.finalUrls.get(key) ?? action.url;
    const fail = (reason: string, extra: Partial<Extract<EngineEvent, { type: 'webseed-failed' }>> = {}) =>
      emit({ type: 'webseed-failed', request: action.request, reason, ...extra });
    let response: Response;
    let unanswered = false;
    const answerDue = setTimeout(() => {
      unanswered = true;
      controller.abort();
    }, IDLE_MS);
    try {
      response = await this.fetchFn(url, {
        headers: action.whole ? {} : { Range: `bytes=${action.start}-${action.end - 1}` },
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'follow',
        signal: controller.signal,
      });
    } catch {
      clearTimeout(answerDue);
      if (unanswered) return fail('the server did not answer');
      if (controller.signal.aborted) return;
      return emit({
        type: 'webseed-failed',
        request: action.request,
        ...(await explainFetchFailure(this.fetchFn, url)),
      });
    }
    clearTimeout(answerDue);
    if (response.redirected && response.url) this.finalUrls.set(key, response.url);
    const ranged = response.status === 206;
    if (!(ranged || (response.status === 200 && action.whole))) {
      controller.abort();
      const retry = retryAfterMs(response.headers.get('Retry-After'), this.now());
      const reason =
        response.status === 200
          ? 'the server does not send parts of files'
          : `the server answered ${response.status}`;
      return fail(reason, {
        status: response.status,
        ...(retry !== undefined ? { retryAfterMs: retry } : {}),
      });
    }
    const otherBytes = ranged
      ? contentRangeRefusal(response.headers.get('Content-Range'), action.start)
      : undefined;
    if (otherBytes !== undefined) {
      controller.abort();
      return fail(otherBytes, { dropFile: true });
    }
    await this.readBody(response, action, controller, emit);
  }

  /** Streams the body to the engine, never past the bytes asked for, leaving a server that stops sending. */
  private async readBody(response: Response, action: SeedFetch, controller: AbortController, emit: Emit) {
    const cap = action.end - action.start;
    const reader = response.body?.getReader();
    if (!reader) return emit({ type: 'webseed-failed', request: action.request, reason: 'no body' });
    let idle = setTimeout(() => controller.abort(), IDLE_MS);
    let received = 0;
    let sinceProgress = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const room = cap - received;
        const chunk = value.length > room ? value.subarray(0, room) : value;
        received += chunk.length;
        sinceProgress += chunk.length;
        if (sinceProgress >= PROGRESS_BYTES) {
          sinceProgress = 0;
          clearTimeout(idle);
          idle = setTimeout(() => controller.abort(), IDLE_MS);
        }
        if (chunk.length > 0) emit({ type: 'webseed-data', request: action.request, data: chunk });
        if (received >= cap) break;
      }
      emit({ type: 'webseed-end', request: action.request });
    } catch {
      emit({ type: 'webseed-failed', request: action.request, reason: 'the server stopped sending' });
    } finally {
      clearTimeout(idle);
      controller.abort();
    }
  }
}
