import { describe, expect, it } from 'vitest';
import { formatSources, ownPeerIds, parseShownBytes, receivedBetween } from './wan-swarm-sources';

describe('who serves whom in the wan-swarm bench', () => {
  it('reads bytes as the app shows them, and nothing else', () => {
    expect(parseShownBytes('512 B')).toBe(512);
    expect(parseShownBytes('1.50 MiB')).toBe(1.5 * 1024 * 1024);
    expect(parseShownBytes(' 12.5 KiB ')).toBe(12.5 * 1024);
    expect(parseShownBytes('–')).toBeUndefined();
    expect(parseShownBytes('12 parsecs')).toBeUndefined();
  });

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
    expect(parts).toEqual([
      { source: 'peer b', bytes: 4000 },
      { source: 'peer a', bytes: 500 },
      { source: 'peer d', bytes: 300 },
      { source: 'peer c', bytes: 200 },
    ]);
    expect(formatSources('tab 1', parts, 2, 200_000)).toBe(
      'tab 1 <- 3 KB/s of 200 (peer b 2, peer a 0, peer d 0, peer c 0)',
    );
  });
});
