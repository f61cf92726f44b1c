import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import { Announcer } from './tracker-announcer';
import type { SignalPeer } from './tracker-hooks';
import { makeOffers } from './tracker-offers';

class FakePeer implements SignalPeer {
  destroyed = false;
  private listener: ((data: SignalDescription) => void) | undefined;
  once(_event: 'signal', listener: (data: SignalDescription) => void): void {
    this.listener = listener;
  }
  gathered(): void {
    this.listener?.({ type: 'offer', sdp: 'v=0' });
  }
  signal(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}

function setup() {
  const peers: FakePeer[] = [];
  let id = 0;
  const announcer = new Announcer<FakePeer>('ab'.repeat(20), 'ws://t/', 1000, undefined);
  const settings = {
    createPeer: () => {
      const peer = new FakePeer();
      peers.push(peer);
      return peer;
    },
    randomBytes: (n: number) => new Uint8Array(n).fill(++id),
    gatherTimeoutMs: 100,
    answerTimeoutMs: 1000,
  };
  return { peers, announcer, settings };
}

describe('makeOffers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('makes the offers that gathered in time, keeps them pending, and drops the rest', async () => {
    const { peers, announcer, settings } = setup();
    const made = makeOffers(announcer, 2, settings);
    peers[0].gathered();
    vi.advanceTimersByTime(100);
    const offers = await made;
    expect(offers).toEqual([{ offer: { type: 'offer', sdp: 'v=0' }, offer_id: '\x01'.repeat(20) }]);
    expect(peers[1].destroyed).toBe(true);
    expect([...announcer.offers.keys()]).toEqual(['\x01'.repeat(20)]);
    // Nobody answered in time: the offer goes.
    vi.advanceTimersByTime(1000);
    expect(peers[0].destroyed).toBe(true);
    expect(announcer.offers.size).toBe(0);
  });

  it('makes none when none are wanted, and keeps none for a stopped announcer', async () => {
    const { peers, announcer, settings } = setup();
    expect(await makeOffers(announcer, 0, settings)).toEqual([]);
    const made = makeOffers(announcer, 1, settings);
    announcer.stopped = true;
    peers[0].gathered();
    expect(await made).toEqual([]);
    expect(peers[0].destroyed).toBe(true);
  });
});
