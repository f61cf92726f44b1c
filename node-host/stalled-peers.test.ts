import { describe, expect, it } from 'vitest';
import { StalledPeers } from './stalled-peers';

const row = (
  peer: string,
  downloaded: number,
  requestsInFlight: number,
  progress = 0.5,
  peerInterested = false,
) => ({ peer, downloaded, requestsInFlight, progress, peerInterested });

describe('StalledPeers', () => {
  it('names a peer that had requests out and sent no block for the whole wait, once', () => {
    const watch = new StalledPeers(10_000);
    expect(watch.stalled([row('a', 100, 5)], 0)).toEqual([]);
    expect(watch.stalled([row('a', 100, 5)], 9_999)).toEqual([]);
    expect(watch.stalled([row('a', 100, 5)], 10_000)).toEqual(['a']);
    expect(watch.stalled([row('a', 100, 5)], 10_001)).toEqual([]);
  });

  it('restarts the wait when a block comes', () => {
    const watch = new StalledPeers(10_000);
    watch.stalled([row('a', 100, 5)], 0);
    watch.stalled([row('a', 116, 5)], 8_000);
    expect(watch.stalled([row('a', 116, 5)], 12_000)).toEqual([]);
    expect(watch.stalled([row('a', 116, 5)], 18_000)).toEqual(['a']);
  });

  it('never names a peer with no request out (choked, or with nothing wanted), however long it sends nothing', () => {
    const watch = new StalledPeers(10_000);
    watch.stalled([row('a', 100, 5)], 0);
    expect(watch.stalled([row('a', 100, 0)], 9_000)).toEqual([]);
    expect(watch.stalled([row('a', 100, 0)], 60_000)).toEqual([]);
    // Unchoked again: its wait starts when its requests go out, not at its last block.
    expect(watch.stalled([row('a', 100, 3)], 61_000)).toEqual([]);
    expect(watch.stalled([row('a', 100, 3)], 70_000)).toEqual([]);
    expect(watch.stalled([row('a', 100, 3)], 71_000)).toEqual(['a']);
  });

  it('names a peer that told of no piece for the whole wait (a channel refused or closed at the far end)', () => {
    const watch = new StalledPeers(10_000);
    expect(watch.stalled([row('a', 0, 0, 0)], 0)).toEqual([]);
    expect(watch.stalled([row('a', 0, 0, 0)], 9_000)).toEqual([]);
    expect(watch.stalled([row('a', 0, 0, 0)], 10_000)).toEqual(['a']);
    // One that tells of pieces in time is waiting for nothing.
    watch.stalled([row('b', 0, 0, 0)], 20_000);
    expect(watch.stalled([row('b', 0, 0, 0.1)], 25_000)).toEqual([]);
    expect(watch.stalled([row('b', 0, 0, 0.1)], 40_000)).toEqual([]);
  });

  it('judges each peer on its own and forgets a peer that is gone', () => {
    const watch = new StalledPeers(10_000);
    watch.stalled([row('a', 0, 1), row('b', 0, 1)], 0);
    expect(watch.stalled([row('a', 0, 1), row('b', 16_384, 1)], 10_000)).toEqual(['a']);
    watch.stalled([], 11_000);
    // A new connection under a reused key starts a wait of its own.
    expect(watch.stalled([row('b', 0, 1)], 12_000)).toEqual([]);
    expect(watch.stalled([row('b', 0, 1)], 21_000)).toEqual([]);
  });

  it('never names a newcomer with no piece yet that wants ours: it is being served', () => {
    const watch = new StalledPeers(10_000);
    expect(watch.stalled([row('a', 0, 0, 0, true)], 0)).toEqual([]);
    expect(watch.stalled([row('a', 0, 0, 0, true)], 30_000)).toEqual([]);
    // Once it no longer wants anything and still tells of no piece, it says nothing at all: its wait begins.
    expect(watch.stalled([row('a', 0, 0, 0, false)], 31_000)).toEqual([]);
    expect(watch.stalled([row('a', 0, 0, 0, false)], 41_000)).toEqual(['a']);
  });
});
