// This process as one of a cluster (--redis): announces are registered in the shared directory, offers go to
// peers anywhere in it, answers back to the process of the offerer, and what other processes publish for peers
// whose sockets are here is delivered. Every directory call may fail: the tracker then serves from memory.
import {
  MAX_OFFERS_PER_ANNOUNCE,
  type AnnounceMessage,
  type FailureWire,
} from '../../../shared/codec/tracker-protocol';
import type {
  Candidate,
  ClaimRefusal,
  ClusterDirectory,
  ClusterMessage,
  DirectoryAnnounceResult,
} from '../cluster/directory';
import { joinAlias, otherHash } from './aliases';
import { isClusterMessage } from './cluster-message';
import { LostLeaves, type Leave } from './lost-leaves';
import type { TrackerCounters } from './counters';
import { offerFrom, offersWanted, type Relay } from './relay';
import type { Peer, Session, Swarm } from './socket-session';
import type { SwarmRegistry } from './swarm-registry';
import { announceReply, answerWire, failure, PEER_ID_IN_USE, SECOND_PEER_ID } from './replies';

/** What a connection is told when the cluster refused its claim of a peer id. */
const REFUSAL_REASONS: Record<ClaimRefusal, string> = {
  'peer id in use': PEER_ID_IN_USE,
  'second peer id': SECOND_PEER_ID,
};

/** A connection's name in the directory (which adds this process's). */
const connectionOf = (session: Session) => String(session.serial);

export class ClusterBridge {
  /** The cluster, when this process is one of several. */
  private cluster: ClusterDirectory | undefined;
  /** Leaves Redis did not take, sent again when it is back. */
  readonly lostLeaves = new LostLeaves();

  constructor(
    private readonly swarms: SwarmRegistry,
    private readonly relay: Relay,
    private readonly counters: TrackerCounters,
    private readonly intervalSeconds: number,
    private readonly fail: (session: Session, message: FailureWire) => void,
  ) {}

  /**
   * Peers that leave here leave the directory (where their connection holds them: the directory checks); a leave
   * Redis did not take is sent again when it is back.
   */
  join(cluster: ClusterDirectory): void {
    this.cluster = cluster;
    this.swarms.onRemoval((infoHash, peerId, _reason, peer) =>
      this.leave(cluster, { infoHash, peerId, connection: connectionOf(peer.session) }),
    );
  }

  private leave(cluster: ClusterDirectory, leave: Leave): Promise<void> {
    return cluster
      .leave(leave.infoHash, leave.peerId, leave.connection)
      .catch(() => this.lostLeaves.add(leave));
  }

  /** The directory while it answers; undefined alone or while Redis is down. */
  get directory(): ClusterDirectory | undefined {
    return this.cluster?.up ? this.cluster : undefined;
  }

  /**
   * Sends the leaves Redis missed, then registers every local peer again (Redis came back, perhaps empty); in
   * batches, without offers. A peer whose id another connection claimed in the cluster meanwhile is given up here,
   * and its connection told.
   */
  async registerLocalPeers(now: number): Promise<void> {
    const cluster = this.cluster;
    if (!cluster) return;
    await Promise.all(this.lostLeaves.take().map((leave) => this.leave(cluster, leave)));
    const peers: Peer[] = [];
    for (const swarm of this.swarms.distinct()) peers.push(...swarm.members());
    for (let i = 0; i < peers.length; i += 256) {
      await Promise.all(
        peers.slice(i, i + 256).map((peer) =>
          cluster
            .announce({
              infoHash: peer.infoHash,
              peerId: peer.peerId,
              connection: connectionOf(peer.session),
              complete: peer.seeder,
              now,
              want: 0,
              address: peer.session.address.key,
              alias: otherHash(this.swarms.get(peer.infoHash), peer.infoHash),
            })
            .then(
              (result) => result.refused && this.refuseClaim(peer, result.refused),
              () => undefined,
            ),
        ),
      );
    }
  }

  /** An offer or answer another process published for a peer whose socket is here. */
  receive(message: unknown, now: number): void {
    if (!isClusterMessage(message)) return;
    // An offer names the recipient's own hash when it differs from the offerer's (a swarm bound to an alias).
    const toHash = message.kind === 'offer' ? (message.toHash ?? message.infoHash) : message.infoHash;
    const to = this.swarms.get(toHash)?.get(message.to);
    if (!to || to.session.closed) return;
    if (message.kind === 'offer') this.receiveOffer(to, message, now);
    else {
      const { infoHash, from, offerId } = message;
      to.session.connection.deliver(answerWire(infoHash, from, offerId, message.answer));
      this.counters.answersRelayed++;
    }
  }

