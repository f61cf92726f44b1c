// HTTP on the tracker's port: the built web app, /health, /stats, /stats.json and /config.json.
import type { KeeperPublicInfo } from './keeper/keeper-service';
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import type { Tracker } from './tracker/tracker';
import { BuildFiles, buildRelativePath, isSourceMap } from './build-files';
import {
  clientAddress,
  DEFAULT_TRUSTED_PROXIES,
  isTrustedProxy,
  parseTrustedProxies,
  type TrustedProxies,
} from './client-address';
import { FILE_CHUNK_BYTES } from './http-connections';
import { formatBytes } from './memory';
import type { ClusterTotals } from './cluster/directory';
import { hasStatsToken, StatsCache, type PrivateStats, type PublicStats } from './stats';
import { credentialBuckets, peerConfigReply, type TurnConfig } from './turn';
import type { CredentialBuckets } from './turn-limits';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  // https: and http: for web seeds (BEP 19), fetched by the worker from whatever server a torrent names (the
  // worker screens them as it does trackers, and a browser refuses http: from an https: page).
  "connect-src 'self' ws: wss: https: http: blob: data:",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.torrent': 'application/x-bittorrent',
};

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface HttpOptions {
  tracker: Tracker;
  /** Folder of the built web app, or null to serve none. */
  staticDir: string | null;
  iceServers: unknown[];
  /** TURN relays to hand short-lived credentials out for (coturn's REST-API scheme). */
  turn?: TurnConfig;
  /** Take the client's scheme from X-Forwarded-Proto (behind our own reverse proxy), for HSTS. */
  trustProxy?: boolean;
  /** With trustProxy, the proxies whose X-Forwarded-Proto is believed (default loopback, as for X-Forwarded-For). */
  trustedProxies?: TrustedProxies;
  /** The bearer token that shows every swarm and peer in the stats; without one, only totals are shown. */
  statsToken?: string;
  /** The cluster's totals (with --redis), for the stats. */
  clusterTotals?: () => ClusterTotals | undefined;
  /** Seconds between refreshes of the /stats page. */
  statsRefreshSeconds: number;
  /** Wall-clock time of the tracker's clock value, for "seconds ago" on the stats page. */
  now: () => number;
  /** The keeper's public limits, told to the app at /config.json; none without a keeper. */
  keeper?: KeeperPublicInfo;
}

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  // frame-ancestors 'none' of the CSP, for browsers that know only the older header: no site frames the app.
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'cross-origin-opener-policy': 'same-origin',
};

/** Whether the request reached us over TLS: directly, or (from a trusted proxy only) at the proxy. */
function overTls(req: IncomingMessage, trustProxy: boolean, proxies: TrustedProxies): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  return (
    trustProxy &&
    isTrustedProxy(req.socket.remoteAddress, proxies) &&
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      .trim() === 'https'
  );
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, value: unknown, extra: Record<string, string> = {}, status = 200) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), extra);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function bytes(value: number | null): string {
  return value === null ? 'unknown' : formatBytes(value);
}

/** `1 swarm`, `2 swarms`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function statsHtml(stats: PublicStats | PrivateStats, now: number, refreshSeconds: number): string {
  const clients = Object.entries(stats.clients)
    .map(([name, count]) => `${escapeHtml(name)}: ${count}`)
    .join(', ');
  const swarms = ('swarms' in stats ? stats.swarms : [])
    .map((swarm) => {
      const rows = swarm.peers
        .map(
          (peer) =>
            `<tr><td><code>${peer.peerId}</code></td><td>${escapeHtml(peer.client)}</td><td>${peer.role}</td>` +
            `<td>${bytes(peer.left)}</td><td>${bytes(peer.uploaded)}</td><td>${bytes(peer.downloaded)}</td>` +
            `<td>${Math.max(0, Math.round((now - peer.lastAnnounce) / 1000))} s ago</td></tr>`,
        )
        .join('\n');
      return (
        `<section><h2><code>${swarm.infoHash}</code>${swarm.alias ? ` = <code>${swarm.alias}</code>` : ''}</h2>` +
        `<p>${count(swarm.complete, 'seeder')}, ${count(swarm.incomplete, 'leecher')}, ${swarm.downloaded} completed</p>` +
        `<table><thead><tr><th>Peer id</th><th>Client</th><th>Role</th><th>Left</th><th>Uploaded</th>` +
        `<th>Downloaded</th><th>Last announce</th></tr></thead><tbody>\n${rows}\n</tbody></table></section>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${refreshSeconds}">
<title>Tracker stats</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; }
code { font-size: 0.9em; }
</style>
</head>
<body>
<h1>Tracker stats</h1>
<p>${count(stats.swarmCount, 'swarm')}, ${count(stats.peerCount, 'peer')} (${stats.seeders} seeding, ${stats.leechers} leeching),
${count(stats.connections, 'connection')}, ${stats.messagesPerSecond} messages per second; announce interval
${stats.intervalSeconds} s. This page refreshes every ${refreshSeconds} s; <a href="/stats.json">JSON</a>.</p>
<p>Clients: ${clients || 'none'}.</p>
${
  'swarms' in stats
    ? swarms || '<p>No swarms.</p>'
    : '<p>Swarms and peers are shown only to requests with <code>Authorization: Bearer &lt;stats token&gt;</code>.</p>'
}
</body>
</html>
`;
}

/** The file under `root` that a URL path names, or null when it would escape `root` or is malformed. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  const name = buildRelativePath(urlPath);
  return name === null ? null : join(resolve(root), name);
}

async function fileStats(path: string): Promise<Stats | null> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
}

function sendFile(res: ServerResponse, path: string, stats: Stats, immutable: boolean) {
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': contentType(path),
    'content-length': stats.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(path, { highWaterMark: FILE_CHUNK_BYTES });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * A file of the build, or the app for a path without an extension (single-page app): the path is decoded and
 * normalised first, then looked up among the build's files (source maps never among them).
 */
