// The keeper's HTTP routes on the tracker: POST /keep (a share to keep), POST /keep/stop (with the token the keep
// returned), GET /keep/status?infoHash= (how far the keeper's copy is). Bodies are bounded; every refusal is words.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracker } from '../tracker/tracker';
import { KEEPER_DOWN, type KeeperLink } from './keeper-link';

/** The largest request body: a .torrent in base64 (a 4 GiB share in 256 KiB pieces is 320 KiB of hashes). */
export const MAX_KEEP_BODY_BYTES = 2 * 1024 * 1024;

const HEX_HASH = /^[0-9a-f]{40}$/;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface KeepRoutesOptions {
  /** The keeper's answer to a request, or undefined while it is down. */
  ask: KeeperLink['ask'];
  tracker: Tracker;
  addressOf: (req: IncomingMessage) => string;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The body as JSON, or a refusal in words when it is too large or not JSON. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_KEEP_BODY_BYTES) return 'That request is too large for the keeper.';
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : 'Not a keep request.';
  } catch {
    return 'Not a keep request.';
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Whether a tab is seeding `infoHash` on this tracker now: the keeper fetches only from a swarm that has one. */
function hasSeeder(tracker: Tracker, infoHash: string): boolean {
  return tracker
    .swarmStats(() => '')
    .some((swarm) => (swarm.infoHash === infoHash || swarm.alias === infoHash) && swarm.complete > 0);
}

async function keep(req: IncomingMessage, res: ServerResponse, options: KeepRoutesOptions): Promise<void> {
  const body = await readJson(req);
  if (typeof body === 'string') return reply(res, 400, { error: body });
  const infoHash = text(body.infoHash);
  if (!HEX_HASH.test(infoHash)) return reply(res, 400, { error: 'The request names no share.' });
  if (!hasSeeder(options.tracker, infoHash))
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
  const body = await readJson(req);
  if (typeof body === 'string') return reply(res, 400, { error: body });
  const infoHash = text(body.infoHash);
  if (!HEX_HASH.test(infoHash)) return reply(res, 400, { error: 'The request names no share.' });
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

/** `next` with the keeper's routes in front of it. */
export function withKeepRoutes(next: Handler, options: KeepRoutesOptions): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method ?? ''} ${url.pathname}`;
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
