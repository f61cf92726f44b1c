import { describe, expect, it } from 'vitest';
import { OFFERS_WITH_NEIGHBOURS, trackerOffers, trackerWant } from './tracker-offer-cap';

describe('what a torrent asks of its trackers', () => {
  it('sends every offer wanted until it has neighbours, then a couple at most', () => {
    expect(trackerOffers(5, 0)).toBe(5);
    expect(trackerOffers(5, 1)).toBe(OFFERS_WITH_NEIGHBOURS);
    expect(trackerOffers(1, 3)).toBe(1);
    expect(OFFERS_WITH_NEIGHBOURS).toBeLessThan(5);
  });

  it('asks the tracker only for the peers the swarm does not bring', () => {
    expect(trackerWant(10)).toBe(10);
    expect(trackerWant(10, 4)).toBe(6);
    expect(trackerWant(3, 8)).toBe(0);
    expect(trackerWant(3, -2)).toBe(3);
  });
});