async function serveStatic(res: ServerResponse, build: BuildFiles | null, pathname: string) {
  if (!build) {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    return;
  }
  const name = buildRelativePath(pathname === '/' ? '/index.html' : pathname);
  if (name === null) {
    send(res, 400, 'text/plain; charset=utf-8', 'bad path\n');
    return;
  }
  const path = build.find(name);
  const found = path && (await fileStats(path));
  if (path && found) {
    sendFile(res, path, found, name.startsWith('assets/'));
    return;
  }
  // Single-page app: unknown paths without a file extension get the app.
  if (extname(name) === '' && !isSourceMap(name)) {
    const index = build.find('index.html');
    const indexStats = index && (await fileStats(index));
    if (index && indexStats) {
      sendFile(res, index, indexStats, false);
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', 'the web app is not built: run `npm run build:web`\n');
    return;
  }
  send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
}

export function createRequestHandler(options: HttpOptions) {
  const stats = new StatsCache(options.tracker, options.now(), 1000, options.clusterTotals);
  const build = options.staticDir === null ? null : new BuildFiles(resolve(options.staticDir));
  const trustedProxies = options.trustedProxies ?? parseTrustedProxies(DEFAULT_TRUSTED_PROXIES);
  const served = { stats, build, credentials: credentialBuckets(options.turn), trustedProxies };
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (overTls(req, options.trustProxy ?? false, trustedProxies))
      res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
    handle(req, res, options, served).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  };
}

function statsFor(req: IncomingMessage, options: HttpOptions, stats: StatsCache): PublicStats | PrivateStats {
  const now = options.now();
  return hasStatsToken(req.headers, options.statsToken) ? stats.full(now) : stats.totals(now);
}

/** What the handler keeps between requests. */
interface Served {
  stats: StatsCache;
  build: BuildFiles | null;
  /** Credentials handed out per address, with a relay. */
  credentials: CredentialBuckets | null;
  trustedProxies: TrustedProxies;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpOptions, served: Served) {
  const { stats, build } = served;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    return;
  }
  let pathname: string;
  try {
    pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    send(res, 400, 'text/plain; charset=utf-8', 'bad request\n');
    return;
  }
  // The URL parser already removed dot segments; a raw `..` that is still there is refused below.
  switch (pathname) {
    case '/health':
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      return;
    case '/stats.json':
      sendJson(res, statsFor(req, options, stats), { vary: 'authorization' });
      return;
    case '/stats':
      send(
        res,
        200,
        'text/html; charset=utf-8',
        statsHtml(statsFor(req, options, stats), options.now(), options.statsRefreshSeconds),
        { vary: 'authorization' },
      );
      return;
    case '/config.json': {
      // A TURN credential of its own for every request, within its address's share; the secret stays here.
      const address = clientAddress(req, options.trustProxy ?? false, served.trustedProxies);
      const reply = peerConfigReply(
        options.iceServers,
        options.turn,
        served.credentials,
        address,
        Date.now(),
      );
      const body = options.keeper ? { ...(reply.body as object), keeper: options.keeper } : reply.body;
      sendJson(res, body, reply.headers, reply.status);
      return;
    }
  }
  await serveStatic(res, build, pathname);
}
