// An answer to a relayed offer: only the connection the offer was relayed to may answer it, once, to the peer
// that made it (here, or through its process in the cluster).
import type { AnswerMessage } from '../../../shared/codec/tracker-protocol';
import type { TrackerRooms } from './rooms';
import type { Session } from './socket-session';
import { answerWire, failure } from './replies';

export function answer(rooms: TrackerRooms, session: Session, message: AnswerMessage, now: number): void {
  const { infoHash, peerId, toPeerId, offerId } = message;
  const from = rooms.swarms.get(infoHash)?.get(peerId);
  if (!from || from.session !== session) {
    rooms.admission.fail(
      session,
      failure('answer from a peer that has not announced in this swarm', 'announce', infoHash),
    );
    return;
  }
  const offer = rooms.relay.takeOffer(session, infoHash, toPeerId, offerId, now);
  if (!offer) {
    rooms.counters.answersRefused++;
    rooms.admission.fail(
      session,
      failure(
        'answer to no offer: that offer_id from that peer was not relayed to this connection, ' +
          'is already answered or has expired',
        'announce',
        infoHash,
      ),
    );
    return;
  }
  const offerer = offer.offerer;
  if (!('session' in offerer)) {
    // The offerer's socket is on another process of the cluster.
    const forward = {
      kind: 'answer',
      infoHash: offer.offerHash,
      to: toPeerId,
      from: peerId,
      offerId,
    } as const;
    rooms.cluster.sendAnswer(offerer.process, { ...forward, answer: message.answer });
    return;
  }
  if (rooms.swarms.get(offerer.infoHash)?.get(offerer.peerId) !== offerer) {
    rooms.admission.fail(
      session,
      failure('the peer that made this offer has left the swarm', 'announce', infoHash),
    );
    return;
  }
  offerer.session.connection.deliver(answerWire(offer.offerHash, peerId, offerId, message.answer));
  rooms.counters.answersRelayed++;
}
