import { describe, expect, it } from 'vitest';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import type { PeerConnection } from './peer-connection';
import { RtcPeer } from './rtc-peer';

function connection() {
  const state = { destroyed: false, destroys: 0, signals: [] as SignalDescription[] };
  let own: ((data: SignalDescription) => void) | undefined;
  const fake = {
    get destroyed() {
      return state.destroyed;
    },
    onceSignal: (listener: (data: SignalDescription) => void) => (own = listener),
    signal: (data: SignalDescription) => state.signals.push(data),
    destroy: () => {
      state.destroyed = true;
      state.destroys++;
    },
  } as unknown as PeerConnection;
  return { fake, state, emitOwn: (data: SignalDescription) => own?.(data) };
}

describe('RtcPeer', () => {
  it('tells its own signal to the manager first, then to the tracker client', () => {
    const { fake, emitOwn } = connection();
    const peer = new RtcPeer('ab', true, fake, true);
    const order: string[] = [];
    peer.onOwnSignal = () => order.push('manager');
    peer.once('signal', () => order.push('tracker'));
    expect(peer.signalled).toBe(false);
    emitOwn({ type: 'offer', sdp: '' });
    expect(order).toEqual(['manager', 'tracker']);
    expect(peer.signalled).toBe(true);
    expect(peer.attempt).toEqual({ relayOnly: true, outcome: 'pending', relayErrors: [] });
  });

  it('passes no signal to a destroyed connection and destroys it once', () => {
    const { fake, state } = connection();
    const peer = new RtcPeer('ab', false, fake);
    peer.destroy();
    peer.destroy();
    peer.signal({ type: 'answer', sdp: '' });
    expect(state.destroys).toBe(1);
    expect(state.signals).toEqual([]);
    expect(peer.destroyed).toBe(true);
  });
});
