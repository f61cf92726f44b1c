// One peer over TCP (BEP 3): a `net.Socket` carried to and from a session as `peer-connected`, `peer-data`,
// `peer-backlog` and `peer-closed` events. The handshake and every message are the engine's: the socket is the same
// ordered byte stream a data channel is in the browser.
import type { Socket } from 'node:net';
import type { EngineEvent, PeerKey } from '../shared/engine/contract/engine-types';

/** Past this many bytes waiting in the socket's send buffer the peer is backlogged: it gets no new block reads until
 * the buffer drains (the engine's upload backpressure). */
export const SEND_BACKLOG_BYTES = 1024 * 1024;

export interface PeerSink {
  feed(event: EngineEvent): void;
  /** The socket closed (`reason`: the error it closed with, if any). */
  closed(peer: PeerKey, reason: string | undefined): void;
}

export class TcpPeer {
  private backlogged = false;
  private ended = false;

  constructor(
    readonly key: PeerKey,
    readonly socket: Socket,
    private readonly sink: PeerSink,
  ) {
    socket.setNoDelay(true);
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) =>
      sink.feed({
        type: 'peer-data',
        peer: key,
        data: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length),
      }),
    );
    socket.on('drain', () => this.backlog(false));
    socket.on('error', (e) => (error = e.message));
    socket.on('close', () => {
      if (this.ended) return;
      this.ended = true;
      sink.closed(key, error);
    });
  }

  /** Tells the session the transport is open, then hands it the bytes read before it knew of the peer. */
  open(identities: readonly string[], early?: Uint8Array): void {
    this.sink.feed({ type: 'peer-connected', peer: this.key, identities });
    if (early && early.length > 0) this.sink.feed({ type: 'peer-data', peer: this.key, data: early });
  }

  send(data: Uint8Array): void {
    if (this.ended) return;
    this.socket.write(data);
    if (this.socket.writableLength > SEND_BACKLOG_BYTES) this.backlog(true);
  }

  /** Closes the socket at the session's word: no `peer-closed` goes back to it. */
  close(): void {
    this.ended = true;
    this.socket.destroy();
  }

  private backlog(backlogged: boolean): void {
    if (backlogged === this.backlogged || this.ended) return;
    this.backlogged = backlogged;
    this.sink.feed({ type: 'peer-backlog', peer: this.key, backlogged });
  }
}

/** What names a remote end beyond its peer id: its address, so a peer banned for corrupt data stays banned when it
 * comes back under another id. Loopback addresses name no one (every local process shares them). */
export function socketIdentities(socket: Socket): string[] {
  const address = socket.remoteAddress;
  if (!address || address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'))
    return [];
  return [`ip:${address}`];
}
