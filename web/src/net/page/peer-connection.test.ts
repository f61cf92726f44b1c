// The connection manager over a fake PeerConnection: nothing of simple-peer's shape or internals is needed.
import { describe, expect, it } from 'vitest';
import { until } from '../../../../shared/testing/until';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { MainToWorker } from '../../lib/messages/protocol';
import { ChannelStandIn } from './channel-transfer';
import type { ChannelLike } from '../channel-writer';
import type { ConnectionOptions, PeerConnection, StatsLike } from './peer-connection';
import { PeerManager } from './peers';

type Listener = (value?: never) => void;

class FakeConnection implements PeerConnection {
  destroyed = false;
  signals: SignalDescription[] = [];
  private readonly listeners = new Map<string, Listener[]>();
  private signalListener: ((data: SignalDescription) => void) | undefined;

  constructor(
    readonly options: ConnectionOptions,
    public dataChannel: ChannelLike | ChannelStandIn | undefined,
    private readonly remoteSide = { sdp: 'a=fingerprint:sha-256 AB:CD\r\n', address: '8.8.4.4' },
  ) {}

  onceSignal(listener: (data: SignalDescription) => void): void {
    this.signalListener = listener;
  }
  on(event: string, listener: (value: never) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as Listener]);
  }
  emit(event: string, value?: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (value: unknown) => void)(value);
  }
  listening(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
  ownSignal(data: SignalDescription): void {
    this.signalListener?.(data);
  }
  signal(data: SignalDescription): void {
    this.signals.push(data);
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
  channel(): ChannelLike | ChannelStandIn | undefined {
    return this.dataChannel;
  }
  remote(): { sdp?: string; address?: string } {
    return this.remoteSide;
  }
  stats(): Promise<StatsLike> | undefined {
    return undefined;
  }
}

const pageChannel = (): ChannelLike & { sent: Uint8Array[] } => {
  const sent: Uint8Array[] = [];
  return {
    sent,
    bufferedAmount: 0,
    readyState: 'open',
    send: (data) => sent.push(data),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
};

const T = '12'.repeat(20);

function setup(channel: () => ChannelLike | ChannelStandIn | undefined) {
  const posted: Array<{ message: MainToWorker; transfer?: Transferable[] }> = [];
  const connections: FakeConnection[] = [];
  const manager = new PeerManager({
    post: (message, transfer) => posted.push({ message, transfer }),
    iceServers: () => [{ urls: 'turn:127.0.0.1:3478' }],
    iceTransportPolicy: () => 'relay',
    createConnection: (options) => {
      const connection = new FakeConnection(options, channel());
      connections.push(connection);
      return connection;
    },
  });
  return { manager, posted, connections };
}

describe('PeerManager over a PeerConnection', () => {
  it('makes each connection with the ICE servers and policy of the moment', () => {
    const { manager, connections } = setup(pageChannel);
    manager.createPeer(T, true);
    expect(connections[0].options).toMatchObject({
      initiator: true,
      iceServers: [{ urls: 'turn:127.0.0.1:3478' }],
      iceTransportPolicy: 'relay',
      adoptChannel: undefined,
    });
  });

  it("relays a page channel: the peer's bytes to the worker, transferred, and the worker's to the channel", async () => {
    const channel = pageChannel();
    const { manager, posted, connections } = setup(() => channel);
    manager.createPeer(T, false);
    connections[0].emit('connect');
    expect(posted[0].message).toEqual({
      type: 'peer-connected',
      infoHashHex: T,
      peer: (posted[0].message as { peer: string }).peer,
      identities: ['dtls:sha-256:AB:CD', 'ip:8.8.4.4'],
    });
    const key = (posted[0].message as { peer: string }).peer;
    const data = new ArrayBuffer(4);
    connections[0].emit('data', data);
    expect(posted[1]).toEqual({
      message: { type: 'peer-data', infoHashHex: T, peer: key, data },
      transfer: [data],
    });
    manager.send(T, key, new Uint8Array([5, 6]).buffer);
    // The writer merges a burst in one deferred task (a MessageChannel message), which no timer is ordered with.
    await until(() => channel.sent.length > 0, { what: 'the write to reach the channel' });
    expect(channel.sent.map((m) => Array.from(m))).toEqual([[5, 6]]);
  });

  it('leaves a channel the worker holds to the worker: named in peer-connected, no data listener', () => {
    const standIn = new ChannelStandIn('ch4', 'x', () => undefined);
    const { manager, posted, connections } = setup(() => standIn);
    manager.createPeer(T, true);
    connections[0].emit('connect');
    expect(posted[0].message).toMatchObject({ type: 'peer-connected', channel: 'ch4' });
    expect(connections[0].listening('data')).toBe(0);
  });

  it('closes a connection that opened without a channel, and counts a TURN error against the attempt', () => {
    const { manager, connections } = setup(() => undefined);
    const peer = manager.createPeer(T, true)!;
    connections[0].emit('ice-server-error', 'turn:127.0.0.1:3478');
    connections[0].emit('ice-server-error', 'stun:127.0.0.1:3478');
    expect(peer.attempt.relayErrors).toEqual(['turn:127.0.0.1:3478']);
    connections[0].emit('connect');
    expect(connections[0].destroyed).toBe(true);
    expect(manager.connectedCount(T)).toBe(0);
  });

  it('marks its own offer signalled and passes the remote one on', () => {
    const { manager, connections } = setup(pageChannel);
    const peer = manager.createPeer(T, true)!;
    const heard: SignalDescription[] = [];
    peer.once('signal', (data) => heard.push(data));
    connections[0].ownSignal({ type: 'offer', sdp: 'v=0\r\na=candidate:1 1 udp 1 1.2.3.4 5 typ relay\r\n' });
    expect(peer.signalled).toBe(true);
    expect(heard).toHaveLength(1);
    peer.signal({ type: 'answer', sdp: 'v=0\r\n' });
    expect(connections[0].signals).toEqual([{ type: 'answer', sdp: 'v=0\r\n' }]);
  });
});
