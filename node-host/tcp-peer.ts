// One peer over TCP (BEP 3), or a WebRTC channel read as a socket (peer-channel.ts): a `net.Socket` as the
// PeerTransport every host's engine talks to. The handshake and every message are the engine's: the socket is the
// same ordered byte stream a data channel is in the browser.
import type { Socket } from 'node:net';
import { ownBuffer } from '../shared/host/own-buffer';
import type { PeerReceiver, PeerTransport } from '../shared/host/peer-transport';
import { isPublicAddress } from '../shared/host/identities';

/** Past this many bytes waiting in the socket's send buffer the peer is backlogged: it gets no new block reads until
 * the buffer drains (the engine's upload backpressure). */
export const SEND_BACKLOG_BYTES = 1024 * 1024;

export class TcpPeer implements PeerTransport {
  private backlogged = false;
  private ended = false;
  private receiver: PeerReceiver | undefined;
  /** What the peer sent before the torrent took the connection, in order. */
  private readonly early: ArrayBuffer[] = [];

  /** `early`: bytes already read from the socket (the start of a handshake); `closed` hears the socket close by
   * itself (with the error it closed with, if any), never after `close`. */
  constructor(
    readonly socket: Socket,
    closed: (reason: string | undefined) => void,
    early?: Uint8Array,
  ) {
    socket.setNoDelay(true);
    if (early && early.length > 0) this.early.push(ownBuffer(early));
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) => this.arrived(ownBuffer(chunk)));
    socket.on('drain', () => this.backlog(false));
    socket.on('error', (e) => (error = e.message));
    socket.on('close', () => {
      if (this.ended) return;
      this.ended = true;
      closed(error);
    });
  }

  receive(receiver: PeerReceiver): void {
    if (this.receiver) return;
    this.receiver = receiver;
    for (const data of this.early.splice(0)) receiver.data(data);
  }

  send(data: ArrayBuffer): void {
    if (this.ended) return;
    this.socket.write(new Uint8Array(data));
    if (this.socket.writableLength > SEND_BACKLOG_BYTES) this.backlog(true);
  }

  /** The socket takes every message as it is sent (its own buffer is past reach): none waits here to be dropped. */
  retract(): boolean {
    return false;
  }

  /** Closes the socket at the session's word: `closed` is not called. */
  close(): void {
    this.ended = true;
    this.socket.destroy();
  }

  private arrived(data: ArrayBuffer): void {
    if (this.receiver) this.receiver.data(data);
    else this.early.push(data);
  }

  private backlog(backlogged: boolean): void {
    if (backlogged === this.backlogged || this.ended) return;
    this.backlogged = backlogged;
    this.receiver?.backlog(backlogged);
  }
}

/** What names a remote end beyond its peer id: its address when it is a public one, so a peer banned for corrupt data
 * stays banned when it comes back under another id. Loopback, private, link-local and CGNAT addresses name no one
 * (many honest peers share them), as for the browser's data channels. */
export function socketIdentities(socket: Socket): string[] {
  const address = socket.remoteAddress?.replace(/^::ffff:/, '');
  return address && isPublicAddress(address) ? [`ip:${address}`] : [];
}
