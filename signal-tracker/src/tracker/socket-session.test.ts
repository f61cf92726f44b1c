import { describe, expect, it } from 'vitest';
import { connectTo, hash, join, peerId, testRooms } from './testing/rooms';

describe('Session', () => {
  it('keeps its peers, newest first, finds one by swarm, and lets one go', () => {
    const rooms = testRooms();
    const { session } = connectTo(rooms);
    const a = join(rooms, session, hash('a'), peerId('1'));
    const b = join(rooms, session, hash('b'), peerId('1'));
    const c = join(rooms, session, hash('c'), peerId('1'));
    expect(session.peers()).toEqual([c, b, a]);
    expect(session.peerCount).toBe(3);
    expect(session.peerIn(hash('b'))).toBe(b);
    session.leave(b);
    expect(session.peers()).toEqual([c, a]);
    expect(session.peerIn(hash('b'))).toBeNull();
    session.leave(c);
    session.leave(c);
    expect(session.peers()).toEqual([a]);
    expect(session.peerCount).toBe(1);
  });
});
