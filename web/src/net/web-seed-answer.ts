// What a web seed's answer must say before its body is read: a 206 (or a 200 where the whole file was asked for),
// and a 206 whose Content-Range starts elsewhere than the
// range asked for carries other bytes, and is refused before they reach a piece. A page reads Content-Range from
// another origin only when the server lists it in Access-Control-Expose-Headers; when it cannot, the piece's hash
// is what refuses other bytes.
import type { EngineAction, WebSeedFailure } from '../../../shared/engine/contract/engine-types';
import type { SeedResponse } from './seed-transport';

type SeedFetch = Extract<EngineAction, { type: 'webseed-fetch' }>;

/** The words for a 206 that names other bytes than asked for. */
export const OTHER_BYTES = 'the server sent other bytes than asked for';

/** Why a 206 with this Content-Range cannot be the bytes from `start` on (undefined: it can, or the header is not
 * readable here). A range that ends before the one asked is a short body, left to the engine. */
export function contentRangeRefusal(header: string | null, start: number): string | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
  return match && Number(match[1]) === start && Number(match[2]) >= start ? undefined : OTHER_BYTES;
}

/** Retry-After in ms: seconds, or an HTTP date (undefined when absent or unreadable). */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Why this answer cannot be read as the bytes `action` asked for (undefined: it can): a status other than a 206, or
 * a 200 to a request for a whole file, with its `Retry-After`; or a 206 naming other bytes, which drops the file. */
export function answerRefusal(
  response: SeedResponse,
  action: SeedFetch,
  now: number,
): WebSeedFailure | undefined {
  const { status, headers } = response;
  if (status !== 206 && !(status === 200 && action.whole)) {
    const retry = retryAfterMs(headers.get('Retry-After'), now);
    const reason =
      status === 200 ? 'the server does not send parts of files' : `the server answered ${status}`;
    return { reason, status, ...(retry !== undefined ? { retryAfterMs: retry } : {}) };
  }
  const otherBytes =
    status === 206 ? contentRangeRefusal(headers.get('Content-Range'), action.start) : undefined;
  return otherBytes === undefined ? undefined : { reason: otherBytes, dropFile: true };
}
