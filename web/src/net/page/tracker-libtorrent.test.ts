// The signalling libtorrent 2.1's WebTorrent accepts (src/websocket_tracker_connection.cpp, src/rtc_signaling.cpp):
// every id and hash 20 bytes, at most 10 offers an announce, and descriptions whole (no trickle) both ways.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_OFFERS_PER_ANNOUNCE } from '../../../../shared/codec/tracker-protocol';
import { bin, clientSetup as setup, settle } from './testing/tracker-fakes';

const INFO_HASH = 'aa'.repeat(20);
/** An offer as libtorrent sends it: gathered to the end, its candidates in the SDP. */
const NON_TRICKLE_OFFER = {
  type: 'offer',
  sdp: [
    'v=0',
    'o=rtc 1 0 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'a=candidate:1 1 UDP 2122317823 10.0.0.2 40000 typ host',
    'a=candidate:2 1 UDP 1686052607 203.0.113.7 40000 typ srflx raddr 10.0.0.2 rport 40000',
    'a=end-of-candidates',
    '',
  ].join('\r\n'),
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const isBinary20 = (value: unknown) =>
  typeof value === 'string' && value.length === 20 && [...value].every((ch) => ch.charCodeAt(0) < 256);

describe('signalling libtorrent 2.1 accepts', () => {
  it('sends 20-byte offer ids, each its own', async () => {
    const { client, sockets } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const offers = sockets[0].sent[0].offers as Array<{ offer_id: string }>;
    expect(offers.length).toBeGreaterThan(0);
    for (const offer of offers) expect(isBinary20(offer.offer_id)).toBe(true);
    expect(new Set(offers.map((offer) => offer.offer_id)).size).toBe(offers.length);
  });

  it('never puts more than 10 offers in an announce, whatever it is asked for', async () => {
    const { client, sockets } = setup({ maxOffers: 50 });
    client.wantPeers(INFO_HASH, 50);
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const announce = sockets[0].sent[0];
    expect(announce.offers).toHaveLength(MAX_OFFERS_PER_ANNOUNCE);
    expect(announce.numwant).toBe(MAX_OFFERS_PER_ANNOUNCE);
  });

  it('announces a v2-only torrent by its truncated v2 hash (20 bytes), never the whole SHA-256', async () => {
    const { client, sockets } = setup();
    const v2 = 'c4'.repeat(32);
    expect(() => client.start(v2, ['ws://one/'])).toThrow(RangeError);
    client.start(v2.slice(0, 40), ['ws://one/']);
    sockets[0].open();
    await settle();
    expect(sockets[0].sent[0].info_hash).toBe(bin(v2.slice(0, 40)));
    expect(isBinary20(sockets[0].sent[0].info_hash)).toBe(true);
  });

  it('answers an offer that carries its candidates and no trickle, once, with the whole answer', async () => {
    const { client, sockets, peers } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const remotePeerId = '2d4c54323130302d'.padEnd(40, '7');
    const offerId = 'ab'.repeat(20);
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      peer_id: bin(remotePeerId),
      offer_id: bin(offerId),
      offer: NON_TRICKLE_OFFER,
    });
    await settle();
    const answering = peers.find((peer) => !peer.initiator)!;
    // The remote description is taken whole: no candidate is expected after it.
    expect(answering.signalled).toEqual([NON_TRICKLE_OFFER]);
    const answers = sockets[0].sent.filter((message) => 'answer' in message);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      to_peer_id: bin(remotePeerId),
      offer_id: bin(offerId),
      answer: { type: 'answer' },
    });
    expect(isBinary20(answers[0].peer_id)).toBe(true);
  });
});
