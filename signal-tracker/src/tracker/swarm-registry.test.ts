import { describe, expect, it } from 'vitest';
import { connectTo, hash, join, peerId, testRooms } from './testing/rooms';

describe('SwarmRegistry', () => {
  it('makes a swarm on its first peer, counts peers and clients, and forgets an empty swarm', () => {
    const rooms = testRooms();
    const { swarms } = rooms;
    const { session } = connectTo(rooms);
    const removed: string[] = [];
    swarms.onRemoval((_infoHash, id, reason) => removed.push(`${id === peerId('a') ? 'a' : 'b'} ${reason}`));
    const a = join(rooms, session, hash('s'), peerId('a'));
    const b = join(rooms, connectTo(rooms, '10.0.0.2').session, hash('s'), peerId('b'));
    expect(swarms.swarmCount).toBe(1);
    expect(swarms.peerCount).toBe(2);
    expect(swarms.clientCounts()).toEqual({ WebTorrent: 2 });
    swarms.remove(a, 'stopped');
    swarms.remove(a, 'stopped'); // gone already: nothing happens
    expect(session.peerCount).toBe(0);
    swarms.remove(b, 'evicted');
    expect(swarms.get(hash('s'))).toBeUndefined();
    expect(swarms.swarmCount).toBe(0);
    expect(swarms.clientCounts()).toEqual({});
    expect(removed).toEqual(['a stopped', 'b evicted']);
  });

  it('files a swarm under its alias too, counts it once, and forgets both hashes when it empties', () => {
    const rooms = testRooms();
    const { swarms } = rooms;
    const peer = join(rooms, connectTo(rooms).session, hash('v1'), peerId('a'));
    const swarm = swarms.get(hash('v1'))!;
    swarms.addAlias(swarm, hash('v2'));
    expect(swarms.get(hash('v2'))).toBe(swarm);
    expect(swarms.swarmCount).toBe(1);
    expect(swarms.distinct()).toEqual([swarm]);
    swarms.remove(peer, 'closed');
    expect(swarms.get(hash('v1'))).toBeUndefined();
    expect(swarms.get(hash('v2'))).toBeUndefined();
  });

  it('expires the peers not heard from since the deadline', () => {
    const rooms = testRooms();
    join(rooms, connectTo(rooms).session, hash('s'), peerId('old'), 1_000);
    join(rooms, connectTo(rooms, '10.0.0.2').session, hash('s'), peerId('new'), 5_000);
    expect(rooms.swarms.expire(2_000)).toBe(1);
    expect(rooms.swarms.peerCount).toBe(1);
    expect(rooms.swarms.get(hash('s'))!.get(peerId('new'))).toBeDefined();
  });
});
