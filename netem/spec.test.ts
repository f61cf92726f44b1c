import { describe, expect, it } from 'vitest';
import { linksForPath, queueBytes, relayLink, validateLink } from './spec';

describe('emulated link specs', () => {
  it('splits a path so each direction has half the round trip and the loss once', () => {
    const { up, down } = linksForPath({ rttMs: 150, jitterMs: 10, loss: 0.02, upMbit: 2, downMbit: 20 });
    // A packet crosses its sender's uplink and its receiver's downlink.
    expect(up.delayMs + down.delayMs).toBe(75);
    expect(up.jitterMs! + down.jitterMs!).toBe(10);
    expect(1 - (1 - (up.loss ?? 0)) * (1 - (down.loss ?? 0))).toBeCloseTo(0.02, 12);
    expect(up.rateMbit).toBe(2);
    expect(down.rateMbit).toBe(20);
  });

  it('turns Mbit/s into bytes per second and a queue in ms into the bytes the rate sends in that time', () => {
    const link = relayLink({ delayMs: 10, rateMbit: 20, queue: { ms: 250 } });
    expect(link.rateBytesPerSecond).toBe(2_500_000);
    expect(link.queueBytes).toBe(625_000);
    expect(link.burstBytes).toBe(3000);
  });

  it('never makes a queue too small for one full packet, and leaves an unlimited link unqueued', () => {
    expect(queueBytes({ bytes: 100 }, 1000)).toBe(1500);
    expect(queueBytes({ ms: 1 }, 1000)).toBe(1500);
    expect(queueBytes({ ms: 100 }, 0)).toBe(0);
    expect(queueBytes(undefined, 1000)).toBe(0);
  });

  it('refuses impossible values in words', () => {
    expect(() => validateLink('a up', { delayMs: -1, loss: 1 })).toThrow(
      'The emulated link a up is not valid: delayMs must be 0 or more; loss must be in [0, 1).',
    );
    expect(() => validateLink('a up', { delayMs: 0, loss: 0.5, rateMbit: 1, jitterMs: 3 })).not.toThrow();
  });
});
