import { describe, expect, it } from 'vitest';
import { bindAlias, hasPeerIn, joinAlias, otherHash } from './aliases';
import { connectTo, hash, join, peerId, testRooms } from './testing/rooms';

describe('bindAlias', () => {
  it('binds a hash nobody holds, and answers for the swarm under either hash', () => {
    const rooms = testRooms();
    const { session } = connectTo(rooms);
    join(rooms, session, hash('v1'), peerId('a'));
    const swarm = rooms.swarms.get(hash('v1'))!;
    expect(bindAlias(rooms.swarms, rooms.counters, swarm, hash('v2'))).toBe(true);
    expect(rooms.swarms.get(hash('v2'))).toBe(swarm);
    expect(otherHash(swarm, hash('v1'))).toBe(hash('v2'));
    expect(otherHash(swarm, hash('v2'))).toBe(hash('v1'));
    expect(hasPeerIn(session, swarm)).toBe(true);
    // The same claim again is no new binding.
    expect(bindAlias(rooms.swarms, rooms.counters, swarm, hash('v2'))).toBe(true);
    expect(rooms.counters.aliasesBound).toBe(1);
  });

  it('joins the smaller swarm into the larger one', () => {
    const rooms = testRooms();
    join(rooms, connectTo(rooms, '10.0.0.1').session, hash('v1'), peerId('a'));
    join(rooms, connectTo(rooms, '10.0.0.2').session, hash('v2'), peerId('b'));
    join(rooms, connectTo(rooms, '10.0.0.3').session, hash('v2'), peerId('c'));
    const small = rooms.swarms.get(hash('v1'))!;
    const large = rooms.swarms.get(hash('v2'))!;
    expect(bindAlias(rooms.swarms, rooms.counters, small, hash('v2'))).toBe(true);
    expect(rooms.swarms.get(hash('v1'))).toBe(large);
    expect(large.size).toBe(3);
    expect(rooms.swarms.swarmCount).toBe(1);
  });

  it('refuses a second alias, a hash bound elsewhere, and two swarms that share a peer id', () => {
    const rooms = testRooms();
    const refuse = (from: string, to: string) =>
      bindAlias(rooms.swarms, rooms.counters, rooms.swarms.get(hash(from))!, hash(to));
    join(rooms, connectTo(rooms, '10.0.0.1').session, hash('a'), peerId('x'));
    join(rooms, connectTo(rooms, '10.0.0.2').session, hash('b'), peerId('x'));
    join(rooms, connectTo(rooms, '10.0.0.3').session, hash('c'), peerId('y'));
    expect(refuse('a', 'b')).toBe(false); // peer id x in both
    expect(bindAlias(rooms.swarms, rooms.counters, rooms.swarms.get(hash('c'))!, hash('d'))).toBe(true);
    expect(refuse('c', 'e')).toBe(false); // c has its alias
    expect(refuse('a', 'd')).toBe(false); // d is c's alias
    expect(rooms.counters.aliasesRefused).toBe(3);
  });

  it('refuses to bind two swarms in which one connection has a peer each', () => {
    const rooms = testRooms();
    const { session } = connectTo(rooms);
    join(rooms, session, hash('a'), peerId('x'));
    join(rooms, session, hash('b'), peerId('y'));
    join(rooms, connectTo(rooms, '10.0.0.2').session, hash('b'), peerId('z'));
    expect(joinAlias(rooms.swarms, rooms.swarms.get(hash('a'))!, hash('b'))).toBe(false);
    expect(joinAlias(rooms.swarms, rooms.swarms.get(hash('b'))!, hash('a'))).toBe(false);
    expect(rooms.swarms.swarmCount).toBe(2);
  });
});