  /**
   * An accepted announce of `from` in `local`, registered in the directory: the reply carries the cluster's
   * counts and its offers go to candidates anywhere. When the directory fails under us, `replyHere` answers from
   * this process's own swarm. False (nothing done) when there is no directory up.
   */
  announce(
    session: Session,
    from: Peer,
    message: AnnounceMessage,
    local: Swarm,
    now: number,
    replyHere: () => void,
  ): boolean {
    const cluster = this.directory;
    if (!cluster) return false;
    const { infoHash, peerId, alias } = message;
    // Twice the candidates: an offer a candidate cannot take goes to the next one.
    const want = Math.min(2 * offersWanted(message), 2 * MAX_OFFERS_PER_ANNOUNCE);
    const address = session.address.key;
    const connection = connectionOf(session);
    const claim = { infoHash, peerId, connection, complete: from.seeder, now, want, address, alias };
    cluster.announce(claim).then(
      (result) => this.announced(cluster, session, from, message, local, result, now),
      () => {
        // Redis failed under us: this process's own swarm, from memory.
        if (session.closed) return;
        replyHere();
      },
    );
    return true;
  }

  /**
   * The directory took the announce: the reply carries the cluster's counts and its binding of the alias, which
   * this process follows, and the offers go to its candidates. A claim the directory refused is given up here.
   */
  private announced(
    cluster: ClusterDirectory,
    session: Session,
    from: Peer,
    message: AnnounceMessage,
    local: Swarm,
    result: DirectoryAnnounceResult,
    now: number,
  ): void {
    const { infoHash } = message;
    if (result.refused) {
      this.refuseClaim(from, result.refused);
      return;
    }
    this.followAlias(infoHash, message.alias, result.alias);
    if (session.closed) return;
    const reply = announceReply(infoHash, local, this.intervalSeconds);
    reply.complete = result.complete;
    reply.incomplete = result.incomplete;
    if (result.alias !== undefined) reply.info_hash_alias = result.alias;
    else delete reply.info_hash_alias;
    session.connection.deliver(reply);
    this.relayOffers(cluster, from, message, result.candidates, now);
  }

  /**
   * A claim the directory refused: the peer leaves this process's swarm (its leave changes nothing in Redis, where
   * its connection holds nothing) and its connection is told why.
   */
  private refuseClaim(peer: Peer, refusal: ClaimRefusal): void {
    this.swarms.remove(peer, 'stopped');
    if (!peer.session.closed)
      this.fail(peer.session, failure(REFUSAL_REASONS[refusal], 'announce', peer.infoHash));
  }

  /**
   * This process binds in its memory what the cluster bound (for its checks, and for its own peers while Redis is
   * down), never a claim the cluster refused. A binding its memory cannot follow stays the cluster's alone.
   */
  private followAlias(infoHash: string, claimed: string | undefined, bound: string | undefined): void {
    if (claimed !== undefined && claimed !== infoHash && claimed !== bound) this.counters.aliasesRefused++;
    const swarm = this.swarms.get(infoHash);
    if (bound === undefined || !swarm || swarm.alias === bound) return;
    if (joinAlias(this.swarms, swarm, bound)) this.counters.aliasesBound++;
  }

  /** An answer for a peer whose socket is on another process of the cluster (`process`): it goes there. */
  sendAnswer(process: string, answer: Extract<ClusterMessage, { kind: 'answer' }>): void {
    const cluster = this.cluster;
    if (!cluster) return;
    cluster.send(process, answer);
    this.counters.answersRelayed++;
  }

  /** Refused here, an offer from another process is lost: that process already sent it to this peer only. */
  private receiveOffer(to: Peer, message: Extract<ClusterMessage, { kind: 'offer' }>, now: number): void {
    const { infoHash, from, offerId } = message;
    const offerer = { infoHash, peerId: from, process: message.fromProcess };
    const sender = message.fromAddress ?? `${message.fromProcess}/${from}`;
    this.relay.offerTo(to, { offerer, offerHash: infoHash, sender, offerId, offer: message.offer }, now);
  }

  /**
   * Offers to peers the directory picked anywhere in the cluster (best first: one per client address, then any):
   * here directly, elsewhere through their process.
   */
  private relayOffers(
    cluster: ClusterDirectory,
    from: Peer,
    message: AnnounceMessage,
    candidates: Candidate[],
    now: number,
  ): void {
    const count = offersWanted(message);
    let next = 0;
    for (const candidate of candidates) {
      if (next >= count) break;
      if (candidate.peerId === from.peerId) continue;
      if (this.offerToCandidate(cluster, candidate, from, message, next, now)) next++;
    }
  }

  /** Relays offer number `index` to one candidate; false when a local candidate cannot take it. */
  private offerToCandidate(
    cluster: ClusterDirectory,
    candidate: Candidate,
    from: Peer,
    message: AnnounceMessage,
    index: number,
    now: number,
  ): boolean {
    const offer = offerFrom(from, message, index);
    // The candidate's own hash: in a swarm bound to an alias it may be the other one.
    const toHash = candidate.infoHash ?? message.infoHash;
    if (candidate.process === cluster.process) {
      const target = this.swarms.get(toHash)?.get(candidate.peerId);
      return target !== undefined && this.relay.offerTo(target, offer, now);
    }
    cluster.send(candidate.process, {
      kind: 'offer',
      infoHash: message.infoHash,
      ...(toHash === message.infoHash ? {} : { toHash }),
      to: candidate.peerId,
      from: from.peerId,
      fromProcess: cluster.process,
      fromAddress: offer.sender,
      offerId: offer.offerId,
      offer: offer.offer,
    });
    this.counters.offersRelayed++;
    return true;
  }
}
