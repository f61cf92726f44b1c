import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SimplePeerConnection, simplePeerConnections, type PeerInstance } from './simple-peer-connection';

/** A simple-peer instance with the internals the adapter reads. */
class FakeSimplePeer extends EventEmitter {
  destroyed = false;
  remoteAddress = '1.1.1.1';
  _channel = { readyState: 'open' };
  _pc = Object.assign(new EventTarget(), {
    remoteDescription: { sdp: 'v=0\r\n' },
    getStats: async () => new Map([['x', { type: 'transport' }]]),
  });
  signalled: unknown[] = [];
  signal(data: unknown): void {
    this.signalled.push(data);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function adapt() {
  const instance = new FakeSimplePeer();
  return { instance, connection: new SimplePeerConnection(instance as unknown as PeerInstance) };
}

describe('SimplePeerConnection', () => {
  it("hands on a message's whole buffer as it is, and a copy of a view on part of one", () => {
    const { instance, connection } = adapt();
    const got: ArrayBuffer[] = [];
    connection.on('data', (data) => got.push(data));
    const whole = new ArrayBuffer(8);
    instance.emit('data', new Uint8Array(whole));
    const shared = new ArrayBuffer(16);
    instance.emit('data', new Uint8Array(shared, 4, 8));
    expect(got[0]).toBe(whole);
    expect(got[1]).not.toBe(shared);
    expect(got[1].byteLength).toBe(8);
  });

  it('reads the channel, the remote side, the statistics and the ICE servers’ errors from simple-peer', async () => {
    const { instance, connection } = adapt();
    expect(connection.channel()).toBe(instance._channel);
    expect(connection.remote()).toEqual({ sdp: 'v=0\r\n', address: '1.1.1.1' });
    expect((await connection.stats()!).get('x')).toEqual({ type: 'transport' });
    const urls: string[] = [];
    connection.on('ice-server-error', (url) => urls.push(url));
    instance._pc.dispatchEvent(Object.assign(new Event('icecandidateerror'), { url: 'turn:a:1' }));
    expect(urls).toEqual(['turn:a:1']);
  });

  it('passes signals, events and the close through', () => {
    const { instance, connection } = adapt();
    const heard: string[] = [];
    connection.onceSignal((data) => heard.push(data.type));
    connection.on('connect', () => heard.push('connect'));
    instance.emit('signal', { type: 'offer', sdp: '' });
    instance.emit('signal', { type: 'offer', sdp: '' });
    instance.emit('connect');
    expect(heard).toEqual(['offer', 'connect']);
    connection.signal({ type: 'answer', sdp: 'v=0' });
    expect(instance.signalled).toEqual([{ type: 'answer', sdp: 'v=0' }]);
    connection.destroy();
    expect(connection.destroyed).toBe(true);
  });

  it('has no channel, remote side or statistics where simple-peer keeps none', () => {
    const bare = {
      destroyed: false,
      once: () => undefined,
      on: () => undefined,
      signal: () => {},
      destroy: () => {},
    };
    const connection = simplePeerConnections(() => bare)({
      initiator: true,
      iceServers: [],
      iceTransportPolicy: 'all',
    });
    expect(connection.channel()).toBeUndefined();
    expect(connection.remote()).toEqual({ sdp: undefined, address: undefined });
    expect(connection.stats()).toBeUndefined();
  });
});
