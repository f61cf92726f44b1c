import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MAX_SIGNAL_PAYLOAD } from '../../../../shared/codec/pex';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { MainToWorker } from '../../lib/messages/protocol';
import { ConnectionBudget } from './connection-budget';
import { PeerManager } from './peers';
import { simplePeerConnections, type PeerInstance } from './simple-peer-connection';
import { decodeSignal, encodeSignal, SwarmMeetings } from './swarm-meetings';

class FakeChannel {
  bufferedAmount = 0;
  readyState = 'open';
  send(): void {}
  addEventListener(): void {}
  removeEventListener(): void {}
}

/** simple-peer as the meetings see it: the test makes it signal, open and close. */
class FakeInstance extends EventEmitter {
  destroyed = false;
  _channel = new FakeChannel();
  signalled: SignalDescription[] = [];
  constructor(readonly initiator: boolean) {
    super();
  }
  signal(data: SignalDescription): void {
    this.signalled.push(data);
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

const T = 'ab'.repeat(20);
const P = '11'.repeat(20);
const Q = '22'.repeat(20);
const text = (payload: ArrayBuffer | undefined) => new TextDecoder().decode(payload);
const bytes = (sdp: string) => new TextEncoder().encode(sdp).buffer;

function setup(places = 10, relayOnly = false) {
  const posted: MainToWorker[] = [];
  const instances: FakeInstance[] = [];
  const policies: RTCIceTransportPolicy[] = [];
  const post = (message: MainToWorker) => posted.push(message);
  const peers = new PeerManager({
    post,
    iceServers: () => [],
    iceTransportPolicy: () => (relayOnly ? 'relay' : 'all'),
    budget: new ConnectionBudget(places),
    createConnection: simplePeerConnections((options) => {
      policies.push(options.iceTransportPolicy);
      const instance = new FakeInstance(options.initiator);
      instances.push(instance);
      return instance as unknown as PeerInstance;
    }),
  });
  const meetings = new SwarmMeetings(peers, post);
  const of = <K extends MainToWorker['type']>(type: K) =>
    posted.filter((message): message is Extract<MainToWorker, { type: K }> => message.type === type);
  return { posted, instances, policies, peers, meetings, of };
}

describe('SwarmMeetings', () => {
  it('makes an offer for the engine to relay, applies the relayed answer, and names the peer it was for', () => {
    const { instances, meetings, of } = setup();
    meetings.meet(T, P);
    expect(instances).toHaveLength(1);
    expect(instances[0]!.initiator).toBe(true);
    instances[0]!.emit('signal', { type: 'offer', sdp: 'v=0 offer' });
    const [out] = of('signal-out');
    expect(out).toMatchObject({ infoHashHex: T, to: P, kind: 'offer' });
    expect(text(out!.payload)).toBe('v=0 offer');
    meetings.signalIn(T, P, 'answer', bytes('v=0 answer'));
    expect(instances[0]!.signalled).toEqual([{ type: 'answer', sdp: 'v=0 answer' }]);
    instances[0]!.emit('connect');
    expect(of('peer-connected')[0]).toMatchObject({ infoHashHex: T, expect: P });
    expect(meetings.size).toBe(0);
    instances[0]!.destroy();
    expect(of('meet-failed')).toEqual([]);
  });

  it("answers a stranger's relayed offer the same way, relay-only when the page is", () => {
    const { instances, policies, meetings, of } = setup(10, true);
    meetings.signalIn(T, Q, 'offer', bytes('v=0 their offer'));
    expect(instances[0]!.initiator).toBe(false);
    expect(policies).toEqual(['relay']);
    expect(instances[0]!.signalled).toEqual([{ type: 'offer', sdp: 'v=0 their offer' }]);
    instances[0]!.emit('signal', { type: 'answer', sdp: 'v=0 our answer' });
    const [out] = of('signal-out');
    expect(out).toMatchObject({ to: Q, kind: 'answer' });
    expect(text(out!.payload)).toBe('v=0 our answer');
    instances[0]!.emit('connect');
    expect(of('peer-connected')[0]).toMatchObject({ expect: Q });
  });

  it('declines an offer it cannot take: no place left, not a description, already connected', () => {
    const { instances, meetings, of } = setup(1);
    meetings.signalIn(T, Q, 'offer', new Uint8Array([0xff, 0xfe]).buffer);
    meetings.signalIn(T, Q, 'offer', undefined);
    meetings.signalIn(T, Q, 'offer', new ArrayBuffer(MAX_SIGNAL_PAYLOAD + 1));
    meetings.meet(T, P);
    meetings.signalIn(T, Q, 'offer', bytes('v=0'));
    expect(of('signal-out').map((message) => message.kind)).toEqual([
      'decline',
      'decline',
      'decline',
      'decline',
    ]);
    expect(instances).toHaveLength(1);
    instances[0]!.emit('signal', { type: 'offer', sdp: 'v=0' });
    meetings.signalIn(T, P, 'answer', bytes('v=0'));
    instances[0]!.emit('connect');
    meetings.meet(T, P);
    expect(of('meet-failed')).toEqual([
      { type: 'meet-failed', infoHashHex: T, peer: P, reason: 'no connection place left on this page' },
    ]);
  });

  it('tells the engine of a meeting that closed before opening, not of one it ended or was declined', () => {
    const { instances, meetings, of } = setup();
    meetings.meet(T, P);
    instances[0]!.destroy();
    expect(of('meet-failed')).toMatchObject([{ peer: P }]);
    meetings.meet(T, P);
    meetings.ended(T, P);
    expect(instances[1]!.destroyed).toBe(true);
    meetings.meet(T, Q);
    meetings.signalIn(T, Q, 'decline');
    expect(instances[2]!.destroyed).toBe(true);
    expect(of('meet-failed')).toHaveLength(1);
    expect(meetings.size).toBe(0);
  });

  it('ignores an answer to an offer it never made, and ends a meeting whose answer is no description', () => {
    const { instances, meetings, of } = setup();
    meetings.signalIn(T, P, 'answer', bytes('v=0'));
    expect(instances).toHaveLength(0);
    meetings.meet(T, P);
    meetings.signalIn(T, P, 'answer', new Uint8Array([0xc3]).buffer);
    expect(instances[0]!.destroyed).toBe(true);
    expect(of('meet-failed')).toMatchObject([{ peer: P }]);
  });

  it('relays only descriptions within the bound, as UTF-8', () => {
    expect(encodeSignal({ type: 'offer', sdp: 'x'.repeat(MAX_SIGNAL_PAYLOAD + 1) })).toBeUndefined();
    expect(decodeSignal('answer', encodeSignal({ type: 'offer', sdp: 'v=0 é' }))).toEqual({
      type: 'answer',
      sdp: 'v=0 é',
    });
  });
});
