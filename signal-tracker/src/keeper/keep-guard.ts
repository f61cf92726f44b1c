// What a request to the keeper's routes must show before the tracker reads a byte of its body: JSON as its
// Content-Type, no other site's Origin, and its address within its requests and bytes (keep-budget.ts). Each refusal
// is a status and words.
import type { IncomingMessage } from 'node:http';
import type { KeepBudget } from './keep-budget';

export interface Refusal {
  status: number;
  error: string;
  /** With 429: whole seconds until the address may send again (the Retry-After header). */
  retryAfter?: number;
}

export const NOT_JSON = 'The keeper takes requests in JSON only (Content-Type: application/json).';
export const OTHER_SITE = 'The keeper takes requests from this site only, not from pages of another site.';
export const TOO_MANY_REQUESTS = 'Too many requests to the keeper from this address; try again in a second.';
export const TOO_MANY_BYTES = 'Too much sent to the keeper from this address; try again in a few seconds.';
export const TOO_LARGE = 'That request is too large for the keeper.';

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  return type.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * Whether the request may come from the page that sent it: no Origin (not a browser's cross-origin request), or
 * the tracker's own: the Host it was sent to, or a browser's word that the page is of the same origin (behind a
 * proxy that rewrites Host, the browser still knows the address it used; no page can set Sec-Fetch-Site).
 */
export function fromOwnOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  try {
    return new URL(origin).host === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/** The request's declared body length, or undefined without one (a chunked body). */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/**
 * Checks a request with a body before it is read: its Content-Type, its Origin, its address's requests this
 * second, its declared length against `bound`, then the body's bytes (the declared length, or the bound) taken
 * from its address's budget. When it may be read, the bytes taken: what the body does not use goes back after.
 */
export function guardBody(
  req: IncomingMessage,
  budget: KeepBudget,
  address: string,
  bound: number,
  now: number,
): Refusal | { reserved: number } {
  if (!isJson(req)) return { status: 415, error: NOT_JSON };
  if (!fromOwnOrigin(req)) return { status: 403, error: OTHER_SITE };
  if (!budget.request(address, now)) return { status: 429, error: TOO_MANY_REQUESTS, retryAfter: 1 };
  const length = declaredLength(req);
  if (length !== undefined && !(length <= bound)) return { status: 413, error: TOO_LARGE };
  const reserved = length ?? bound;
  if (!budget.reserve(address, now, reserved))
    return { status: 429, error: TOO_MANY_BYTES, retryAfter: budget.retryAfter(address, now) };
  return { reserved };
}
