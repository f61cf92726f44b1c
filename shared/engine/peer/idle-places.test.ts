import { describe, expect, it } from 'vitest';
import { IDLE_PLACE_GRACE_MS, idlestPlace, PlaceActivity } from './idle-places';

const none = { downloaded: 0, uploaded: 0, pieces: 0 };

describe('idlestPlace', () => {
  it('names the peer idle longest past the grace period', () => {
    const now = 100_000;
    const peers = [
      { peer: 'recent', lastExchange: now - 1_000 },
      { peer: 'old', lastExchange: now - 90_000 },
      { peer: 'older', lastExchange: now - 95_000 },
    ];
    expect(idlestPlace(peers, now)).toBe('older');
  });

  it('names nobody while every peer exchanged within the grace period', () => {
    const now = 100_000;
    const peers = [{ peer: 'a', lastExchange: now - IDLE_PLACE_GRACE_MS + 1 }];
    expect(idlestPlace(peers, now)).toBeUndefined();
    expect(idlestPlace(peers, now + 1)).toBe('a');
  });
});

describe('PlaceActivity', () => {
  it('counts from the connection while nothing is exchanged', () => {
    const activity = new PlaceActivity();
    expect(activity.observe('a', none, 5, 10)).toBe(5);
    expect(activity.observe('a', none, 5, 50_000)).toBe(5);
  });

  it('takes a block either way, or a piece count that grew, as exchange now', () => {
    const activity = new PlaceActivity();
    activity.observe('a', none, 0, 1);
    expect(activity.observe('a', { ...none, downloaded: 16_384 }, 0, 10)).toBe(10);
    expect(activity.observe('a', { ...none, downloaded: 16_384 }, 0, 20)).toBe(10);
    expect(activity.observe('a', { downloaded: 16_384, uploaded: 1, pieces: 0 }, 0, 30)).toBe(30);
    expect(activity.observe('a', { downloaded: 16_384, uploaded: 1, pieces: 3 }, 0, 40)).toBe(40);
    expect(activity.observe('a', { downloaded: 16_384, uploaded: 1, pieces: 3 }, 0, 90)).toBe(40);
  });

  it('takes marks already there at the first look as exchange then, and starts afresh for a forgotten key', () => {
    const activity = new PlaceActivity();
    expect(activity.observe('a', { ...none, pieces: 2 }, 0, 7)).toBe(7);
    activity.forget('a');
    expect(activity.observe('a', none, 20, 30)).toBe(20);
  });
});
