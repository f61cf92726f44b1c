import { describe, expect, it } from 'vitest';
import { formatSources, ownPeerIds, receivedBetween } from './wan-swarm-sources';

describe('who serves whom in the wan-swarm bench', () => {
  it("names each table's owner by the one id missing from it, and none where that is not one id", () => {
    const row = (peerId: string) => ({ peerId, received: 0 });
    const ids = ownPeerIds([
      [row('b'), row('c')],
      [row('a'), row('c')],
      [row('a'), row('b')],
      [row('a')],
      undefined,
    ]);
    expect(ids).toEqual(['a', 'b', 'c', undefined, undefined]);
  });

  it('counts what each source sent over the interval, largest first, a reconnected peer from zero', () => {
    const before = [
      { peerId: 'a', received: 1000 },
      { peerId: 'b', received: 5000 },
      { peerId: 'c', received: 700 },
    ];
    const after = [
      { peerId: 'a', received: 1500 },
      { peerId: 'b', received: 9000 },
      { peerId: 'c', received: 200 },
      { peerId: 'd', received: 300 },
      { peerId: 'e', received: 0 },
    ];
    const parts = receivedBetween(before, after, (id) => `peer ${id}`);
    expect(parts.map(({ source, bytes }) => [source, bytes])).toEqual([
      ['peer b', 4000],
      ['peer a', 500],
      ['peer d', 300],
      ['peer c', 200],
    ]);
    expect(formatSources('tab 1', parts, 2, 200_000)).toBe(
      'tab 1 <- 3 KB/s of 200 (peer b 2, peer a 0, peer d 0, peer c 0)',
    );
  });

  it('gives the requests in flight to each source and their time to a block where the table has them', () => {
    const after = [
      { peerId: 'a', received: 40_000, requests: 5, requestMs: 840 },
      { peerId: 'b', received: 20_000, requests: 2 },
    ];
    expect(
      formatSources(
        'tab 1',
        receivedBetween(undefined, after, (id) => id),
        1,
        200_000,
      ),
    ).toBe('tab 1 <- 60 KB/s of 200 (a 40 r5/840ms, b 20 r2/-ms)');
  });
});
