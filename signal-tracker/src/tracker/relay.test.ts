import { describe, expect, it } from 'vitest';
import { offerFrom, offersWanted } from './relay';
import { announceMessage, connectTo, hash, join, offers, peerId, testRooms } from './testing/rooms';

const SWARM = hash('s');

/** An offerer and `count` other peers of SWARM, each on its own address. */
function swarmOf(count: number, limits = {}) {
  const rooms = testRooms(limits);
  const offerer = connectTo(rooms, '10.0.0.1');
  const from = join(rooms, offerer.session, SWARM, peerId('o'));
  const others = Array.from({ length: count }, (_, i) => {
    const client = connectTo(rooms, `10.0.1.${i + 1}`);
    join(rooms, client.session, SWARM, peerId(`p${i}`));
    return client;
  });
  return { rooms, from, others };
}

describe('Relay', () => {
  it('relays as many offers as the announce wants, each to another peer, under the hash it announced', () => {
    const { rooms, from, others } = swarmOf(4);
    const message = announceMessage(SWARM, peerId('o'), { offers: offers('x', 3), numwant: 2 });
    expect(offersWanted(message)).toBe(2);
    rooms.relay.relayOffers(rooms.swarms.get(SWARM)!, from, message, 0);
    const got = others.flatMap((client) => client.connection.take());
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ action: 'announce', info_hash: SWARM, peer_id: peerId('o') });
    expect(new Set(got.map((offer) => offer.offer_id)).size).toBe(2);
    expect(rooms.counters.offersRelayed).toBe(2);
  });

  it('sends no offer to a peer whose backlog it would pass: it goes to another', () => {
    const { rooms, from, others } = swarmOf(2, { maxRelayBacklogBytes: 1000 });
    others[0].connection.backlog = 900;
    const message = announceMessage(SWARM, peerId('o'), { offers: offers('x', 1) });
    rooms.relay.relayOffers(rooms.swarms.get(SWARM)!, from, message, 0);
    expect(others[0].connection.sent).toHaveLength(0);
    expect(others[1].connection.sent).toHaveLength(1);
  });

  it('keeps each relayed offer answerable once, until it expires', () => {
    const { rooms, from, others } = swarmOf(1);
    const message = announceMessage(SWARM, peerId('o'), { offers: offers('x', 2) });
    const target = rooms.swarms.get(SWARM)!.get(peerId('p0'))!;
    expect(rooms.relay.offerTo(target, offerFrom(from, message, 0), 0)).toBe(true);
    expect(rooms.relay.offerTo(target, offerFrom(from, message, 1), 0)).toBe(true);
    const [first, second] = message.offers.map((offer) => offer.offer_id);
    const session = others[0].session;
    expect(rooms.relay.takeOffer(session, SWARM, peerId('o'), first, 1)).toMatchObject({ offerHash: SWARM });
    expect(rooms.relay.takeOffer(session, SWARM, peerId('o'), first, 1)).toBeUndefined();
    expect(rooms.relay.takeOffer(session, SWARM, peerId('o'), second, 50_000)).toBeUndefined();
  });

  it("forgets a sender's own oldest offer past its share, never another sender's", () => {
    const { rooms, from, others } = swarmOf(1, {
      maxPendingOffersPerConnection: 4,
      maxOffersPerSecondPerSender: 100,
      maxOffersPerSecondPerRecipient: 100,
    });
    const target = rooms.swarms.get(SWARM)!.get(peerId('p0'))!;
    const message = announceMessage(SWARM, peerId('o'), { offers: offers('x', 3) });
    for (let i = 0; i < 3; i++)
      expect(rooms.relay.offerTo(target, offerFrom(from, message, i), 0)).toBe(true);
    // A share of one (a quarter of 4): each new offer of this sender replaces its previous one.
    expect(others[0].session.pending!.size).toBe(1);
    const kept = [...others[0].session.pending!.values()];
    expect(kept[0].sender).toBe('10.0.0.1');
  });

  it('drops offers past what a recipient may get from one sender in a second', () => {
    const { rooms, from } = swarmOf(1, { maxOffersPerSecondPerSender: 1 });
    const target = rooms.swarms.get(SWARM)!.get(peerId('p0'))!;
    const message = announceMessage(SWARM, peerId('o'), { offers: offers('x', 2) });
    expect(rooms.relay.offerTo(target, offerFrom(from, message, 0), 0)).toBe(true);
    expect(rooms.relay.offerTo(target, offerFrom(from, message, 1), 0)).toBe(false);
    expect(rooms.relay.offerTo(target, offerFrom(from, message, 1), 1000)).toBe(true);
    expect(rooms.counters.offersDropped).toBe(1);
  });
});
