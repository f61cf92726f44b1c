// simple-peer behind the connection interface (peer-connection.ts): the one module of the app that knows it. The
// page keeps every RTCPeerConnection (it cannot live in a worker); each data channel moves to the engine worker as
// it is created, where the browser allows it (channel-transfer.ts).
import '../../lib/platform/polyfills';
import SimplePeer from 'simple-peer';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import { adoptingPeerConnection, type AdoptChannel, type ChannelStandIn } from './channel-transfer';
import type { ChannelLike } from '../channel-writer';
import type { ConnectionOptions, CreateConnection, PeerConnection, StatsLike } from './peer-connection';

/** The parts of a simple-peer instance used here (tests pass a fake of the same shape). */
export interface PeerInstance {
  readonly destroyed: boolean;
  once(event: 'signal', listener: (data: unknown) => void): unknown;
  on(event: 'connect' | 'close', listener: () => void): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  signal(data: SignalDescription): void;
  destroy(): void;
}

export type CreateInstance = (options: ConnectionOptions) => PeerInstance;

/** What simple-peer keeps of its connection, read here only (absent from test fakes). */
interface SimplePeerInternals {
  _pc?: {
    addEventListener?(type: 'icecandidateerror', listener: (event: Event) => void): void;
    getStats?(): Promise<StatsLike>;
    remoteDescription?: { sdp?: string } | null;
  };
  _channel?: ChannelLike | ChannelStandIn;
  remoteAddress?: string;
}

/** simple-peer's WebRTC classes, its RTCPeerConnection moving channels through `adopt`. Made for each connection
 * over the page's RTCPeerConnection of the moment, as simple-peer itself reads it (tests wrap it). */
function wrtcFor(adopt: AdoptChannel): SimplePeer.Options['wrtc'] {
  const Adopting = adoptingPeerConnection(RTCPeerConnection, adopt) as typeof RTCPeerConnection;
  return { RTCPeerConnection: Adopting, RTCSessionDescription, RTCIceCandidate };
}

/** With no STUN or TURN server there is nothing to gather but this machine's host candidates, which come all at once:
 * the description leaves this long after the first of them. */
export const HOST_ONLY_GATHER_MS = 50;

/**
 * How long after its first candidate a description waits for the rest (trickle is off: one description a side).
 * Chromium reports its gathering complete about 120 ms after the host candidates, which every connection's offer
 * and answer would wait for; with servers, their candidates (a STUN round trip, a TURN allocation) come later, so
 * simple-peer's own 5 s stays (undefined).
 */
export function iceCompleteTimeout(iceServers: RTCIceServer[]): number | undefined {
  const anyServer = iceServers.some((server) =>
    Array.isArray(server.urls) ? server.urls.length > 0 : Boolean(server.urls),
  );
  return anyServer ? undefined : HOST_ONLY_GATHER_MS;
}

export const createSimplePeer: CreateInstance = ({
  initiator,
  iceServers,
  iceTransportPolicy,
  adoptChannel,
}) => {
  const gatherMs = iceCompleteTimeout(iceServers);
  return new SimplePeer({
    initiator,
    trickle: false,
    ...(gatherMs !== undefined ? { iceCompleteTimeout: gatherMs } : {}),
    config: { iceServers, iceTransportPolicy },
    ...(adoptChannel ? { wrtc: wrtcFor(adoptChannel) } : {}),
  }) as unknown as PeerInstance;
};

/** A message's bytes as a buffer of their own: simple-peer wraps each message's ArrayBuffer in a Buffer view without
 * copying, which is passed on whole; a view on part of a buffer is copied, so a transfer never detaches someone
 * else's bytes. */
function ownBuffer(chunk: Uint8Array): ArrayBuffer {
  const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
  return whole ? (chunk.buffer as ArrayBuffer) : (chunk.slice().buffer as ArrayBuffer);
}

/** A simple-peer instance as a PeerConnection. */
export class SimplePeerConnection implements PeerConnection {
  constructor(private readonly instance: PeerInstance) {}

  private get internals(): SimplePeerInternals {
    return this.instance as unknown as SimplePeerInternals;
  }

  get destroyed(): boolean {
    return this.instance.destroyed;
  }

  onceSignal(listener: (data: SignalDescription) => void): void {
    this.instance.once('signal', (data) => listener(data as SignalDescription));
  }

  on(event: 'connect' | 'close', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'data', listener: (data: ArrayBuffer) => void): void;
  on(event: 'ice-server-error', listener: (url: string) => void): void;
  on(event: string, listener: (value: never) => void): void {
    if (event === 'data') {
      const received = listener as (data: ArrayBuffer) => void;
      this.instance.on('data', (chunk) => received(ownBuffer(chunk)));
    } else if (event === 'ice-server-error') {
      const failed = listener as (url: string) => void;
      this.internals._pc?.addEventListener?.('icecandidateerror', (error) => {
        const url = (error as Event & { url?: string }).url;
        if (typeof url === 'string') failed(url);
      });
    } else {
      this.instance.on(event as 'error', listener as (error: Error) => void);
    }
  }

  signal(data: SignalDescription): void {
    this.instance.signal(data);
  }

  destroy(): void {
    this.instance.destroy();
  }

  channel(): ChannelLike | ChannelStandIn | undefined {
    return this.internals._channel;
  }

  remote(): { sdp?: string | undefined; address?: string | undefined } {
    return { sdp: this.internals._pc?.remoteDescription?.sdp, address: this.internals.remoteAddress };
  }

  stats(): Promise<StatsLike> | undefined {
    return this.internals._pc?.getStats?.();
  }
}

/** Connections over simple-peer instances made by `createInstance` (simple-peer itself by default). */
export function simplePeerConnections(createInstance: CreateInstance = createSimplePeer): CreateConnection {
  return (options) => new SimplePeerConnection(createInstance(options));
}
