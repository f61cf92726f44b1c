// Open TCP connections on the tracker's port, counted per client address from the moment they open: a page's
// requests and a tracker WebSocket alike (an upgraded connection keeps its TCP socket, so it stays counted). A
// connection past its address's cap is not served: its request, or its upgrade, gets 429 and the connection closes.
// A connection from a trusted proxy is not counted here (every client behind it shares its address); the tracker
// then counts WebSockets per forwarded address (tracker/admission.ts).
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { addressKey } from './client-address';

/**
 * What one address's stalled readers may add to the tracker's resident memory (docs/security.md): each holds at most
 * its response's read-ahead and the socket's unsent bytes until the send timeout closes it, and an address holds at
 * most `--max-connections-per-address` of them (slow-readers.process.test.ts holds the figure).
 */
export const SLOW_READER_BUDGET_BYTES = 128 * 1024 * 1024;

/** Read-ahead of a file being sent: small, since a stalled reader holds it until the send timeout. */
export const FILE_CHUNK_BYTES = 8 * 1024;

/** How long a refused client is asked to wait before it tries again, in seconds. */
export const CONNECTION_RETRY_AFTER_SECONDS = 10;

const REFUSAL = 'too many open connections from your address: close some and try again\n';

export class OpenConnections {
  private readonly perAddress = new Map<string, number>();
  /** Connections over their address's cap, until they close. */
  private readonly overCap = new WeakSet<Socket | Duplex>();
  /** Connections refused because their address had too many open. */
  refused = 0;

  /**
   * @param counts whether a connection from this peer address is counted (false for a trusted proxy's).
   */
  constructor(
    private readonly maxPerAddress: number,
    private readonly counts: (remoteAddress: string | undefined) => boolean = () => true,
  ) {}

  /** Addresses with open connections: the table holds no address with none. */
  get addressCount(): number {
    return this.perAddress.size;
  }

  /** Open connections counted for `address` (an addressKey). */
  openFrom(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  /** A new connection: counted until it closes, or marked to be refused when its address is at its cap. */
  admit(socket: Socket): void {
    if (!this.counts(socket.remoteAddress)) return;
    const address = addressKey(socket.remoteAddress);
    const open = this.openFrom(address);
    if (open >= this.maxPerAddress) {
      this.refused++;
      this.overCap.add(socket);
      return;
    }
    this.perAddress.set(address, open + 1);
    socket.once('close', () => this.release(address));
  }

  /** Whether the connection is over its address's cap (its request gets `refuseRequest`, its upgrade `refuseUpgrade`). */
  isOverCap(socket: Socket | Duplex): boolean {
    return this.overCap.has(socket);
  }

  private release(address: string): void {
    const left = this.openFrom(address) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}

/** 429 in words, and the connection closed once it is sent. */
export function refuseRequest(res: ServerResponse): void {
  res.writeHead(429, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(REFUSAL),
    'retry-after': String(CONNECTION_RETRY_AFTER_SECONDS),
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(res.req.method === 'HEAD' ? undefined : REFUSAL);
}

/** The same for an upgrade (no ServerResponse exists for one): written on the raw socket, which is then closed. */
export function refuseUpgrade(raw: Duplex, reason = REFUSAL): void {
  raw.on('error', () => {});
  raw.end(
    'HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\n' +
      `Retry-After: ${CONNECTION_RETRY_AFTER_SECONDS}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
    () => raw.destroy(),
  );
}
