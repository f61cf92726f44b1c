// One peer over TCP (BEP 3), or a WebRTC channel read as a socket (peer-channel.ts): a `net.Socket` as the
// PeerTransport every host's engine talks to. The handshake and every message are the engine's: the socket is the
// same ordered byte stream a data channel is in the browser. What the socket holds unsent is summed into its torrent's
// upload-queue report (shared/host/upload-queue-report.ts), as the browser's channel writers are: the engine paces
// its upload to it, so a small message (a `have`, sd_pex) waits behind a quarter second of blocks, not every block.
import type { Socket } from 'node:net';
import { ownBuffer } from '../shared/host/own-buffer';
import type { PeerReceiver, PeerTransport } from '../shared/host/peer-transport';
import type { UploadQueueReport } from '../shared/host/upload-queue-report';
import { isPublicAddress } from '../shared/host/identities';

/** Past this many bytes waiting in the socket's send buffer the peer is backlogged: it gets no new block reads until
 * the buffer drains (the engine's upload backpressure). */
export const SEND_BACKLOG_BYTES = 1024 * 1024;

export class TcpPeer implements PeerTransport {
  private backlogged = false;
  private ended = false;
  private receiver: PeerReceiver | undefined;
  /** Where what the socket holds unsent is summed for the engine's pacing. */
  private report: UploadQueueReport | undefined;
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
    socket.on('drain', () => {
      this.report?.changed();
      this.backlog(false);
    });
    socket.on('error', (e) => (error = e.message));
    socket.on('close', () => {
      if (this.ended) return;
      this.end();
      closed(error);
    });
  }

  /** Bytes handed to the socket that have not left it (a channel's: its stream's queue and the channel's buffer,
   * peer-channel.ts). */
  get heldBytes(): number {
    return this.ended ? 0 : this.socket.writableLength;
  }

  /** Counts this connection in its torrent's upload-queue report, as `peer`'s, until it closes. */
  reportTo(report: UploadQueueReport, peer: string): void {
    if (this.ended) return;
    this.report = report;
    report.add(this, peer);
  }

  receive(receiver: PeerReceiver): void {
    if (this.receiver) return;
    this.receiver = receiver;
    for (const data of this.early.splice(0)) receiver.data(data);
  }

  send(data: ArrayBuffer): void {
    if (this.ended) return;
    this.socket.write(new Uint8Array(data));
    this.report?.changed();
    if (this.heldBytes > SEND_BACKLOG_BYTES) this.backlog(true);
  }

  /** The socket takes every message as it is sent (its own buffer is past reach): none waits here to be dropped. */
  retract(): boolean {
    return false;
  }

  /** Closes the socket at the session's word: `closed` is not called. */
  close(): void {
    this.end();
    this.socket.destroy();
  }

  private end(): void {
    this.ended = true;
    this.report?.remove(this);
    this.report = undefined;
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
