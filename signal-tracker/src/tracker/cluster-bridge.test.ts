import { describe, expect, it } from 'vitest';
import { RecordingDirectory, settle } from './testing/directory';
import { announceMessage, connectTo, hash, join, offers, peerId, testRooms } from './testing/rooms';

const SWARM = hash('s');

function cluster() {
  const rooms = testRooms();
  const directory = new RecordingDirectory();
  rooms.cluster.join(directory);
  return { rooms, directory };
}

describe('ClusterBridge', () => {
  it('has a directory only while it is up', () => {
    const { rooms, directory } = cluster();
    expect(rooms.cluster.directory).toBe(directory);
    directory.up = false;
    expect(rooms.cluster.directory).toBeUndefined();
    expect(testRooms().cluster.directory).toBeUndefined();
  });

  it('takes the peers that leave here out of the directory', () => {
    const { rooms, directory } = cluster();
    const peer = join(rooms, connectTo(rooms).session, SWARM, peerId('a'));
    rooms.swarms.remove(peer, 'stopped');
    expect(directory.left).toEqual([peerId('a')]);
    expect(directory.leftBy).toEqual([String(peer.session.serial)]);
  });

  it('sends the leaves Redis missed again when it is back, before the peers that stayed', async () => {
    const { rooms, directory } = cluster();
    const gone = join(rooms, connectTo(rooms).session, SWARM, peerId('gone'));
    join(rooms, connectTo(rooms, '10.0.0.2').session, SWARM, peerId('stays'));
    directory.failing = true;
    rooms.swarms.remove(gone, 'closed');
    await settle();
    expect(rooms.cluster.lostLeaves.size).toBe(1);
    directory.failing = false;
    await rooms.cluster.registerLocalPeers(5);
    expect(directory.left).toEqual([peerId('gone'), peerId('gone')]);
    expect(directory.leftBy[1]).toBe(String(gone.session.serial));
    expect(directory.announces.map((a) => a.peerId)).toEqual([peerId('stays')]);
    expect(rooms.cluster.lostLeaves.size).toBe(0);
  });

  it('names each connection apart in its claims, and tells a connection why the cluster refused its claim', async () => {
    const { rooms, directory } = cluster();
    const first = connectTo(rooms);
    const second = connectTo(rooms);
    expect(first.session.serial).not.toBe(second.session.serial);
    const from = join(rooms, second.session, SWARM, peerId('b'));
    directory.result = { complete: 0, incomplete: 0, candidates: [], refused: 'second peer id' };
    const message = announceMessage(SWARM, peerId('b'));
    rooms.cluster.announce(second.session, from, message, rooms.swarms.get(SWARM)!, 0, () => {});
    await settle();
    expect(directory.announces[0].connection).toBe(String(second.session.serial));
    expect(second.connection.take()).toEqual([
      expect.objectContaining({
        'failure reason': 'this connection already has another peer_id in this swarm',
      }),
    ]);
    expect(rooms.swarms.peerCount).toBe(0);
    // Its leave went to the directory under its own connection, where it holds nothing.
    expect(directory.leftBy).toEqual([String(second.session.serial)]);
  });

  it('binds in memory what the cluster bound, and never a claim the cluster refused', async () => {
    const { rooms, directory } = cluster();
    const { session } = connectTo(rooms);
    const from = join(rooms, session, hash('v1'), peerId('a'));
    join(rooms, connectTo(rooms, '10.0.0.2').session, hash('v2'), peerId('b'));
    const claim = (alias: string) => announceMessage(hash('v1'), peerId('a'), { alias });
    directory.result = { complete: 0, incomplete: 1, candidates: [] };
    rooms.cluster.announce(session, from, claim(hash('junk')), rooms.swarms.get(hash('v1'))!, 0, () => {});
    await settle();
    expect(rooms.swarms.get(hash('v1'))!.alias).toBeNull();
    expect(rooms.counters.aliasesRefused).toBe(1);
    directory.result = { complete: 0, incomplete: 2, candidates: [], alias: hash('v2') };
    rooms.cluster.announce(session, from, claim(hash('v2')), rooms.swarms.get(hash('v1'))!, 0, () => {});
    await settle();
    expect(rooms.swarms.get(hash('v2'))).toBe(rooms.swarms.get(hash('v1')));
    expect(rooms.counters.aliasesBound).toBe(1);
  });

  it("replies to an announce with the cluster's counts and binding, and offers to candidates anywhere", async () => {
    const { rooms, directory } = cluster();
    const { connection, session } = connectTo(rooms);
    const from = join(rooms, session, SWARM, peerId('a'));
    const local = connectTo(rooms, '10.0.0.2');
    join(rooms, local.session, SWARM, peerId('b'));
    directory.result = {
      complete: 4,
      incomplete: 5,
      alias: hash('v2'),
      candidates: [
        { peerId: peerId('a'), process: 'here' },
        { peerId: peerId('b'), process: 'here' },
        { peerId: peerId('c'), process: 'there', infoHash: hash('v2') },
      ],
    };
    const message = announceMessage(SWARM, peerId('a'), { offers: offers('x', 2) });
    const swarm = rooms.swarms.get(SWARM)!;
    expect(rooms.cluster.announce(session, from, message, swarm, 0, () => {})).toBe(true);
    await settle();
    expect(directory.announces[0]).toMatchObject({ infoHash: SWARM, peerId: peerId('a'), want: 4 });
    expect(connection.take()).toEqual([
      expect.objectContaining({ complete: 4, incomplete: 5, info_hash_alias: hash('v2') }),
    ]);
    expect(local.connection.take()).toEqual([expect.objectContaining({ peer_id: peerId('a') })]);
    expect(directory.sent).toEqual([
      {
        process: 'there',
        message: expect.objectContaining({
          kind: 'offer',
          to: peerId('c'),
          toHash: hash('v2'),
          fromProcess: 'here',
        }),
      },
    ]);
  });

  it('answers from this process when the directory fails, and gives up a peer id another process holds', async () => {
    const { rooms, directory } = cluster();
    const { connection, session } = connectTo(rooms);
    const from = join(rooms, session, SWARM, peerId('a'));
    const message = announceMessage(SWARM, peerId('a'));
    let repliedHere = 0;
    directory.failing = true;
    rooms.cluster.announce(session, from, message, rooms.swarms.get(SWARM)!, 0, () => repliedHere++);
    await settle();
    expect(repliedHere).toBe(1);
    directory.failing = false;
    directory.result = { complete: 0, incomplete: 1, candidates: [], refused: 'peer id in use' };
    rooms.cluster.announce(session, from, message, rooms.swarms.get(SWARM)!, 0, () => repliedHere++);
    await settle();
    expect(rooms.swarms.peerCount).toBe(0);
    expect(connection.take()).toEqual([
      expect.objectContaining({ 'failure reason': 'peer_id is in use in this swarm by another connection' }),
    ]);
  });

  it('delivers what other processes publish for peers here, as offers it may answer and as answers', () => {
    const { rooms } = cluster();
    const here = connectTo(rooms);
    join(rooms, here.session, SWARM, peerId('b'));
    const offer = { type: 'offer', sdp: 'v=0' };
    const base = { infoHash: SWARM, to: peerId('b'), from: peerId('r'), offerId: 'o1' };
    rooms.cluster.receive({ kind: 'offer', ...base, fromProcess: 'there', offer }, 0);
    rooms.cluster.receive(
      { kind: 'answer', ...base, offerId: 'o2', answer: { type: 'answer', sdp: 'v=1' } },
      0,
    );
    rooms.cluster.receive({ kind: 'offer', ...base, to: peerId('nobody'), fromProcess: 'there', offer }, 0);
    rooms.cluster.receive({ kind: 'nonsense' }, 0);
    expect(here.connection.take()).toEqual([
      expect.objectContaining({ offer, peer_id: peerId('r'), offer_id: 'o1' }),
      expect.objectContaining({ answer: { type: 'answer', sdp: 'v=1' }, offer_id: 'o2' }),
    ]);
    const pending = rooms.relay.takeOffer(here.session, SWARM, peerId('r'), 'o1', 1);
    expect(pending).toMatchObject({ sender: `there/${peerId('r')}`, offerer: { process: 'there' } });
  });

  it('sends an answer to the process of its offerer, and registers every local peer again', async () => {
    const { rooms, directory } = cluster();
    const { session } = connectTo(rooms);
    join(rooms, session, SWARM, peerId('a'));
    const answer = {
      kind: 'answer',
      infoHash: SWARM,
      to: 'r',
      from: peerId('a'),
      offerId: 'o',
      answer: { type: 'answer', sdp: 'v=0' },
    } as const;
    rooms.cluster.sendAnswer('there', answer);
    expect(directory.sent).toEqual([{ process: 'there', message: answer }]);
    expect(rooms.counters.answersRelayed).toBe(1);
    await rooms.cluster.registerLocalPeers(7);
    expect(directory.announces).toEqual([
      expect.objectContaining({ infoHash: SWARM, peerId: peerId('a'), want: 0, now: 7, address: '10.0.0.1' }),
    ]);
    // Another connection claimed the id in the cluster meanwhile: the peer is given up here.
    directory.result = { complete: 0, incomplete: 0, candidates: [], refused: 'peer id in use' };
    await rooms.cluster.registerLocalPeers(8);
    await settle();
    expect(rooms.swarms.peerCount).toBe(0);
  });
});
