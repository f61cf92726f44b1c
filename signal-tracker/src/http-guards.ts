// The limits of the tracker's HTTP server on a connection, whatever it asks for: how long its request headers and
// request may take, how long it may stay idle between requests, how long a response may make no progress, and how
// many connections one address may hold open (docs/security.md, "Slow HTTP readers").
import type { IncomingMessage, RequestListener, Server } from 'node:http';
import type { Socket } from 'node:net';
import { isTrustedProxy, type TrustedProxies } from './client-address';
import { OpenConnections, refuseRequest } from './http-connections';
import { DEFAULT_UNFINISHED_REQUEST_LIMITS, UnfinishedRequests } from './unfinished-requests';

export interface HttpGuardOptions {
  /** Connections, from all addresses, that have not finished their request headers (default 1024). */
  maxUnfinishedRequests?: number;
  /** The same from one address (default 32). */
  maxUnfinishedRequestsPerAddress?: number;
  /** A connection whose request headers are not in this long after it opened is closed, in ms (default 10 s). */
  headerTimeoutMs?: number;
  /** A response that makes no progress (its socket does not drain) this long is cut, in ms (default 30 s). */
  sendTimeoutMs?: number;
  /** A kept-alive connection with no new request this long after its last response is closed, in ms (default 5 s). */
  idleTimeoutMs?: number;
  /** Open connections, HTTP and WebSocket together, from one address (default 256). */
  maxConnectionsPerAddress: number;
}

export const DEFAULT_SEND_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 5_000;
/** The whole request (headers and any body) of a connection's later requests; the first is under headerTimeoutMs. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface HttpGuards {
  unfinished: UnfinishedRequests;
  connections: OpenConnections;
}

/** The request handler, with the requests of connections over their address's cap answered 429 instead. */
export function refusingOverCap(connections: OpenConnections, handler: RequestListener): RequestListener {
  return (req, res) => {
    if (connections.isOverCap(req.socket)) refuseRequest(res);
    else handler(req, res);
  };
}

/**
 * Sets the server's timeouts and starts counting its connections: unfinished requests per address and in all, and
 * open connections per address. With trustProxy, a trusted proxy's connections are counted in all only.
 */
export function guardHttp(
  http: Server,
  options: HttpGuardOptions,
  trustProxy: boolean,
  trustedProxies: TrustedProxies,
): HttpGuards {
  const defaults = DEFAULT_UNFINISHED_REQUEST_LIMITS;
  const limits = {
    maxUnfinished: options.maxUnfinishedRequests ?? defaults.maxUnfinished,
    maxUnfinishedPerAddress: options.maxUnfinishedRequestsPerAddress ?? defaults.maxUnfinishedPerAddress,
    headerTimeoutMs: options.headerTimeoutMs ?? defaults.headerTimeoutMs,
  };
  const unfinished = new UnfinishedRequests(limits, !trustProxy);
  // Node's own checks of these run every 30 s; UnfinishedRequests closes late first requests sooner.
  http.requestTimeout = Math.max(REQUEST_TIMEOUT_MS, limits.headerTimeoutMs);
  http.headersTimeout = limits.headerTimeoutMs;
  // A socket with no bytes read or written for this long is destroyed: a response whose reader stopped reading
  // makes no progress once the kernel's buffers are full. WebSockets are not cut by it (ws clears the timeout on
  // upgrade; their pings find dead ones).
  http.timeout = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  http.keepAliveTimeout = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const connections = new OpenConnections(
    options.maxConnectionsPerAddress,
    (address) => !(trustProxy && isTrustedProxy(address, trustedProxies)),
  );
  http.on('connection', (socket: Socket) => {
    connections.admit(socket);
    unfinished.admit(socket, Date.now());
  });
  http.on('request', (request: IncomingMessage) => unfinished.finished(request.socket));
  http.on('upgrade', (request: IncomingMessage) => unfinished.finished(request.socket));
  return { unfinished, connections };
}
