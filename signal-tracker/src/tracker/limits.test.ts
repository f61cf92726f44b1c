import { describe, expect, it } from 'vitest';
import { MAX_OFFERS_PER_ANNOUNCE } from '../../../shared/codec/tracker-protocol';
import { DEFAULT_LIMITS, messageLimits, MessageWindow, OfferWindow, resolveLimits } from './limits';

describe('resolveLimits', () => {
  it('puts the overrides over the defaults and never lets offers or numwant pass the protocol', () => {
    const limits = resolveLimits({ maxPeersPerSwarm: 9, maxOffersPerAnnounce: 50, maxNumwant: 40 });
    expect(limits).toEqual({
      ...DEFAULT_LIMITS,
      maxPeersPerSwarm: 9,
      maxOffersPerAnnounce: MAX_OFFERS_PER_ANNOUNCE,
      maxNumwant: MAX_OFFERS_PER_ANNOUNCE,
    });
    expect(resolveLimits({ maxNumwant: 3 }).maxNumwant).toBe(3);
    expect(messageLimits(resolveLimits({ maxScrapeHashes: 7, maxSdpLength: 100 }))).toEqual({
      maxOffers: MAX_OFFERS_PER_ANNOUNCE,
      maxNumwant: MAX_OFFERS_PER_ANNOUNCE,
      maxScrapeHashes: 7,
      maxSdpLength: 100,
    });
  });
});

describe('MessageWindow', () => {
  it('admits up to the limit in one second and starts again the next', () => {
    const window = new MessageWindow();
    expect([1, 2, 3].map(() => window.admit(0, 2))).toEqual([true, true, false]);
    expect(window.admit(999, 2)).toBe(false);
    expect(window.admit(1000, 2)).toBe(true);
    // Bytes count as their amount.
    expect(window.admit(1000, 2, 5)).toBe(false);
  });
});

describe('OfferWindow', () => {
  it('bounds the offers of a second in all and per sender, counting only what was sent', () => {
    const window = new OfferWindow();
    expect(window.allows(0, 'a', 3, 2)).toBe(true);
    window.count('a');
    window.count('a');
    expect(window.allows(0, 'a', 3, 2)).toBe(false);
    expect(window.allows(0, 'b', 3, 2)).toBe(true);
    window.count('b');
    expect(window.allows(0, 'c', 3, 2)).toBe(false);
    expect(window.allows(1000, 'a', 3, 2)).toBe(true);
  });
});
