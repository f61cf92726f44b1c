// The socket layer: one HTTP server that serves the web app and upgrades WebSockets for the tracker core.
import type { TurnConfig } from './turn';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { WebSocketServer } from 'ws';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { clientAddress, DEFAULT_TRUSTED_PROXIES, parseTrustedProxies } from './client-address';
import { RedisDirectory } from './cluster/redis-directory';
import type { ClusterTotals } from './cluster/directory';
import { createRequestHandler } from './http';
import { keeperService, type KeeperServerOptions } from './keeper/keeper-service';
import { guardHttp, refusingOverCap } from './http-guards';
import { DEFAULT_UNFINISHED_REQUEST_LIMITS, type UnfinishedRequests } from './unfinished-requests';
import { resolveLimits, type TrackerLimits } from './tracker/limits';
import { Tracker } from './tracker/tracker';
import { acceptTrackerSockets, pingSockets, type SocketContext } from './tracker-socket';

export interface ServerOptions {
  /** TCP port; 0 picks a free one (default 8000). */
  port?: number;
  /** Interface to listen on (default: all). */
  host?: string;
  /** Announce interval told to clients, in ms (default 120 000). */
  intervalMs?: number;
  /** Extra time after two intervals before a silent peer is dropped, in ms (default min(30 s, interval)). */
  graceMs?: number;
  /** How often silent peers are swept, in ms (default min(30 s, interval / 2)). */
  sweepIntervalMs?: number;
  /** How often sockets are pinged; a socket that has not answered the previous ping is closed (default 30 s). */
  pingIntervalMs?: number;
  /** Largest WebSocket frame accepted, in bytes; a bigger one closes the socket (default 64 KiB). */
  maxPayload?: number;
  /** Most simultaneous WebSocket connections (default 10 000). */
  maxConnections?: number;
  /** A socket whose unsent data exceeds this many bytes is closed as a slow reader (default 256 KiB). */
  maxBufferedBytes?: number;
  /** Connections that have not finished their request headers, in all (default 1024); more are closed. */
  maxUnfinishedRequests?: number;
  /** The same from one address (default 32; not counted per address with trustProxy). */
  maxUnfinishedRequestsPerAddress?: number;
  /** A connection whose request headers are not in this long after it opened is closed, in ms (default 10 s). */
  headerTimeoutMs?: number;
  /** A response that makes no progress this long is cut, in ms (default 30 s). */
  sendTimeoutMs?: number;
  /** A kept-alive connection with no new request this long is closed, in ms (default 5 s). */
  idleTimeoutMs?: number;
  limits?: Partial<TrackerLimits>;
  /** An offer relayed to a peer can be answered for this long, in ms (default 50 s). */
  offerTtlMs?: number;
  /** A socket that has not announced this long after connecting is closed, in ms (default 30 s). */
  announceDeadlineMs?: number;
  /** Take the client's address from the last X-Forwarded-For entry (behind our own reverse proxy only). */
  trustProxy?: boolean;
  /** With trustProxy, the proxies whose X-Forwarded-For is believed: addresses and CIDRs, comma separated (default loopback). */
  trustedProxies?: string;
  /** The bearer token that shows every swarm and peer in /stats and /stats.json; without it, totals only. */
  statsToken?: string;
  /** Redis URL: this process becomes one of a cluster of tracker processes sharing swarms through it. */
  redisUrl?: string;
  /** This process's id in the cluster (default: host name, pid and a random suffix). */
  processId?: string;
  /** How long a process's lease in Redis lasts: the peers of a dead process are not offered after it (ms). */
  processLeaseMs?: number;
  /** ICE servers served at /config.json (default none). */
  iceServers?: unknown[];
  /** TURN relays: /config.json adds a short-lived credential for them to each answer. */
  turn?: TurnConfig;
  /** Folder of the built web app; null serves none (default: web/dist of the repository). */
  staticDir?: string | null;
  statsRefreshSeconds?: number;
  /** The keeper (--keep-dir): shares kept online after their tab closes; none without it. */
  keeper?: KeeperServerOptions;
  /** Where errors go (default console.error); the caller logs the start line and summaries. */
  logError?: (message: string) => void;
  random?: () => number;
}

