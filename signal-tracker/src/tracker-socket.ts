// One client's WebSocket as the tracker's Connection: its frames decoded and handed to the tracker, its writes
// batched per turn of the event loop, its pings; and the upgrade of the HTTP server's requests to such sockets.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { refuseUpgrade } from './http-connections';
import { CLOSE_POLICY, type Connection, type Session } from './tracker/socket-session';
import type { Tracker } from './tracker/tracker';

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

/** What every socket of one server shares: the tracker, the limits and the write batching. */
export interface SocketContext {
  tracker: Tracker;
  maxBufferedBytes: number;
  logError: (message: string) => void;
  /** Open sockets, for the pings and the shutdown. */
  sockets: Set<TrackerSocket>;
  /** Sockets corked since the last flush. */
  corked: TrackerSocket[];
  flushScheduled: boolean;
}

/**
 * One client's WebSocket. It is the tracker's Connection and holds its Session itself, and its event handlers
 * are methods shared by every socket, so a connection costs no closures and no maps from socket to session.
 *
 * Writes are batched: the first message to a socket in a turn of the event loop corks its TCP socket, and
 * `flush` uncorks every corked socket once the turn's I/O has been handled (setImmediate, no timer): the answers
 * to one peer's offers, which arrive together, leave in one write instead of one system call each.
 */
class TrackerSocket extends WebSocket implements Connection {
  context!: SocketContext;
  session!: Session;
  /** The TCP socket under the WebSocket (ws writes to it too, so corking it batches every frame). */
  raw!: Duplex;
  /** Answered the last ping (or is new). */
  alive = true;
  isCorked = false;

  /** False when the tracker refused the connection (its address has too many): the socket is then closed. */
  attach(context: SocketContext, raw: Duplex, address: string): boolean {
    this.context = context;
    this.raw = raw;
    const session = context.tracker.connect(this, address, Date.now());
    if (!session) {
      this.on('error', onError);
      this.close(CLOSE_POLICY, 'too many connections from this address');
      return false;
    }
    this.session = session;
    context.sockets.add(this);
    this.on('message', onMessage);
    this.on('pong', onPong);
    this.on('close', onClose);
    this.on('error', onError);
    return true;
  }

  unsentBytes(): number {
    return this.bufferedAmount;
  }

  deliver(message: object): void {
    if (this.readyState !== WebSocket.OPEN) return;
    const context = this.context;
    if (this.bufferedAmount > context.maxBufferedBytes) {
      this.terminate();
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      context.logError(`signal-tracker: cannot encode a message: ${(error as Error).message}`);
      return;
    }
    if (!this.isCorked) {
      this.isCorked = true;
      this.raw.cork();
      context.corked.push(this);
      if (!context.flushScheduled) {
        context.flushScheduled = true;
        setImmediate(flush, context);
      }
    }
    this.send(text);
  }
}

// The event handlers of every TrackerSocket: plain functions, so sockets share them (ws calls them with `this`
// set to the socket).
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const socket = this as TrackerSocket;
  const { tracker } = socket.context;
  const text = decodeFrame(data);
  if (text === null) {
    const reason = `invalid message: ${isBinary ? 'binary frame' : 'frame'} is not UTF-8 text`;
    tracker.receiveUnreadable(socket.session, reason, Date.now(), frameBytes(data));
    return;
  }
  try {
    tracker.receive(socket.session, text, Date.now(), frameBytes(data));
  } catch (error) {
    // A bug, not bad input (the core answers that): log it, drop the connection, keep serving the rest.
    socket.context.logError(`signal-tracker: error handling a message: ${(error as Error).stack ?? error}`);
    socket.terminate();
  }
}

/** A frame's size on the wire, for the byte rates. */
function frameBytes(data: RawData): number {
  return Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data.byteLength;
}

function onPong(this: WebSocket): void {
  (this as TrackerSocket).alive = true;
}

function onClose(this: WebSocket): void {
  const socket = this as TrackerSocket;
  socket.context.sockets.delete(socket);
  socket.context.tracker.disconnect(socket.session);
}

function onError(): void {
  // ws closes the socket after an error (oversized frame, bad framing); 'close' cleans up.
}

/** Sends what the turn's messages left corked. */
function flush(context: SocketContext): void {
  context.flushScheduled = false;
  const corked = context.corked;
  context.corked = [];
  for (const socket of corked) {
    socket.isCorked = false;
    socket.raw.uncork();
  }
}

/**
 * The WebSocket side of the HTTP server: an upgrade from an address over its limit is refused before the
 * handshake, one past the server's connection cap after it; the others become TrackerSockets.
 */
export function acceptTrackerSockets(
  http: Server,
  context: SocketContext,
  limits: { maxConnections: number; maxPayload: number },
  addressOf: (request: IncomingMessage) => string,
  /** Whether the connection is over its address's cap of open connections (http-connections.ts). */
  overCap: (raw: Duplex) => boolean = () => false,
): WebSocketServer {
  const { tracker } = context;
  const { maxConnections } = limits;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayload,
    perMessageDeflate: false,
    skipUTF8Validation: true, // decodeFrame checks text and binary frames alike
    clientTracking: false, // context.sockets tracks them, without a closure per socket
    WebSocket: TrackerSocket,
  });
  http.on('upgrade', (request: IncomingMessage, raw: Duplex, head: Buffer) => {
    const address = addressOf(request);
    if (overCap(raw) || !tracker.acceptsConnectionFrom(address)) {
      // Refused before the handshake: an address over its limit costs no WebSocket.
      tracker.counters.connectionsRefused++;
      refuseUpgrade(raw);
      return;
    }
    wss.handleUpgrade(request, raw, head, (ws) => {
      const socket = ws as TrackerSocket;
      if (context.sockets.size >= maxConnections) {
        socket.on('error', onError);
        socket.close(1013, 'too many connections');
        return;
      }
      socket.attach(context, raw, address);
    });
  });
  return wss;
}

/** Closes every socket that has not answered the previous ping, and pings the others. */
export function pingSockets(context: SocketContext): void {
  for (const socket of context.sockets) {
    if (!socket.alive) {
      socket.terminate();
      continue;
    }
    socket.alive = false;
    socket.ping();
  }
}
