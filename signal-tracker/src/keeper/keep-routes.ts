// The keeper's HTTP routes on the tracker: POST /keep (a share to keep), POST /keep/stop (with the token the keep
// returned), GET /keep/status?infoHash= (how far the keeper's copy is, told only with that token). A body is paid
// for before it is read (keep-guard.ts, keep-budget.ts) and bounded per route; every refusal is words.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KEEPER_DOWN, type KeeperLink } from './keeper-link';
import { DEFAULT_KEEP_REQUESTS_PER_SECOND, KeepBudget, type KeepBudgetLimits } from './keep-budget';
import { readJson, type BodyPayer, type Refused } from './keep-body';
import { TOO_MANY_REQUESTS } from './keep-guard';

/** The largest /keep body: a .torrent in base64 (a 4 GiB share in 256 KiB pieces is 320 KiB of hashes). */
export const MAX_KEEP_BODY_BYTES = 2 * 1024 * 1024;
/** The largest /keep/stop body: an info hash and a stop token. */
export const MAX_STOP_BODY_BYTES = 1024;

/** The tracker's default per-address byte rate (limits.ts, maxBytesPerSecondPerAddress), for bodies too. */
const DEFAULT_BYTES_PER_SECOND = 1024 * 1024;

const HEX_HASH = /^[0-9a-f]{40}$/;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface KeepRoutesOptions {
  /** The keeper's answer to a request, or undefined while it is down. */
  ask: KeeperLink['ask'];
  addressOf: (req: IncomingMessage) => string;
  /** What one address may spend on these routes (default: 20 requests and 1 MiB of bodies per second). */
  budget?: Partial<KeepBudgetLimits>;
  now?: () => number;
}

/** The options, with the budget every request pays from. */
type Routes = KeepRoutesOptions & { spent: KeepBudget; clock: () => number };

/** A reply; `close` ends the connection with it, for a request whose body was left unread (it is never drained). */
function reply(res: ServerResponse, status: number, body: unknown, close = false): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A refusal's reply: its words, the connection closed when the body was left unread, and when to try again. */
function refuse(res: ServerResponse, refusal: Refused): void {
  if (refusal.retryAfter !== undefined) res.setHeader('retry-after', String(refusal.retryAfter));
  reply(res, refusal.status, { error: refusal.error }, refusal.unread);
}

function payer(req: IncomingMessage, routes: Routes): BodyPayer {
  return { budget: routes.spent, address: routes.addressOf(req), now: routes.clock };
}

/** A request's JSON body, at most `bound` bytes, and the share it names, or a refusal in words. */
async function readRequest(
  req: IncomingMessage,
  routes: Routes,
  bound: number,
): Promise<{ body: Record<string, unknown>; infoHash: string } | Refused> {
  const read = await readJson(req, bound, payer(req, routes));
  if (!('value' in read)) return read;
  const infoHash = text(read.value.infoHash);
  if (!HEX_HASH.test(infoHash)) return { status: 400, error: 'The request names no share.' };
  return { body: read.value, infoHash };
}

async function keep(req: IncomingMessage, res: ServerResponse, options: Routes): Promise<void> {
  const read = await readRequest(req, options, MAX_KEEP_BODY_BYTES);
  if ('error' in read) return refuse(res, read);
  const { body, infoHash } = read;
  const proof = proofOf(body.proof);
  const answer = await options.ask({
    op: 'keep',
    infoHash,
    torrent: text(body.torrent),
    address: options.addressOf(req),
    ...(typeof body.token === 'string' ? { token: body.token } : {}),
    ...(proof ? { proof } : {}),
  });
  if (!answer) return reply(res, 503, { error: KEEPER_DOWN });
  reply(res, keepStatusCode(answer), answer);
}

/** A keep's proof as the keeper process takes it (keep-proof.ts), or undefined when the body has none. */
function proofOf(value: unknown): { nonce: string; piece: number; bytes: string } | undefined {
  const proof = value as { nonce?: unknown; piece?: unknown; bytes?: unknown } | null | undefined;
  if (typeof proof?.nonce !== 'string' || proof.nonce.length > 128) return undefined;
  if (!Number.isSafeInteger(proof.piece) || typeof proof.bytes !== 'string') return undefined;
  return { nonce: proof.nonce, piece: proof.piece as number, bytes: proof.bytes };
}