export interface RunningServer {
  port: number;
  /** The app's URL, e.g. http://localhost:8000/ (the tracker is the same with ws:). */
  url: string;
  /** The tracker's WebSocket URL. */
  trackerUrl: string;
  tracker: Tracker;
  /** This process's id in the cluster (with --redis). */
  processId: string | undefined;
  /** What the guard of unfinished requests holds and has closed (for the stats and the tests). */
  unfinishedRequests: Readonly<Pick<UnfinishedRequests, 'size' | 'refused' | 'timedOut'>>;
  close(): Promise<void>;
}

/** Default largest frame: an announce with 10 offers of a few KiB of SDP each fits. */
export const DEFAULT_MAX_PAYLOAD = 64 * 1024;
/** Default unsent bytes per socket before it is closed as a slow reader: dozens of offers. */
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;

/** web/dist of the repository: this module sits two folders deep (signal-tracker/src or signal-tracker/dist). */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

function displayHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** The tracker core with the server's options. */
function createTracker(options: ServerOptions): Tracker {
  const intervalMs = options.intervalMs ?? 120_000;
  return new Tracker({
    intervalMs,
    graceMs: options.graceMs ?? Math.min(30_000, intervalMs),
    limits: options.limits,
    offerTtlMs: options.offerTtlMs,
    announceDeadlineMs: options.announceDeadlineMs,
    random: options.random,
  });
}

/** With --redis: this process's directory in the cluster, started and joined by the tracker; otherwise undefined. */
async function joinCluster(
  tracker: Tracker,
  options: ServerOptions,
  logError: (message: string) => void,
): Promise<RedisDirectory | undefined> {
  if (!options.redisUrl) return undefined;
  const directory = new RedisDirectory({
    url: options.redisUrl,
    process: options.processId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    peerTimeoutMs: tracker.timeoutMs,
    leaseMs: options.processLeaseMs,
    onMessage: (message) => tracker.receiveFromCluster(message, Date.now()),
    onReconnect: () => void tracker.registerLocalPeers(Date.now()),
    log: (line) => logError(`signal-tracker: ${line}`),
  });
  try {
    await directory.start();
  } catch (error) {
    await directory.close();
    throw new Error(`cannot reach Redis at ${options.redisUrl}: ${(error as Error).message}`);
  }
  tracker.joinCluster(directory);
  return directory;
}

/**
 * The server's periodic work, each timer unref'd: the sweep of silent peers, the close of sockets that never
 * announced, the pings, the close of connections whose request headers are late, and with a cluster the cluster's totals for the stats once a second (undefined while Redis
 * is down: the stats then show this process's own).
 */
function startTimers(
  context: SocketContext,
  options: ServerOptions,
  unfinished: UnfinishedRequests,
  cluster: RedisDirectory | undefined,
  setClusterTotals: (totals: ClusterTotals | undefined) => void,
): NodeJS.Timeout[] {
  const { tracker } = context;
  const intervalMs = options.intervalMs ?? 120_000;
  const timers = [
    setInterval(
      () => tracker.expire(Date.now()),
      options.sweepIntervalMs ?? Math.min(30_000, intervalMs / 2),
    ),
    setInterval(
      () => tracker.closeSilent(Date.now()),
      Math.max(100, Math.min(5_000, tracker.announceDeadlineMs / 6)),
    ),
    setInterval(() => pingSockets(context), options.pingIntervalMs ?? 30_000),
    setInterval(
      () => unfinished.expire(Date.now()),
      Math.max(
        50,
        Math.min(1000, (options.headerTimeoutMs ?? DEFAULT_UNFINISHED_REQUEST_LIMITS.headerTimeoutMs) / 4),
      ),
    ),
  ];
  if (cluster) {
    timers.push(
      setInterval(() => {
        if (!cluster.up) {
          setClusterTotals(undefined);
          return;
        }
        cluster.totals(Date.now()).then(setClusterTotals, () => setClusterTotals(undefined));
      }, 1000),
    );
  }
  for (const timer of timers) timer.unref();
  return timers;
}

