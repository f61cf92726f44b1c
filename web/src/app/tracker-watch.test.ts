import { describe, expect, it } from 'vitest';
import { headerFromStatuses, nextCheckMs, retryAfterCheck } from './tracker-watch';

const own = 'ws://127.0.0.1:8000/';
const other = 'wss://tracker.example/';

describe("the app's own tracker, one truth for the header and the cards", () => {
  it('makes the header reachable when a card connects to it, and checks it now when a card loses it', () => {
    expect(headerFromStatuses([{ url: own, state: 'connected' }], own, false)).toBe('reachable');
    expect(headerFromStatuses([{ url: own, state: 'connected' }], own, true)).toBeUndefined();
    const lost = [
      { url: own, state: 'unreachable' as const, message: 'tracker unreachable (connection failed)' },
    ];
    expect(headerFromStatuses(lost, own, true)).toBe('check');
    expect(headerFromStatuses(lost, own, false)).toBeUndefined();
  });

  it("reads only the app's own tracker", () => {
    expect(headerFromStatuses([{ url: other, state: 'unreachable' }], own, true)).toBeUndefined();
    expect(headerFromStatuses([{ url: other, state: 'connected' }], own, false)).toBeUndefined();
  });

  it('has the connections try again at once when a check finds the tracker back', () => {
    expect(retryAfterCheck(false, true)).toBe(true);
    expect(retryAfterCheck(true, true)).toBe(false);
    expect(retryAfterCheck(undefined, true)).toBe(false);
    expect(retryAfterCheck(false, false)).toBe(false);
  });

  it('checks more often while the tracker does not answer', () => {
    expect(nextCheckMs(false)).toBeLessThan(nextCheckMs(true));
  });
});
