import { describe, expect, it } from 'vitest';
import { CLOSE_POLICY } from './socket-session';
import { connectTo, hash, join, peerId, RecordingConnection, testRooms } from './testing/rooms';

describe('Admission', () => {
  it('caps the connections of one address and frees the place on disconnect', () => {
    const rooms = testRooms({ maxConnectionsPerAddress: 2 });
    const { admission } = rooms;
    const first = connectTo(rooms, '10.0.0.1');
    connectTo(rooms, '10.0.0.1');
    expect(admission.acceptsConnectionFrom('10.0.0.1')).toBe(false);
    expect(admission.connect(new RecordingConnection(), '10.0.0.1', 0)).toBeNull();
    expect(rooms.counters.connectionsRefused).toBe(1);
    expect(admission.addressCount).toBe(1);
    admission.disconnect(first.session);
    admission.disconnect(first.session); // once only
    expect(admission.connectionCount).toBe(1);
    expect(admission.acceptsConnectionFrom('10.0.0.1')).toBe(true);
  });

  it('takes the peers of a closed connection out of their swarms', () => {
    const rooms = testRooms();
    const { session } = connectTo(rooms);
    join(rooms, session, hash('a'), peerId('1'));
    join(rooms, session, hash('b'), peerId('1'));
    rooms.admission.disconnect(session);
    expect(rooms.swarms.peerCount).toBe(0);
    expect(session.pending).toBeNull();
  });

  it('closes the connections that have not announced by the deadline, and only those', () => {
    const rooms = testRooms();
    const silent = connectTo(rooms, '10.0.0.1', 0);
    const announced = connectTo(rooms, '10.0.0.2', 0);
    announced.session.announced = true;
    const late = connectTo(rooms, '10.0.0.3', 10_000);
    expect(rooms.admission.closeSilent(29_999)).toBe(0);
    expect(rooms.admission.closeSilent(30_000)).toBe(1);
    expect(silent.connection.closedWith).toEqual({ code: CLOSE_POLICY, reason: 'no announce within 30 s' });
    expect(announced.connection.closedWith).toBeNull();
    expect(late.connection.closedWith).toBeNull();
    expect(rooms.counters.connectionsClosedSilent).toBe(1);
  });

  it('closes a connection over its messages a second, with the reason, and counts every message', () => {
    const rooms = testRooms({ maxMessagesPerSecond: 2 });
    const { connection, session } = connectTo(rooms);
    expect(rooms.admission.admit(session, 0, 10)).toBe(true);
    expect(rooms.admission.admit(session, 0, 10)).toBe(true);
    expect(rooms.admission.admit(session, 0, 10)).toBe(false);
    expect(connection.take()).toEqual([
      { 'failure reason': 'rate limit exceeded: over 2 messages per second' },
    ]);
    expect(connection.closedWith).toEqual({ code: CLOSE_POLICY, reason: 'rate limit exceeded' });
    expect(rooms.admission.admit(session, 0, 10)).toBe(false); // closed: not counted
    expect(rooms.counters).toMatchObject({ messages: 3, connectionsClosedForAbuse: 1, failures: 1 });
  });

  it('bounds the bytes of a connection and the messages of an address over all its connections', () => {
    const bytes = testRooms({ maxBytesPerSecond: 100 });
    const big = connectTo(bytes);
    expect(bytes.admission.admit(big.session, 0, 101)).toBe(false);
    expect(big.connection.sent).toEqual([
      { 'failure reason': 'rate limit exceeded: over 100 bytes per second' },
    ]);
    const address = testRooms({ maxMessagesPerSecondPerAddress: 1 });
    const one = connectTo(address, '10.0.0.9');
    const two = connectTo(address, '10.0.0.9');
    expect(address.admission.admit(one.session, 0, 1)).toBe(true);
    expect(address.admission.admit(two.session, 0, 1)).toBe(false);
    expect(two.connection.sent[0]['failure reason']).toMatch(/over 1 messages per second from this address/);
  });
});