/** Resolves once the server listens, rejects if it cannot; later server errors are logged. */
async function listen(
  http: Server,
  options: ServerOptions,
  logError: (message: string) => void,
): Promise<number> {
  await new Promise<void>((resolveListen, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(options.port ?? 8000, options.host, () => {
      http.off('error', rejectListen);
      resolveListen();
    });
  });
  http.on('error', (error) => logError(`signal-tracker: http server error: ${error.message}`));
  return (http.address() as AddressInfo).port;
}

/**
 * The server's shutdown, once however often it is asked: timers stopped, sockets told to go (and cut after a
 * second), the cluster directory closed, then the HTTP server.
 */
function shutdown(
  http: Server,
  wss: WebSocketServer,
  context: SocketContext,
  timers: NodeJS.Timeout[],
  directory: RedisDirectory | undefined,
): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= new Promise<void>((resolveClose) => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of context.sockets) socket.close(1001, 'tracker shutting down');
      wss.close();
      const closedDirectory = directory?.close() ?? Promise.resolve();
      http.close(() => void closedDirectory.then(() => resolveClose()));
      http.closeIdleConnections();
      // Sockets that do not finish the closing handshake promptly are cut.
      setTimeout(() => {
        for (const socket of context.sockets) socket.terminate();
        http.closeAllConnections();
      }, 1000).unref();
    });
    return closing;
  };
}

/**
 * Starts the tracker: its core, its place in the cluster (with --redis), the HTTP server with the app and the
 * WebSocket upgrades, and its timers.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const tracker = createTracker(options);
  const trustProxy = options.trustProxy ?? false;
  const trustedProxies = parseTrustedProxies(options.trustedProxies ?? DEFAULT_TRUSTED_PROXIES);
  const logError = options.logError ?? ((message: string) => console.error(message));
  const context: SocketContext = {
    tracker,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    logError,
    sockets: new Set(),
    corked: [],
    flushScheduled: false,
  };
  const directory = await joinCluster(tracker, options, logError);
  let clusterTotals: ClusterTotals | undefined;
  const keeper = keeperService(options.keeper, logError);

  const plainHandler = createRequestHandler({
    tracker,
    staticDir: options.staticDir === undefined ? DEFAULT_STATIC_DIR : options.staticDir,
    iceServers: options.iceServers ?? [],
    turn: options.turn,
    trustProxy,
    trustedProxies,
    statsToken: options.statsToken,
    clusterTotals: () => clusterTotals,
    statsRefreshSeconds: options.statsRefreshSeconds ?? 5,
    now: () => Date.now(),
    keeper: keeper.info,
  });
  const addressOf = (request: IncomingMessage) => clientAddress(request, trustProxy, trustedProxies);
  const handler = keeper.routes(
    plainHandler,
    addressOf,
    resolveLimits(options.limits).maxBytesPerSecondPerAddress,
  );
  const http: Server = createServer();
  const { unfinished, connections } = guardHttp(
    http,
    { ...options, maxConnectionsPerAddress: resolveLimits(options.limits).maxConnectionsPerAddress },
    trustProxy,
    trustedProxies,
  );
  http.on('request', refusingOverCap(connections, handler));
  const socketLimits = {
    maxConnections: options.maxConnections ?? 10_000,
    maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
  };
  const wss = acceptTrackerSockets(
    http,
    context,
    socketLimits,
    (request) => clientAddress(request, trustProxy, trustedProxies),
    (raw) => connections.isOverCap(raw),
  );
  http.on('clientError', (_error, socket) => socket.destroy());
  const timers = startTimers(context, options, unfinished, directory, (totals) => (clusterTotals = totals));

  const port = await listen(http, options, logError);
  const host = displayHost(options.host);
  keeper.start(`ws://${host}:${port}/`, options.iceServers ?? [], options.turn);
  const closeServer = shutdown(http, wss, context, timers, directory);
  return {
    port,
    url: `http://${host}:${port}/`,
    trackerUrl: `ws://${host}:${port}/`,
    tracker,
    processId: directory?.process,
    unfinishedRequests: unfinished,
    close: async () => {
      await keeper.close();
      await closeServer();
    },
  };
}
