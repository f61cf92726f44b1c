// An announce: the peer joins its swarm (or updates, or stops), perhaps binds an alias, and gets the swarm's
// counts; its offers go to other peers, here or anywhere in the cluster.
import type { AnnounceMessage } from '../../../shared/codec/tracker-protocol';
import { bindAlias, hasPeerIn } from './aliases';
import type { TrackerRooms } from './rooms';
import type { Peer, Session } from './socket-session';
import { announceReply, failure, PEER_ID_IN_USE, SECOND_PEER_ID } from './replies';

export function announce(rooms: TrackerRooms, session: Session, message: AnnounceMessage, now: number): void {
  const { infoHash, peerId } = message;
  const known = rooms.swarms.get(infoHash)?.get(peerId);
  if (known && known.session !== session) {
    rooms.admission.fail(session, failure(PEER_ID_IN_USE, 'announce', infoHash));
    return;
  }
  rooms.counters.announces++;
  if (message.event === 'stopped') {
    if (known) rooms.swarms.remove(known, 'stopped');
    session.connection.deliver(announceReply(infoHash, rooms.swarms.get(infoHash), rooms.intervalSeconds));
    return;
  }
  if (known) rooms.swarms.get(infoHash)!.update(known, message, now);
  const peer = known ?? joinSwarm(rooms, session, message, now);
  if (!peer) return;
  // A bound alias may move this swarm's peers into the other hash's swarm. In a cluster, Redis decides the claim
  // (this process sees only its own peers) and this process follows its answer (ClusterBridge).
  if (message.alias !== undefined && rooms.cluster.directory === undefined)
    bindAlias(rooms.swarms, rooms.counters, rooms.swarms.get(infoHash)!, message.alias);
  session.announced = true;
  reply(rooms, session, peer, message, now);
}

/** A new peer of `session` in the swarm, within the limits; null (and the failure sent) when it may not join. */
function joinSwarm(
  rooms: TrackerRooms,
  session: Session,
  message: AnnounceMessage,
  now: number,
): Peer | null {
  const { infoHash, peerId } = message;
  const reason = refusal(rooms, session, infoHash);
  if (reason !== null) {
    rooms.admission.fail(session, failure(reason, 'announce', infoHash));
    return null;
  }
  return rooms.swarms.join(session, infoHash, peerId, message, now);
}

/**
 * Why `session` may not add a peer to the swarm of `infoHash`, or null. A full swarm makes room when it can: the
 * address with the most peers there gives up one, unless the newcomer's own has the most.
 */
function refusal(rooms: TrackerRooms, session: Session, infoHash: string): string | null {
  const { limits, swarms } = rooms;
  const swarm = swarms.get(infoHash);
  if (swarm && hasPeerIn(session, swarm)) return SECOND_PEER_ID;
  if (session.peerCount >= limits.maxSwarmsPerConnection)
    return `too many swarms on this connection (max ${limits.maxSwarmsPerConnection})`;
  if (swarm && swarm.size >= limits.maxPeersPerSwarm) {
    const evicted = swarm.evictionFor(session.address.key);
    if (!evicted) return `swarm is full (max ${limits.maxPeersPerSwarm} peers)`;
    swarms.remove(evicted, 'evicted');
    rooms.counters.peersEvicted++;
  }
  return null;
}

/** The announce's reply and offers: through the cluster while it answers, else from this process's swarm. */
function reply(
  rooms: TrackerRooms,
  session: Session,
  peer: Peer,
  message: AnnounceMessage,
  now: number,
): void {
  const swarm = rooms.swarms.get(message.infoHash)!;
  const replyHere = () => {
    session.connection.deliver(announceReply(message.infoHash, swarm, rooms.intervalSeconds));
    rooms.relay.relayOffers(swarm, peer, message, now);
  };
  if (!rooms.cluster.announce(session, peer, message, swarm, now, replyHere)) replyHere();
}