/** 200 for a keep taken, 428 for one answered with a challenge (a proof is wanted), 403 for a refusal. */
function keepStatusCode(answer: object): number {
  if ('ok' in answer && answer.ok) return 200;
  return 'challenge' in answer ? 428 : 403;
}

async function stop(req: IncomingMessage, res: ServerResponse, options: Routes): Promise<void> {
  const read = await readRequest(req, options, MAX_STOP_BODY_BYTES);
  if ('error' in read) return refuse(res, read);
  const { body, infoHash } = read;
  const answer = await options.ask({ op: 'stop', infoHash, stopToken: text(body.stopToken) });
  if (!answer) return reply(res, 503, { error: KEEPER_DOWN });
  reply(res, 'ok' in answer && answer.ok ? 200 : 403, answer);
}

/** The stop token a status request shows: its `stopToken` parameter, or its X-Keep-Stop-Token header (which keeps it
 * out of logged URLs). */
function stopTokenOf(url: URL, req: IncomingMessage): string {
  const header = req.headers['x-keep-stop-token'];
  return url.searchParams.get('stopToken') ?? (typeof header === 'string' ? header : '');
}

/** How far the keeper's copy is, told only to a request with the share's stop token: to anyone else a share that
 * is kept and one that is not look the same. */
async function status(url: URL, req: IncomingMessage, res: ServerResponse, options: Routes): Promise<void> {
  if (!options.spent.request(options.addressOf(req), options.clock()))
    return refuse(res, { status: 429, error: TOO_MANY_REQUESTS, retryAfter: 1, unread: true });
  const infoHash = url.searchParams.get('infoHash') ?? '';
  if (!HEX_HASH.test(infoHash)) return reply(res, 400, { error: 'The request names no share.' });
  const answer = await options.ask({ op: 'status', infoHash, stopToken: stopTokenOf(url, req) });
  if (answer === undefined) return reply(res, 503, { error: KEEPER_DOWN });
  if (answer === null) return reply(res, 404, { error: 'The keeper does not keep this share.' });
  reply(res, 200, answer);
}

const KEEP_ROUTES = new Set(['POST /keep', 'POST /keep/stop', 'GET /keep/status']);

/** A request's route: its method and path. */
function routeOf(req: IncomingMessage): { url: URL; route: string } {
  const url = new URL(req.url ?? '/', 'http://localhost');
  return { url, route: `${req.method ?? ''} ${url.pathname}` };
}

/** `next` on a tracker without a keeper: the keeper's routes answer so in words (in a cluster, a process other than
 * the one keeper; docs/deploying.md). */
export function withoutKeeper(next: Handler): Handler {
  return (req, res) => {
    if (!KEEP_ROUTES.has(routeOf(req).route)) return next(req, res);
    reply(res, 404, { error: 'This tracker does not keep shares.' });
  };
}

/** The method each of the keeper's paths takes. */
const METHODS: Record<string, string> = { '/keep': 'POST', '/keep/stop': 'POST', '/keep/status': 'GET' };

function route(url: URL, req: IncomingMessage, res: ServerResponse, routes: Routes): Promise<void> {
  if (url.pathname === '/keep') return keep(req, res, routes);
  if (url.pathname === '/keep/stop') return stop(req, res, routes);
  return status(url, req, res, routes);
}

/** `next` with the keeper's routes in front of it; another method on their paths is refused, its body unread. */
export function withKeepRoutes(next: Handler, options: KeepRoutesOptions): Handler {
  const spent = new KeepBudget({
    requestsPerSecond: options.budget?.requestsPerSecond ?? DEFAULT_KEEP_REQUESTS_PER_SECOND,
    bytesPerSecond: options.budget?.bytesPerSecond ?? DEFAULT_BYTES_PER_SECOND,
  });
  const routes: Routes = { ...options, spent, clock: options.now ?? Date.now };
  return (req, res) => {
    const { url } = routeOf(req);
    const method = METHODS[url.pathname];
    if (!method) return next(req, res);
    if (req.method !== method) {
      res.setHeader('allow', method);
      return reply(res, 405, { error: `The keeper takes ${method} here.` }, true);
    }
    route(url, req, res, routes).catch(() => {
      if (!res.headersSent) reply(res, 500, { error: 'The keeper could not answer.' }, true);
    });
  };
}
