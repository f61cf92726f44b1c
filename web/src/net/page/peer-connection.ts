// One WebRTC connection to a peer as the connection manager (peers.ts) uses it: signalling, open and close, the data
// channel, what names the far end, its statistics. simple-peer implements it (simple-peer-connection.ts); the
// manager knows only this, so a test gives it a fake.
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { AdoptChannel, ChannelStandIn } from './channel-transfer';
import type { ChannelLike } from '../channel-writer';
import type { StatsLike } from './peer-path';

export type { StatsLike } from './peer-path';

export interface PeerConnection {
  readonly destroyed: boolean;
  /** Our offer or answer, once every candidate is gathered (trickle is off: one description a side). */
  onceSignal(listener: (data: SignalDescription) => void): void;
  on(event: 'connect' | 'close', listener: () => void): void;
  /** The connection failed; 'close' follows. */
  on(event: 'error', listener: (error: Error) => void): void;
  /** A message from the peer, on a channel the page holds, as a buffer of its own (the listener may transfer it). */
  on(event: 'data', listener: (data: ArrayBuffer) => void): void;
  /** A STUN or TURN server reported an error (its URL). */
  on(event: 'ice-server-error', listener: (url: string) => void): void;
  /** The other side's offer or answer. */
  signal(data: SignalDescription): void;
  destroy(): void;
  /** Its data channel once connected: the page's own, or the stand-in of one the worker holds (channel-transfer.ts). */
  channel(): ChannelLike | ChannelStandIn | undefined;
  /** The remote description's SDP and the remote address, once connected (what identities.ts reads). */
  remote(): { sdp?: string | undefined; address?: string | undefined };
  /** The connection's statistics; undefined where it has none. */
  stats(): Promise<StatsLike> | undefined;
}

export interface ConnectionOptions {
  initiator: boolean;
  iceServers: RTCIceServer[];
  /** 'relay': only TURN relay candidates, so the peer never learns our address. */
  iceTransportPolicy: RTCIceTransportPolicy;
  /** Moves the connection's data channel to the worker when it is created (see channel-transfer.ts). */
  adoptChannel?: AdoptChannel | undefined;
}

export type CreateConnection = (options: ConnectionOptions) => PeerConnection;
