import { describe, expect, it } from 'vitest';
import { messageLimits } from './limits';
import { dispatchFrame, HANDLERS } from './dispatch';
import { connectTo, hash, peerId, testRooms } from './testing/rooms';

describe('dispatchFrame', () => {
  it('has a handler for every kind of client message', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual(['announce', 'answer', 'scrape']);
  });

  it('hands a valid frame to the handler of its kind', () => {
    const rooms = testRooms();
    const { connection, session } = connectTo(rooms);
    const frame = JSON.stringify({ action: 'announce', info_hash: hash('s'), peer_id: peerId('a') });
    dispatchFrame(rooms, messageLimits(rooms.limits), session, frame, 0, frame.length);
    expect(connection.take()).toEqual([
      expect.objectContaining({ action: 'announce', info_hash: hash('s') }),
    ]);
    expect(rooms.counters).toMatchObject({ messages: 1, announces: 1 });
  });

  it('refuses a frame by its shape before parsing it, and a message the parser refuses', () => {
    const rooms = testRooms();
    const { connection, session } = connectTo(rooms);
    const limits = messageLimits(rooms.limits);
    dispatchFrame(rooms, limits, session, '['.repeat(20), 0, 20);
    dispatchFrame(rooms, limits, session, 'not json', 0, 8);
    expect(connection.take()).toEqual([
      { 'failure reason': 'invalid message: nested deeper than 8' },
      { 'failure reason': 'invalid message: not JSON' },
    ]);
    expect(rooms.counters).toMatchObject({ framesRefused: 1, failures: 2 });
  });

  it('handles nothing from a connection over its rate', () => {
    const rooms = testRooms({ maxMessagesPerSecond: 1 });
    const { connection, session } = connectTo(rooms);
    const frame = JSON.stringify({ action: 'scrape', info_hash: hash('s') });
    dispatchFrame(rooms, messageLimits(rooms.limits), session, frame, 0, frame.length);
    dispatchFrame(rooms, messageLimits(rooms.limits), session, frame, 0, frame.length);
    expect(rooms.counters.scrapes).toBe(1);
    expect(connection.closedWith?.reason).toBe('rate limit exceeded');
  });
});
