import { describe, expect, it } from 'vitest';
import { announce } from './announce';
import { answer } from './answer';
import { RecordingDirectory } from './testing/directory';
import { answerMessage, announceMessage, connectTo, hash, offers, peerId, testRooms } from './testing/rooms';

const SWARM = hash('s');

/** An offerer and an answerer in SWARM, the offerer's one offer relayed to the answerer. */
function offered() {
  const rooms = testRooms();
  const offerer = connectTo(rooms, '10.0.0.1');
  const answerer = connectTo(rooms, '10.0.0.2');
  announce(rooms, answerer.session, announceMessage(SWARM, peerId('b')), 0);
  announce(rooms, offerer.session, announceMessage(SWARM, peerId('a'), { offers: offers('x', 1) }), 0);
  const offerId = answerer.connection.take().find((m) => m.offer)!.offer_id as string;
  offerer.connection.take();
  return { rooms, offerer, answerer, offerId };
}

describe('answer', () => {
  it('forwards an answer to the offerer once', () => {
    const { rooms, offerer, answerer, offerId } = offered();
    const message = answerMessage(SWARM, peerId('b'), peerId('a'), offerId);
    answer(rooms, answerer.session, message, 1);
    expect(offerer.connection.take()).toEqual([
      {
        action: 'announce',
        answer: message.answer,
        offer_id: offerId,
        peer_id: peerId('b'),
        info_hash: SWARM,
      },
    ]);
    answer(rooms, answerer.session, message, 1);
    expect(answerer.connection.take()[0]['failure reason']).toMatch(/^answer to no offer/);
    expect(rooms.counters).toMatchObject({ answersRelayed: 1, answersRefused: 1 });
  });

  it('refuses an answer from a connection that has not announced, and to an offerer that left', () => {
    const { rooms, offerer, answerer, offerId } = offered();
    const stranger = connectTo(rooms, '10.0.0.3');
    answer(rooms, stranger.session, answerMessage(SWARM, peerId('b'), peerId('a'), offerId), 1);
    expect(stranger.connection.take()[0]['failure reason']).toBe(
      'answer from a peer that has not announced in this swarm',
    );
    rooms.admission.disconnect(offerer.session);
    answer(rooms, answerer.session, answerMessage(SWARM, peerId('b'), peerId('a'), offerId), 1);
    expect(answerer.connection.take()[0]['failure reason']).toBe(
      'the peer that made this offer has left the swarm',
    );
  });

  it('sends the answer to the process of an offerer on another process', () => {
    const rooms = testRooms();
    const directory = new RecordingDirectory();
    rooms.cluster.join(directory);
    directory.up = false;
    const answerer = connectTo(rooms);
    announce(rooms, answerer.session, announceMessage(SWARM, peerId('b')), 0);
    const offer = { type: 'offer', sdp: 'v=0' };
    rooms.cluster.receive(
      {
        kind: 'offer',
        infoHash: SWARM,
        to: peerId('b'),
        from: peerId('r'),
        fromProcess: 'there',
        offerId: 'o',
        offer,
      },
      0,
    );
    answer(rooms, answerer.session, answerMessage(SWARM, peerId('b'), peerId('r'), 'o'), 1);
    expect(directory.sent).toEqual([
      {
        process: 'there',
        message: expect.objectContaining({ kind: 'answer', infoHash: SWARM, to: peerId('r'), offerId: 'o' }),
      },
    ]);
  });
});
