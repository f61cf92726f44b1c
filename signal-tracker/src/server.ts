// The socket layer: one HTTP server that serves the web app and upgrades WebSockets for the tracker core.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { createRequestHandler } from './http';
import { Tracker, type TrackerLimits } from './tracker';

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
  /** A socket whose unsent data exceeds this many bytes is closed as a slow reader (default 4 MiB). */
  maxBufferedBytes?: number;
  limits?: Partial<TrackerLimits>;
  /** ICE servers served at /config.json (default none). */
  iceServers?: unknown[];
  /** Folder of the built web app; null serves none (default: web/dist of the repository). */
  staticDir?: string | null;
  statsRefreshSeconds?: number;
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
  close(): Promise<void>;
}

/** web/dist of the repository: this module sits two folders deep (signal-tracker/src or signal-tracker/dist). */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

function displayHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The frame's text, or null when it is not UTF-8. The one UTF-8 check (ws's own is switched off). */
function decodeFrame(data: RawData): string | null {
  const bytes = Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : data;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const intervalMs = options.intervalMs ?? 120_000;
  const tracker = new Tracker({
    intervalMs,
    graceMs: options.graceMs ?? Math.min(30_000, intervalMs),
    limits: options.limits,
    random: options.random,
  });
  const logError = options.logError ?? ((message: string) => console.error(message));
  const maxConnections = options.maxConnections ?? 10_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;

  const http: Server = createServer(
    createRequestHandler({
      tracker,
      staticDir: options.staticDir === undefined ? DEFAULT_STATIC_DIR : options.staticDir,
      iceServers: options.iceServers ?? [],
      statsRefreshSeconds: options.statsRefreshSeconds ?? 5,
      now: () => Date.now(),
    }),
  );
  const wss = new WebSocketServer({
    server: http,
    maxPayload: options.maxPayload ?? 64 * 1024,
    perMessageDeflate: false,
    skipUTF8Validation: true, // decodeFrame checks text and binary frames alike
    clientTracking: true,
  });

  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (socket) => {
    if (wss.clients.size > maxConnections) {
      socket.close(1013, 'too many connections');
      return;
    }
    alive.add(socket);
    const session = tracker.connect({
      send(message) {
        if (socket.readyState !== WebSocket.OPEN) return;
        if (socket.bufferedAmount > maxBufferedBytes) {
          socket.terminate();
          return;
        }
        let text: string;
        try {
          text = JSON.stringify(message);
        } catch (error) {
          logError(`signal-tracker: cannot encode a message: ${(error as Error).message}`);
          return;
        }
        socket.send(text);
      },
      close(code, reason) {
        socket.close(code, reason);
      },
    });
    socket.on('pong', () => alive.add(socket));
    socket.on('message', (data, isBinary) => {
      const text = decodeFrame(data);
      if (text === null) {
        const reason = `invalid message: ${isBinary ? 'binary frame' : 'frame'} is not UTF-8 text`;
        tracker.receiveUnreadable(session, reason, Date.now());
        return;
      }
      try {
        tracker.receive(session, text, Date.now());
      } catch (error) {
        // A bug, not bad input (the core answers that): log it, drop the connection, keep serving the rest.
        logError(`signal-tracker: error handling a message: ${(error as Error).stack ?? error}`);
        socket.terminate();
      }
    });
    socket.on('close', () => tracker.disconnect(session));
    socket.on('error', () => {
      // ws closes the socket after an error (oversized frame, bad framing); 'close' cleans up.
    });
  });
  // ws re-emits the HTTP server's errors; those are reported once, below (or reject the start).
  wss.on('error', () => {});
  http.on('clientError', (_error, socket) => socket.destroy());

  const timers = [
    setInterval(
      () => tracker.expire(Date.now()),
      options.sweepIntervalMs ?? Math.min(30_000, intervalMs / 2),
    ),
    setInterval(() => {
      for (const socket of wss.clients) {
        if (!alive.has(socket)) {
          socket.terminate();
          continue;
        }
        alive.delete(socket);
        socket.ping();
      }
    }, options.pingIntervalMs ?? 30_000),
  ];
  for (const timer of timers) timer.unref();

  await new Promise<void>((resolveListen, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(options.port ?? 8000, options.host, () => {
      http.off('error', rejectListen);
      resolveListen();
    });
  });
  http.on('error', (error) => logError(`signal-tracker: http server error: ${error.message}`));
  const port = (http.address() as AddressInfo).port;
  const host = displayHost(options.host);

  let closing: Promise<void> | null = null;
  return {
    port,
    url: `http://${host}:${port}/`,
    trackerUrl: `ws://${host}:${port}/`,
    tracker,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of wss.clients) socket.close(1001, 'tracker shutting down');
        wss.close();
        http.close(() => resolveClose());
        http.closeIdleConnections();
        // Sockets that do not finish the closing handshake promptly are cut.
        setTimeout(() => {
          for (const socket of wss.clients) socket.terminate();
          http.closeAllConnections();
        }, 1000).unref();
      });
      return closing;
    },
  };
}
