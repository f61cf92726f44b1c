import { describe, expect, it } from 'vitest';
import { STARVED_MS, Starvation, peerTarget } from './starvation';

const useless = [{ amInterested: false }, { amInterested: false }];
const useful = [{ amInterested: false }, { amInterested: true }];

describe('Starvation', () => {
  it('starts once no peer has had what we lack for STARVED_MS', () => {
    const starvation = new Starvation();
    expect(starvation.update(true, useless, 0)).toBe(false);
    expect(starvation.update(true, useless, STARVED_MS - 1)).toBe(false);
    expect(starvation.update(true, useless, STARVED_MS)).toBe(true);
    expect(starvation.starved).toBe(true);
  });

  it('ends as soon as a peer has what we lack, and counts afresh after', () => {
    const starvation = new Starvation();
    starvation.update(true, useless, 0);
    starvation.update(true, useless, STARVED_MS);
    expect(starvation.update(true, useful, STARVED_MS + 1)).toBe(false);
    expect(starvation.update(true, useless, STARVED_MS + 2)).toBe(false);
    expect(starvation.update(true, useless, 2 * STARVED_MS + 2)).toBe(true);
  });

  it('a seed, or a session that does not download, is never starved', () => {
    const starvation = new Starvation();
    starvation.update(false, [], 0);
    expect(starvation.update(false, [], 10 * STARVED_MS)).toBe(false);
  });

  it('with no peer at all, a downloading session starves too', () => {
    const starvation = new Starvation();
    starvation.update(true, [], 0);
    expect(starvation.update(true, [], STARVED_MS)).toBe(true);
  });
});

describe('peerTarget', () => {
  const config = { targetPeers: 5, maxPeers: 8 };

  it('is the target unless starved', () => {
    expect(peerTarget(config, 5, false)).toBe(5);
    expect(peerTarget(config, 7, false)).toBe(5);
  });

  it('starved, is one more than we hold, never below the target nor past maxPeers', () => {
    expect(peerTarget(config, 5, true)).toBe(6);
    expect(peerTarget(config, 2, true)).toBe(5);
    expect(peerTarget(config, 8, true)).toBe(8);
  });
});
