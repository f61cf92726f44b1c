// The keeper's HTTP routes on the tracker: POST /keep (a share to keep), POST /keep/stop (with the token the keep
// returned), GET /keep/status?infoHash= (how far the keeper's copy is). Bodies are bounded; every refusal is words.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KEEPER_DOWN, type KeeperLink } from './keeper-link';

/** The largest request body: a .torrent in base64 (a 4 GiB share in 256 KiB pieces is 320 KiB of hashes). */
export const MAX_KEEP_BODY_BYTES = 2 * 1024 * 1024;

const HEX_HASH = /^[0-9a-f]{40}$/;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Whether a peer from `address` (an address key) seeds `infoHash` (hex) on this tracker, or on its cluster. */
export type SeedingFrom = (infoHash: string, address: string) => Promise<boolean>;

export interface KeepRoutesOptions {
  /** The keeper's answer to a request, or undefined while it is down. */
  ask: KeeperLink['ask'];
  seeding: SeedingFrom;
  addressOf: (req: IncomingMessage) => string;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  // A body left unread (one over the bound) is never drained: the connection ends with the reply.
  if (status === 413) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

const TOO_LARGE = 'That request is too large for the keeper.';

/** A body as JSON, or refused: its status and words. */
type ReadBody = { value: Record<string, unknown> } | { status: number; error: string };

/** The bytes of a body, or TOO_LARGE past MAX_KEEP_BODY_BYTES: then reading stops and the rest is never taken in
 * (the reply closes the connection). */
function readBody(req: IncomingMessage): Promise<Buffer | typeof TOO_LARGE> {
  if (Number(req.headers['content-length']) > MAX_KEEP_BODY_BYTES) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_KEEP_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve(TOO_LARGE);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The body as JSON, or a refusal in words when it is too large or not JSON. */
async function readJson(req: IncomingMessage): Promise<ReadBody> {
  const body = await readBody(req);
  if (body === TOO_LARGE) return { status: 413, error: TOO_LARGE };
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return { value: value as Record<string, unknown> };
  } catch {
    // not JSON: refused below
  }
  return { status: 400, error: 'Not a keep request.' };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A request's JSON body and the share it names, or a refusal in words. */
async function readRequest(
  req: IncomingMessage,
): Promise<{ body: Record<string, unknown>; infoHash: string } | { status: number; error: string }> {
  const read = await readJson(req);
  if (!('value' in read)) return read;
  const infoHash = text(read.value.infoHash);
  if (!HEX_HASH.test(infoHash)) return { status: 400, error: 'The request names no share.' };
  return { body: read.value, infoHash };
}

async function keep(req: IncomingMessage, res: ServerResponse, options: KeepRoutesOptions): Promise<void> {
  const read = await readRequest(req);
  if ('error' in read) return reply(res, read.status, { error: read.error });
  const { body, infoHash } = read;
  if (!(await options.seeding(infoHash, options.addressOf(req))))
    return reply(res, 409, { error: 'The keeper can only keep a share that this tab is sharing now.' });
  const answer = await options.ask({
    op: 'keep',
    infoHash,
    torrent: text(body.torrent),
    address: options.addressOf(req),
    ...(typeof body.token === 'string' ? { token: body.token } : {}),
  });
  if (!answer) return reply(res, 503, { error: KEEPER_DOWN });
  reply(res, 'ok' in answer && answer.ok ? 200 : 403, answer);
}

async function stop(req: IncomingMessage, res: ServerResponse, options: KeepRoutesOptions): Promise<void> {
  const read = await readRequest(req);
  if ('error' in read) return reply(res, read.status, { error: read.error });
  const { body, infoHash } = read;
  const answer = await options.ask({ op: 'stop', infoHash, stopToken: text(body.stopToken) });
  if (!answer) return reply(res, 503, { error: KEEPER_DOWN });
  reply(res, 'ok' in answer && answer.ok ? 200 : 403, answer);
}

async function status(url: URL, res: ServerResponse, options: KeepRoutesOptions): Promise<void> {
  const infoHash = url.searchParams.get('infoHash') ?? '';
  if (!HEX_HASH.test(infoHash)) return reply(res, 400, { error: 'The request names no share.' });
  const answer = await options.ask({ op: 'status', infoHash });
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

/** `next` with the keeper's routes in front of it. */
export function withKeepRoutes(next: Handler, options: KeepRoutesOptions): Handler {
  return (req, res) => {
    const { url, route } = routeOf(req);
    const run =
      route === 'POST /keep'
        ? keep(req, res, options)
        : route === 'POST /keep/stop'
          ? stop(req, res, options)
          : route === 'GET /keep/status'
            ? status(url, res, options)
            : undefined;
    if (!run) return next(req, res);
    run.catch(() => {
      if (!res.headersSent) reply(res, 500, { error: 'The keeper could not answer.' });
    });
  };
}
