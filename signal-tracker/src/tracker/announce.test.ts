import { describe, expect, it } from 'vitest';
import { announce } from './announce';
import { RecordingDirectory, settle } from './testing/directory';
import { announceMessage, connectTo, hash, offers, peerId, testRooms } from './testing/rooms';

const SWARM = hash('s');

describe('announce', () => {
  it('joins the peer, replies with the counts, and relays its offers', () => {
    const rooms = testRooms();
    const first = connectTo(rooms, '10.0.0.1');
    const second = connectTo(rooms, '10.0.0.2');
    announce(rooms, first.session, announceMessage(SWARM, peerId('a'), { left: 0 }), 0);
    announce(rooms, second.session, announceMessage(SWARM, peerId('b'), { offers: offers('x', 1) }), 0);
    expect(first.session.announced).toBe(true);
    expect(second.connection.take()).toEqual([
      { action: 'announce', info_hash: SWARM, interval: 10, complete: 1, incomplete: 1 },
    ]);
    expect(first.connection.take()).toEqual([
      expect.objectContaining({ action: 'announce', interval: 10 }),
      expect.objectContaining({ peer_id: peerId('b'), offer: { type: 'offer', sdp: 'v=0' } }),
    ]);
    expect(rooms.counters.announces).toBe(2);
  });

  it('takes a stopped peer out and refuses a peer id another connection holds', () => {
    const rooms = testRooms();
    const owner = connectTo(rooms, '10.0.0.1');
    const other = connectTo(rooms, '10.0.0.2');
    announce(rooms, owner.session, announceMessage(SWARM, peerId('a')), 0);
    announce(rooms, other.session, announceMessage(SWARM, peerId('a')), 0);
    expect(other.connection.take()).toEqual([
      {
        'failure reason': 'peer_id is in use in this swarm by another connection',
        action: 'announce',
        info_hash: SWARM,
      },
    ]);
    announce(rooms, owner.session, announceMessage(SWARM, peerId('a'), { event: 'stopped' }), 0);
    expect(rooms.swarms.peerCount).toBe(0);
    expect(owner.connection.sent.at(-1)).toMatchObject({ complete: 0, incomplete: 0 });
  });

  it('refuses a second peer id on one connection and a connection past its swarms', () => {
    const rooms = testRooms({ maxSwarmsPerConnection: 1 });
    const { connection, session } = connectTo(rooms);
    announce(rooms, session, announceMessage(SWARM, peerId('a')), 0);
    announce(rooms, session, announceMessage(SWARM, peerId('b')), 0);
    announce(rooms, session, announceMessage(hash('t'), peerId('a')), 0);
    expect(connection.take().map((m) => m['failure reason'])).toEqual([
      undefined,
      'this connection already has another peer_id in this swarm',
      'too many swarms on this connection (max 1)',
    ]);
  });

  it("makes room in a full swarm from the address with the most peers there, unless it is the newcomer's", () => {
    const rooms = testRooms({ maxPeersPerSwarm: 2 });
    announce(rooms, connectTo(rooms, '10.0.0.1').session, announceMessage(SWARM, peerId('a1')), 0);
    announce(rooms, connectTo(rooms, '10.0.0.1').session, announceMessage(SWARM, peerId('a2')), 0);
    const newcomer = connectTo(rooms, '10.0.0.2');
    announce(rooms, newcomer.session, announceMessage(SWARM, peerId('b')), 0);
    expect(rooms.counters.peersEvicted).toBe(1);
    expect(rooms.swarms.get(SWARM)!.get(peerId('b'))).toBeDefined();
    const again = connectTo(rooms, '10.0.0.1');
    announce(rooms, again.session, announceMessage(SWARM, peerId('a3')), 0);
    expect(again.connection.take()[0]['failure reason']).toBe('swarm is full (max 2 peers)');
  });

  it('binds the alias an announce names, and replies with it', () => {
    const rooms = testRooms();
    const { connection, session } = connectTo(rooms);
    announce(rooms, session, announceMessage(SWARM, peerId('a'), { alias: hash('v2') }), 0);
    expect(connection.take()[0]).toMatchObject({ info_hash_alias: hash('v2') });
    expect(rooms.counters.aliasesBound).toBe(1);
  });

  it('goes through the cluster while its directory is up', async () => {
    const rooms = testRooms();
    const directory = new RecordingDirectory();
    directory.result = { complete: 7, incomplete: 8, candidates: [] };
    rooms.cluster.join(directory);
    const { connection, session } = connectTo(rooms);
    announce(rooms, session, announceMessage(SWARM, peerId('a')), 0);
    expect(connection.sent).toEqual([]);
    await settle();
    expect(connection.take()).toEqual([expect.objectContaining({ complete: 7, incomplete: 8 })]);
  });
});
