import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { binaryToHex } from '../../../../shared/codec/tracker-protocol';
import type { SignalDescription } from '../../../../shared/codec/tracker-protocol';
import { bin, clientSetup as setup, settle } from './testing/tracker-fakes';
import { COUNT_FRESH_MS, makePeerId, usableTrackers } from './tracker-client';

const INFO_HASH = 'aa'.repeat(20);
const OTHER_HASH = 'bb'.repeat(20);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('makePeerId and usableTrackers', () => {
  it('makes a 20-byte peer id with our client prefix, from the cryptographic generator', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const id = makePeerId();
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    expect(id).toHaveLength(20);
    expect(id.startsWith('-SW0100-')).toBe(true);
    for (const ch of id) expect(ch.charCodeAt(0)).toBeLessThan(256);
    expect(makePeerId()).not.toBe(id);
  });

  it('keeps ws and wss trackers only, without duplicates', () => {
    expect(
      usableTrackers([
        'wss://a.example/',
        'udp://b.example:80',
        'ws://c.example',
        'wss://a.example/',
        'junk',
      ]),
    ).toEqual(['wss://a.example/', 'ws://c.example']);
  });
});

describe('TrackerClient', () => {
  it("names a hybrid torrent's v2 hash, truncated to 20 bytes, as info_hash_alias (not on stopped)", async () => {
    const { client, sockets } = setup();
    const v2 = 'c1'.repeat(20) + 'ff'.repeat(12);
    client.start(INFO_HASH, ['ws://one/'], { infoHashV2: v2 });
    client.start(OTHER_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const [hybrid, v1Only] = sockets[0].sent;
    expect(hybrid).toMatchObject({ info_hash: bin(INFO_HASH), info_hash_alias: bin('c1'.repeat(20)) });
    expect(v1Only.info_hash).toBe(bin(OTHER_HASH));
    expect(v1Only).not.toHaveProperty('info_hash_alias');
    client.announceEvent(INFO_HASH, 'completed');
    expect(sockets[0].sent[2]).toMatchObject({ event: 'completed', info_hash_alias: bin('c1'.repeat(20)) });
    client.stop(INFO_HASH);
    expect(sockets[0].sent[3]).toMatchObject({ event: 'stopped', info_hash: bin(INFO_HASH) });
    expect(sockets[0].sent[3]).not.toHaveProperty('info_hash_alias');
    // A truncated hash is taken as it is; anything else is a programming error.
    client.start(INFO_HASH, ['ws://one/'], { infoHashV2: 'd2'.repeat(20) });
    await settle();
    expect(sockets[0].sent[4]).toMatchObject({ event: 'started', info_hash_alias: bin('d2'.repeat(20)) });
    expect(() => client.start(INFO_HASH, ['ws://one/'], { infoHashV2: 'd2'.repeat(21) })).toThrow(RangeError);
  });

  it('names an alias learned while the torrent is active (a btmh-only link that turned out hybrid) at once', async () => {
    const { client, sockets } = setup();
    client.start(OTHER_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    expect(sockets[0].sent[0]).not.toHaveProperty('info_hash_alias');
    client.start(OTHER_HASH, ['ws://one/'], { infoHashV2: 'e3'.repeat(20) });
    await settle();
    expect(sockets[0].sent).toHaveLength(2);
    expect(sockets[0].sent[1]).toMatchObject({
      info_hash: bin(OTHER_HASH),
      info_hash_alias: bin('e3'.repeat(20)),
    });
    expect(sockets[0].sent[1]).not.toHaveProperty('event');
    // The offers of the first announce are moments old: this one makes none.
    expect(sockets[0].sent[1]!.offers).toEqual([]);
    // Once it has one, starting again changes nothing.
    client.start(OTHER_HASH, ['ws://one/'], { infoHashV2: 'f4'.repeat(20) });
    await settle();
    expect(sockets[0].sent).toHaveLength(2);
  });

  it('announces started with offers to every tracker once its socket opens', async () => {
    const { client, sockets, peers } = setup();
    client.start(INFO_HASH, ['ws://one/', 'ws://two/']);
    expect(sockets.map((s) => s.url)).toEqual(['ws://one/', 'ws://two/']);
    sockets[0].open();
    await settle();
    expect(sockets[0].sent).toHaveLength(1);
    const announce = sockets[0].sent[0];
    expect(announce).toMatchObject({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      peer_id: client.peerIdOf(INFO_HASH, 'ws://one/'),
      event: 'started',
      numwant: 3,
      uploaded: 1,
      downloaded: 2,
      left: 3,
    });
    const offers = announce.offers as Array<{ offer: SignalDescription; offer_id: string }>;
    expect(offers).toHaveLength(3);
    for (const offer of offers) {
      expect(offer.offer.type).toBe('offer');
      expect(offer.offer_id).toHaveLength(20);
    }
    expect(new Set(offers.map((o) => o.offer_id)).size).toBe(3);
    expect(peers.every((p) => p.initiator)).toBe(true);
    // The second tracker is still connecting: nothing sent there, and it has its own socket.
    expect(sockets[1].sent).toHaveLength(0);
    sockets[1].open();
    await settle();
    expect(sockets[1].sent[0]).toMatchObject({ event: 'started' });
  });

  it('shares one socket between torrents of the same tracker', async () => {
    const { client, sockets } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    client.start(OTHER_HASH, ['ws://one/']);
    expect(sockets).toHaveLength(1);
    sockets[0].open();
    await settle();
    expect(sockets[0].sent.map((m) => m.info_hash).sort()).toEqual([bin(INFO_HASH), bin(OTHER_HASH)].sort());
  });

  it('routes an answer to the pending offer by offer_id and reports the remote peer', async () => {
    const { client, sockets, peers, matched } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const offers = sockets[0].sent[0].offers as Array<{ offer: SignalDescription; offer_id: string }>;
    const target = offers[1];
    const remoteId = 'R'.repeat(20);
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      peer_id: remoteId,
      offer_id: target.offer_id,
      answer: { type: 'answer', sdp: 'remote-answer' },
    });
    const answered = peers.find((p) => p.signalled.length > 0)!;
    expect(answered.signalled).toEqual([{ type: 'answer', sdp: 'remote-answer' }]);
    expect(`offer-${answered.id}`).toBe(target.offer.sdp);
    expect(matched).toEqual([{ peer: answered, remote: binaryToHex(remoteId), initiator: true }]);
    expect(client.pendingOffers(INFO_HASH)).toBe(2);
    // A second answer to the same offer is ignored.
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      peer_id: 'S'.repeat(20),
      offer_id: target.offer_id,
      answer: { type: 'answer', sdp: 'late' },
    });
    expect(answered.signalled).toHaveLength(1);
  });

  it('announces the v2 hash on its own too when the tracker does not serve both as one swarm', async () => {
    const { client, sockets, peers, statuses } = setup();
    const v2 = 'c1'.repeat(32);
    const V2 = bin('c1'.repeat(20));
    client.wantPeers(INFO_HASH, 0);
    client.start(INFO_HASH, ['ws://bound/', 'ws://other/'], { infoHashV2: v2 });
    for (const socket of sockets) socket.open();
    await settle();
    const reply = { action: 'announce', info_hash: bin(INFO_HASH), interval: 120 };
    // Our tracker names the alias back: one announce is enough there.
    sockets[0].receive({ ...reply, complete: 1, incomplete: 3, info_hash_alias: V2 });
    // Another tracker ignores it.
    sockets[1].receive({ ...reply, complete: 1, incomplete: 0 });
    await settle();
    expect(sockets[0].sent).toHaveLength(1);
    expect(sockets[1].sent).toHaveLength(2);
    expect(sockets[1].sent[1]).toMatchObject({
      info_hash: V2,
      peer_id: client.peerIdOf(INFO_HASH, 'ws://other/'),
      event: 'started',
    });
    expect(sockets[1].sent[1]).not.toHaveProperty('info_hash_alias');
    // Its replies change nothing the app sees; its offers are the torrent's, answered under the v2 hash.
    const before = statuses.length;
    sockets[1].receive({ action: 'announce', info_hash: V2, interval: 120, complete: 0, incomplete: 7 });
    expect(statuses).toHaveLength(before);
    expect(client.statuses(INFO_HASH).map((s) => [s.url, s.incomplete])).toEqual([
      ['ws://bound/', 3],
      ['ws://other/', 0],
    ]);
    sockets[1].receive({
      action: 'announce',
      info_hash: V2,
      peer_id: 'P'.repeat(20),
      offer_id: 'O'.repeat(20),
      offer: { type: 'offer', sdp: 'from a btmh peer' },
    });
    await settle();
    expect(peers.at(-1)).toMatchObject({ infoHashHex: INFO_HASH, initiator: false });
    expect(sockets[1].sent.at(-1)).toMatchObject({ info_hash: V2, to_peer_id: 'P'.repeat(20) });
    // A second reply does not announce it again; stop says stopped under both hashes.
    sockets[1].receive({ ...reply, complete: 1, incomplete: 0 });
    await settle();
    const sent = sockets[1].sent.length;
    expect(sent).toBe(3);
    client.stop(INFO_HASH);
    expect(sockets[1].sent.slice(sent).map((m) => [m.info_hash, m.event])).toEqual([
      [V2, 'stopped'],
      [bin(INFO_HASH), 'stopped'],
    ]);
    expect(sockets[0].sent.at(-1)).toMatchObject({ info_hash: bin(INFO_HASH), event: 'stopped' });
  });

  it('forgets the v2 announcer, without a stopped, once the tracker serves both hashes as one swarm', async () => {
    const { client, sockets } = setup();
    const V2 = bin('c1'.repeat(20));
    client.wantPeers(INFO_HASH, 0);
    client.start(INFO_HASH, ['ws://one/'], { infoHashV2: 'c1'.repeat(32) });
    sockets[0].open();
    await settle();
    const reply = {
      action: 'announce',
      info_hash: bin(INFO_HASH),
      interval: 120,
      complete: 1,
      incomplete: 0,
    };
    sockets[0].receive(reply);
    await settle();
    expect(sockets[0].sent.map((m) => m.info_hash)).toEqual([bin(INFO_HASH), V2]);
    // A stopped under the v2 hash would take our one peer out of the swarm under both.
    sockets[0].receive({ ...reply, info_hash_alias: V2 });
    client.announceEvent(INFO_HASH, 'completed');
    expect(sockets[0].sent.slice(2).map((m) => [m.info_hash, m.event])).toEqual([
      [bin(INFO_HASH), 'completed'],
    ]);
  });

  it('answers a relayed offer with to_peer_id and the same offer_id', async () => {
    const { client, sockets, peers, matched } = setup();
    client.wantPeers(INFO_HASH, 0);
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const offerId = 'O'.repeat(20);
    const remoteId = 'P'.repeat(20);
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      peer_id: remoteId,
      offer_id: offerId,
      offer: { type: 'offer', sdp: 'remote-offer' },
    });
    await settle();
    const answerer = peers.find((p) => !p.initiator)!;
    expect(answerer.signalled).toEqual([{ type: 'offer', sdp: 'remote-offer' }]);
    expect(matched[0]).toMatchObject({ remote: binaryToHex(remoteId), initiator: false });
    const reply = sockets[0].sent.at(-1)!;
    expect(reply).toEqual({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      peer_id: client.peerIdOf(INFO_HASH, 'ws://one/'),
      to_peer_id: remoteId,
      offer_id: offerId,
      answer: { type: 'answer', sdp: `answer-${answerer.id}` },
    });
  });

  it('does not answer offers when the torrent is at its connection cap', async () => {
    const { client, sockets, peers } = setup({ acceptsOffer: false });
    client.wantPeers(INFO_HASH, 0);
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const before = sockets[0].sent.length;
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      peer_id: 'P'.repeat(20),
      offer_id: 'O'.repeat(20),
      offer: { type: 'offer', sdp: 'x' },
    });
    await settle();
    expect(peers.filter((p) => !p.initiator)).toHaveLength(0);
    expect(sockets[0].sent).toHaveLength(before);
  });

  it('destroys offers nobody answered after the offer timeout', async () => {
    const { client, sockets, peers } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    expect(peers.filter((p) => p.destroyed)).toHaveLength(0);
    vi.advanceTimersByTime(50_001);
    expect(peers.filter((p) => p.destroyed)).toHaveLength(3);
    expect(client.pendingOffers(INFO_HASH)).toBe(0);
  });

  it("re-announces on the tracker's interval without an event", async () => {
    const { client, sockets } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      interval: 30,
      complete: 1,
      incomplete: 2,
    });
    expect(client.statuses(INFO_HASH)[0]).toMatchObject({ state: 'connected', complete: 1, incomplete: 2 });
    vi.advanceTimersByTime(29_000);
    expect(sockets[0].sent).toHaveLength(1);
    vi.advanceTimersByTime(1_001);
    await settle();
    expect(sockets[0].sent).toHaveLength(2);
    expect(sockets[0].sent[1].event).toBeUndefined();
    expect(sockets[0].sent[1].action).toBe('announce');
  });

  it('sends completed without offers, and stopped on stop', async () => {
    const { client, sockets } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    client.announceEvent(INFO_HASH, 'completed');
    expect(sockets[0].sent.at(-1)).toMatchObject({ event: 'completed', left: 3 });
    expect(sockets[0].sent.at(-1)!.offers).toBeUndefined();
    client.stop(INFO_HASH);
    expect(sockets[0].sent.at(-1)).toMatchObject({ event: 'stopped' });
    expect(sockets[0].closed).toBe(true);
    expect(client.statuses(INFO_HASH)).toEqual([]);
  });

  it('reconnects with growing backoff and announces started again', async () => {
    const { client, sockets, statuses } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].fail();
    expect(client.statuses(INFO_HASH)[0].state).toBe('unreachable');
    expect(statuses.at(-1)!.status.message).toMatch(/unreachable/);
    vi.advanceTimersByTime(1_000); // first delay: between 0.5 and 1 s
    expect(sockets).toHaveLength(2);
    sockets[1].fail();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2); // the second delay is between 1 and 2 s
    vi.advanceTimersByTime(1_001);
    expect(sockets).toHaveLength(3);
    sockets[2].open();
    await settle();
    expect(sockets[2].sent[0]).toMatchObject({ event: 'started' });
    expect(client.statuses(INFO_HASH)[0].state).toBe('connected');
  });

  it('connects at once when the tracker is known to be back, not after its backoff, and its next failure waits afresh', async () => {
    const { client, sockets } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    for (let failures = 0; failures < 6; failures++) {
      sockets.at(-1)!.fail();
      vi.advanceTimersByTime(60_000);
    }
    sockets.at(-1)!.fail();
    const waiting = sockets.length;
    client.retryNow();
    expect(sockets).toHaveLength(waiting + 1);
    sockets.at(-1)!.open();
    await settle();
    expect(sockets.at(-1)!.sent[0]).toMatchObject({ event: 'started' });
    expect(client.statuses(INFO_HASH)[0].state).toBe('connected');
    // Nothing waits: another retry makes no second socket.
    client.retryNow();
    expect(sockets).toHaveLength(waiting + 1);
    sockets.at(-1)!.fail();
    vi.advanceTimersByTime(1_000);
    expect(sockets).toHaveLength(waiting + 2);
  });

  it('keeps announcing to the other trackers when one dies', async () => {
    const { client, sockets } = setup();
    client.start(INFO_HASH, ['ws://one/', 'ws://two/']);
    sockets[0].open();
    sockets[1].open();
    await settle();
    sockets[0].fail();
    client.wantPeers(INFO_HASH, 2, 1_000_000);
    await settle();
    expect(sockets[1].sent.length).toBeGreaterThanOrEqual(1);
    const states = client.statuses(INFO_HASH).map((s) => s.state);
    expect(states).toEqual(['unreachable', 'connected']);
  });

  it('shows a failure reason for the torrent it names', async () => {
    const { client, sockets } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      'failure reason': 'torrent not allowed',
    });
    expect(client.statuses(INFO_HASH)[0]).toMatchObject({ state: 'failure', message: 'torrent not allowed' });
  });

  it('ignores malformed messages and messages for other torrents', async () => {
    const { client, sockets, peers } = setup();
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    sockets[0].onmessage?.({ data: 'not json' });
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(OTHER_HASH),
      peer_id: 'P'.repeat(20),
      offer_id: 'O'.repeat(20),
      offer: { type: 'offer', sdp: 'x' },
    });
    await settle();
    expect(peers.filter((p) => !p.initiator)).toHaveLength(0);
    expect(client.statuses(INFO_HASH)[0].state).toBe('connected');
  });

  it('announces at once for more peers, then at most once per rate-limit window', async () => {
    const { client, sockets } = setup();
    client.wantPeers(INFO_HASH, 0);
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    expect(sockets[0].sent[0].offers).toEqual([]);
    client.wantPeers(INFO_HASH, 2, 100_000);
    await settle();
    expect((sockets[0].sent[1].offers as unknown[]).length).toBe(2);
    // Answer nothing, expire the offers, ask again within the window: no announce.
    vi.advanceTimersByTime(50_001);
    client.wantPeers(INFO_HASH, 2, 105_000);
    await settle();
    expect(sockets[0].sent).toHaveLength(2);
    client.wantPeers(INFO_HASH, 2, 111_000);
    await settle();
    expect(sockets[0].sent).toHaveLength(3);
  });

  it('counts its first announce as the start of the window for the next want', async () => {
    const { client, sockets } = setup({ offerRoom: 1 });
    client.wantPeers(INFO_HASH, 5);
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const [made] = sockets[0].sent[0].offers as Array<{ offer_id: string }>;
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      peer_id: 'R'.repeat(20),
      offer_id: made!.offer_id,
      answer: { type: 'answer', sdp: 'remote-answer' },
    });
    // Its first connection: the engine wants one peer fewer, within the window of the announce that made it.
    client.wantPeers(INFO_HASH, 4);
    await settle();
    expect(sockets[0].sent).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    client.wantPeers(INFO_HASH, 4);
    await settle();
    expect(sockets[0].sent).toHaveLength(2);
  });

  it('sends no offers for more peers when it already talks to everyone in the swarm', async () => {
    const { client, sockets } = setup({ connected: 2 });
    client.wantPeers(INFO_HASH, 0);
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      interval: 120,
      complete: 1,
      incomplete: 2,
    });
    client.wantPeers(INFO_HASH, 5, 100_000);
    await settle();
    expect(sockets[0].sent).toHaveLength(1);
    // A fourth peer joins the swarm: now there is someone new to meet.
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(INFO_HASH),
      interval: 120,
      complete: 2,
      incomplete: 2,
    });
    client.wantPeers(INFO_HASH, 5, 200_000);
    await settle();
    expect(sockets[0].sent).toHaveLength(2);
  });

  it('asks the tracker again, without offers, once its count of the swarm is old', async () => {
    const { client, sockets } = setup({ connected: 2 });
    client.wantPeers(INFO_HASH, 0);
    client.start(INFO_HASH, ['ws://one/']);
    sockets[0].open();
    await settle();
    const counted = { action: 'announce', info_hash: bin(INFO_HASH), interval: 120, complete: 1 };
    sockets[0].receive({ ...counted, incomplete: 2 });
    client.wantPeers(INFO_HASH, 5);
    await settle();
    expect(sockets[0].sent).toHaveLength(1);
    vi.advanceTimersByTime(COUNT_FRESH_MS);
    client.wantPeers(INFO_HASH, 5);
    await settle();
    expect(sockets[0].sent).toHaveLength(2);
    expect(sockets[0].sent[1]!.offers).toEqual([]);
    // Its reply counts a newcomer: the next want offers.
    sockets[0].receive({ ...counted, incomplete: 3 });
    vi.advanceTimersByTime(10_000);
    client.wantPeers(INFO_HASH, 5);
    await settle();
    expect((sockets[0].sent[2]!.offers as unknown[]).length).toBeGreaterThan(0);
  });

  it('sends stopped to every tracker on shutdown and closes the sockets', async () => {
    const { client, sockets } = setup();
    client.start(INFO_HASH, ['ws://one/', 'ws://two/']);
    sockets[0].open();
    sockets[1].open();
    await settle();
    client.shutdown();
    for (const socket of sockets) {
      expect(socket.sent.at(-1)).toMatchObject({ event: 'stopped', info_hash: bin(INFO_HASH) });
      expect(socket.closed).toBe(true);
    }
  });
});
