// Incoming TCP peers (BEP 3): one listening socket for every torrent of a host. A connection is handed to the torrent
// its handshake names once the first 48 bytes (protocol string, reserved bytes, info hash) have come; a stranger who
// names no torrent of ours, sends something else, or says nothing for HANDSHAKE_WAIT_MS is closed. Until then it
// holds one of the places of its address (unrouted-slots.ts), so one host's silent sockets never keep others out.
import { createServer, type Server, type Socket } from 'node:net';
import { PROTOCOL_HEADER } from '../shared/codec/wire';
import { toHex } from '../shared/codec/hex';
import { addressKey, UnroutedSlots } from './unrouted-slots';

/** The handshake's bytes up to the end of the info hash. */
const ROUTING_BYTES = 48;
/** How long an incoming connection may take to name its torrent. */
export const HANDSHAKE_WAIT_MS = 10_000;
/** Incoming connections that have not named their torrent yet, at most (past it a newcomer takes the place of the
 * one silent longest). */
export const MAX_UNROUTED = 64;

/** Finds the torrent for an info hash (hex) and gives it the socket and the bytes read so far. */
export type Router = (infoHashHex: string) => ((socket: Socket, early: Uint8Array) => void) | undefined;

export class PeerListener {
  private readonly server: Server;
  private readonly unrouted = new UnroutedSlots<Socket>(MAX_UNROUTED);

  constructor(private readonly route: Router) {
    this.server = createServer((socket) => this.incoming(socket));
  }

  /** Listens on `port` (0: any free port) of `host`; resolves with the port. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    for (const socket of [...this.unrouted.items()]) socket.destroy();
    this.unrouted.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private incoming(socket: Socket): void {
    this.unrouted.admit(socket, addressKey(socket.remoteAddress), performance.now())?.destroy();
    const head = new Uint8Array(ROUTING_BYTES);
    let filled = 0;
    const done = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      this.unrouted.delete(socket);
    };
    const timer = setTimeout(() => {
      done();
      socket.destroy();
    }, HANDSHAKE_WAIT_MS);
    socket.on('close', done);
    socket.on('error', () => socket.destroy());
    const onData = (chunk: Buffer): void => {
      this.unrouted.touch(socket, performance.now());
      const take = Math.min(ROUTING_BYTES - filled, chunk.length);
      head.set(chunk.subarray(0, take), filled);
      filled += take;
      if (!startsLikeBitTorrent(head, filled)) {
        done();
        socket.destroy();
        return;
      }
      if (filled < ROUTING_BYTES) return;
      done();
      socket.off('close', done);
      const deliver = this.route(toHex(head.subarray(28, 48)));
      if (!deliver) {
        socket.destroy();
        return;
      }
      const early = new Uint8Array(chunk.length - take + ROUTING_BYTES);
      early.set(head, 0);
      early.set(chunk.subarray(take), ROUTING_BYTES);
      socket.pause();
      deliver(socket, early);
      socket.resume();
    };
    socket.on('data', onData);
  }
}

function startsLikeBitTorrent(head: Uint8Array, filled: number): boolean {
  for (let i = 0; i < Math.min(filled, PROTOCOL_HEADER.length); i++)
    if (head[i] !== PROTOCOL_HEADER[i]) return false;
  return true;
}
