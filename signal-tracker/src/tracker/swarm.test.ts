import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../shared/engine/testing/random';
import type { AnnounceMessage } from '../../../shared/codec/tracker-protocol';
import { Swarm, type Peer, type SwarmSession } from './swarm';

const message = {
  kind: 'announce',
  event: 'started',
  left: 1,
  uploaded: 0,
  downloaded: 0,
} as AnnounceMessage;
const sessionAt = (key: string): SwarmSession => ({ address: { key } });

function swarmOf(addresses: string[]): { swarm: Swarm<SwarmSession>; peers: Peer<SwarmSession>[] } {
  const swarm = new Swarm<SwarmSession>('h');
  const peers = addresses.map((address, n) => swarm.add(`p${n}`, sessionAt(address), message, n));
  return { swarm, peers };
}

describe('Swarm', () => {
  it('picks peers over addresses first: an address with 100 peers gets no more than one with one', () => {
    const { swarm, peers } = swarmOf([
      ...Array(100).fill('many'),
      ...Array.from({ length: 9 }, (_, n) => `one${n}`),
    ]);
    const offerer = swarm.add('offerer', sessionAt('offerer'), message, 0);
    const random = mulberry32(5);
    const counts = new Map<string, number>();
    for (let round = 0; round < 1000; round++) {
      const picked = swarm.randomPeers(5, offerer, random);
      expect(new Set(picked).size).toBe(5);
      expect(picked).not.toContain(offerer);
      for (const peer of picked) counts.set(peer.group.key, (counts.get(peer.group.key) ?? 0) + 1);
    }
    // 10 addresses, 5 picks a round: about 500 each.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(400);
      expect(count).toBeLessThan(600);
    }
    expect(peers).toHaveLength(109);
  });

  it('takes more than one peer per address only when there are fewer addresses than wanted', () => {
    const { swarm, peers } = swarmOf(['a', 'a', 'a', 'b']);
    const picked = swarm.randomPeers(3, peers[0], mulberry32(1));
    expect(picked).toHaveLength(3);
    expect(new Set(picked.map((p) => p.peerId))).toEqual(new Set(['p1', 'p2', 'p3']));
    expect(swarm.randomPeers(10, peers[0], mulberry32(2))).toHaveLength(3);
  });

  it('evicts the longest silent peer of the address with the most peers, unless the newcomer has the most', () => {
    const { swarm, peers } = swarmOf(['a', 'a', 'a', 'b']);
    expect(swarm.evictionFor('c')).toBe(peers[0]);
    expect(swarm.evictionFor('b')).toBe(peers[0]);
    expect(swarm.evictionFor('a')).toBeNull();
    swarm.remove(peers[0]);
    swarm.remove(peers[1]);
    expect(swarm.addressCount).toBe(2);
    expect(swarm.evictionFor('b')).toBeNull(); // a: 1, b: 1 + the newcomer
    swarm.remove(peers[3]);
    expect(swarm.addressCount).toBe(1);
    expect(swarm.peersFrom('a')).toBe(1);
  });
});

describe('Swarm.absorb (binding an alias)', () => {
  it('takes the other swarm’s peers with their hash, groups, counts and announce order', () => {
    const mine = new Swarm<SwarmSession>('v1');
    const theirs = new Swarm<SwarmSession>('v2');
    const shared = sessionAt('shared');
    mine.add('a', shared, { ...message, infoHash: 'v1', left: 0 }, 10);
    mine.add('b', sessionAt('x'), { ...message, infoHash: 'v1' }, 30);
    theirs.add('c', shared, { ...message, infoHash: 'v2', event: 'completed', left: 0 }, 20);
    theirs.add('d', sessionAt('y'), { ...message, infoHash: 'v2' }, 40);
    expect(mine.sharesPeerIdWith(theirs)).toBe(false);
    mine.absorb(theirs);
    expect(mine.size).toBe(4);
    expect([mine.complete, mine.incomplete, mine.downloaded]).toEqual([2, 2, 1]);
    expect(mine.get('c')?.infoHash).toBe('v2');
    expect(mine.peersFrom('shared')).toBe(2);
    expect(mine.addressCount).toBe(3);
    // Expiry walks the merged announce order.
    expect(mine.staleBefore(35).map((peer) => peer.peerId)).toEqual(['a', 'c', 'b']);
    // Every peer can be picked and removed.
    const offerer = mine.get('d')!;
    expect(new Set(mine.randomPeers(5, offerer, mulberry32(1)).map((peer) => peer.peerId))).toEqual(
      new Set(['a', 'b', 'c']),
    );
    for (const id of ['c', 'a', 'd', 'b']) mine.remove(mine.get(id)!);
    expect([mine.size, mine.complete, mine.addressCount]).toEqual([0, 0, 0]);
  });

  it('finds a peer id in both swarms', () => {
    const one = new Swarm<SwarmSession>('v1');
    const two = new Swarm<SwarmSession>('v2');
    one.add('p', sessionAt('a'), message, 0);
    two.add('q', sessionAt('b'), message, 0);
    expect(one.sharesPeerIdWith(two)).toBe(false);
    two.add('p', sessionAt('c'), message, 0);
    expect(one.sharesPeerIdWith(two)).toBe(true);
    expect(two.sharesPeerIdWith(one)).toBe(true);
  });
});
