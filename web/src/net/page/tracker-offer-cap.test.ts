import { describe, expect, it } from 'vitest';
import { OFFERS_WITH_NEIGHBOURS, trackerOffers, trackerWant } from './tracker-offer-cap';

describe('what a torrent asks of its trackers', () => {
  it('sends a couple of offers an announce while its engine speaks peer exchange', () => {
    expect(trackerOffers(5, { peerExchange: true, strangers: 0 })).toBe(OFFERS_WITH_NEIGHBOURS);
    expect(trackerOffers(1, { peerExchange: true, strangers: 0 })).toBe(1);
    expect(OFFERS_WITH_NEIGHBOURS).toBeLessThan(5);
  });

  it('asks for every offer once it is connected to peers that do not pass introductions on', () => {
    expect(trackerOffers(5, { peerExchange: true, strangers: 1 })).toBe(5);
  });

  it('asks for every offer when its engine does not speak peer exchange', () => {
    expect(trackerOffers(5, { peerExchange: false, strangers: 0 })).toBe(5);
  });

  it('asks the tracker only for the peers the swarm does not bring', () => {
    expect(trackerWant(10)).toBe(10);
    expect(trackerWant(10, 4)).toBe(6);
    expect(trackerWant(3, 8)).toBe(0);
    expect(trackerWant(3, -2)).toBe(3);
  });
});
