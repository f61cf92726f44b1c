// One WebRTC connection of one torrent, as the tracker client signals it and the connection manager (peers.ts) keeps
// it: the worker's key for it once connected, the remote peer the tracker matched it with, what became of the attempt.
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { ChannelWriter } from '../channel-writer';
import type { PeerConnection } from './peer-connection';
import type { Attempt } from './reachability';
import type { BudgetPlace } from './connection-budget';
import type { SignalPeer } from './tracker-client';

export class RtcPeer implements SignalPeer {
  /** The key the worker knows this connection by, once connected. */
  key: string | undefined;
  /** Hex peer id the tracker gave for the other side. */
  remote: string | undefined;
  /** Writes the worker's bytes to a channel the page holds (none for a channel the worker holds). */
  writer: ChannelWriter | undefined;
  /** The worker asked to close it: do not report the close back. */
  closedByWorker = false;
  readonly createdAt = Date.now();
  /** What became of this connection attempt (see reachability.ts). */
  readonly attempt: Attempt;
  /** Our own offer or answer left: the connection manager reads the routes it carries. */
  onOwnSignal: ((data: SignalDescription) => void) | undefined;
  /** Marks the attempt failed when a matched connection has not opened in time. */
  stallTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether our own offer or answer has left (every candidate gathered: trickle is off). */
  signalled = false;
  /** Made through the swarm to meet this peer id (swarm-meetings.ts): its handshake must name it. */
  expect: string | undefined;

  constructor(
    readonly infoHashHex: string,
    readonly initiator: boolean,
    readonly connection: PeerConnection,
    relayOnly = false,
    /** Its place among the page's connections (connection-budget.ts), given back when it closes or is destroyed. */
    readonly place?: BudgetPlace,
  ) {
    this.attempt = { relayOnly, outcome: 'pending', relayErrors: [] };
  }

  get destroyed(): boolean {
    return this.connection.destroyed;
  }

  once(_event: 'signal', listener: (data: SignalDescription) => void): void {
    this.connection.onceSignal((data) => {
      this.signalled = true;
      this.onOwnSignal?.(data);
      listener(data);
    });
  }

  signal(data: SignalDescription): void {
    if (!this.connection.destroyed) this.connection.signal(data);
  }

  /** Closes the connection (simple-peer closes its RTCPeerConnection) and gives back its place. */
  destroy(): void {
    this.writer?.close();
    this.place?.release();
    if (!this.connection.destroyed) this.connection.destroy();
  }
}
