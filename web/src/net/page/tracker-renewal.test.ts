import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bin, clientSetup, settle } from './testing/tracker-fakes';
import { MAX_PEER_ID_RENEWALS, peerIdRefusalWords } from './tracker-refusal';

const V1 = 'aa'.repeat(20);
const OTHER = 'bb'.repeat(20);
const V2_FULL = 'c1'.repeat(32);
const V2 = bin('c1'.repeat(20));
const IN_USE = 'peer_id is in use in this swarm by another connection';
const URL = 'ws://one/';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A hybrid torrent whose alias the tracker refused (a stranger bound the v2 hash to junk): it announces both. */
async function splitSwarm() {
  const setup = clientSetup();
  const { client, sockets } = setup;
  client.wantPeers(V1, 1);
  client.start(V1, [URL], { infoHashV2: V2_FULL });
  sockets[0].open();
  await settle();
  sockets[0].receive({ action: 'announce', info_hash: bin(V1), interval: 120, complete: 1, incomplete: 1 });
  await settle();
  const socket = sockets[0];
  expect(socket.sent.map((m) => m.info_hash)).toEqual([bin(V1), V2]);
  return { ...setup, socket, first: client.peerIdOf(V1, URL)! };
}

describe('renewing a peer id the tracker says is in use', () => {
  it('leaves under the old id, claims a new one under both hashes with no offers, then offers under it', async () => {
    const { client, socket, first, statuses } = await splitSwarm();
    const before = socket.sent.length;
    // The stranger announced the v2 hash with our id first: the tracker refuses ours there.
    socket.receive({ action: 'announce', info_hash: V2, 'failure reason': IN_USE });
    await settle();
    const next = client.peerIdOf(V1, URL)!;
    expect(next).not.toBe(first);
    expect(next).toHaveLength(20);
    const sent = socket.sent.slice(before);
    expect(sent.slice(0, 3).map((m) => [m.info_hash, m.peer_id, m.event, m.offers])).toEqual([
      // Where we hold the old id, we leave: the tracker keeps one id per connection and swarm.
      [bin(V1), first, 'stopped', undefined],
      // Nobody has seen the new id: both hashes hold it before any offer shows it.
      [bin(V1), next, 'started', []],
      [V2, next, 'started', []],
    ]);
    expect(sent[1]).toMatchObject({ info_hash_alias: V2 });
    // Then the offers, under the new id.
    expect(sent.slice(3).map((m) => [m.info_hash, m.peer_id])).toEqual([
      [bin(V1), next],
      [V2, next],
    ]);
    expect((sent[3].offers as unknown[]).length).toBe(1);
    // The card says it in words.
    expect(statuses.at(-1)?.status).toMatchObject({ state: 'failure', message: peerIdRefusalWords(false) });
    socket.receive({ action: 'announce', info_hash: V2, interval: 120, complete: 1, incomplete: 0 });
    expect(client.statuses(V1)[0].state).toBe('connected');
  });

  it('takes no new id for refusals of announces sent under the old one before the claim', async () => {
    const { client, socket } = await splitSwarm();
    socket.receive({ action: 'announce', info_hash: V2, 'failure reason': IN_USE });
    await settle();
    const renewed = client.peerIdOf(V1, URL);
    const sent = socket.sent.length;
    // The old id's stopped (or a periodic announce already on its way) is refused too: stale, not a new squat.
    socket.receive({ action: 'announce', info_hash: bin(V1), 'failure reason': IN_USE });
    socket.receive({ action: 'announce', info_hash: V2, 'failure reason': IN_USE });
    await settle();
    expect(client.peerIdOf(V1, URL)).toBe(renewed);
    expect(socket.sent).toHaveLength(sent);
  });

  it('takes a new id again after a reconnection, even when the last claim was never answered', async () => {
    const { client, socket, sockets } = await splitSwarm();
    socket.receive({ action: 'announce', info_hash: V2, 'failure reason': IN_USE });
    await settle();
    const renewed = client.peerIdOf(V1, URL);
    socket.fail();
    await vi.advanceTimersByTimeAsync(120_000);
    const next = sockets.at(-1)!;
    expect(next).not.toBe(socket);
    next.open();
    await settle();
    next.receive({ action: 'announce', info_hash: bin(V1), 'failure reason': IN_USE });
    await settle();
    expect(client.peerIdOf(V1, URL)).not.toBe(renewed);
  });

  it(`takes at most ${MAX_PEER_ID_RENEWALS} new ids on a tracker, then shows that it gave up`, async () => {
    const { client, socket, statuses } = await splitSwarm();
    const ids = new Set([client.peerIdOf(V1, URL)]);
    for (let i = 0; i < MAX_PEER_ID_RENEWALS + 5; i++) {
      socket.receive({ action: 'announce', info_hash: V2, 'failure reason': IN_USE });
      await settle();
      // Each claim's reply ends the stale window: the next refusal is a new one.
      socket.receive({ action: 'announce', info_hash: V2, interval: 120, complete: 1, incomplete: 0 });
      ids.add(client.peerIdOf(V1, URL));
    }
    expect(ids.size).toBe(1 + MAX_PEER_ID_RENEWALS);
    const sent = socket.sent.length;
    socket.receive({ action: 'announce', info_hash: V2, 'failure reason': IN_USE });
    await settle();
    expect(socket.sent).toHaveLength(sent);
    expect(client.statuses(V1)[0]).toMatchObject({ state: 'failure', message: peerIdRefusalWords(true) });
    expect(statuses.at(-1)?.status.message).toBe(peerIdRefusalWords(true));
  });

  it('shows any other refusal of the v2 hash as it is, and takes no new id', async () => {
    const { client, socket } = await splitSwarm();
    const id = client.peerIdOf(V1, URL);
    socket.receive({ action: 'announce', info_hash: V2, 'failure reason': 'swarm is full (max 1000 peers)' });
    await settle();
    expect(client.peerIdOf(V1, URL)).toBe(id);
    expect(client.statuses(V1)[0]).toMatchObject({
      state: 'failure',
      message: 'swarm is full (max 1000 peers)',
    });
  });
});

describe('peer ids per torrent and tracker', () => {
  it('gives each torrent on each tracker its own id, and answers no offer from any of them', async () => {
    const { client, sockets, peers } = clientSetup();
    client.wantPeers(V1, 0);
    client.wantPeers(OTHER, 0);
    client.start(V1, [URL, 'ws://two/']);
    client.start(OTHER, [URL]);
    for (const socket of sockets) socket.open();
    await settle();
    const ids = [client.peerIdOf(V1, URL), client.peerIdOf(V1, 'ws://two/'), client.peerIdOf(OTHER, URL)];
    expect(new Set(ids).size).toBe(3);
    expect(sockets[0].sent.map((m) => m.peer_id).sort()).toEqual([ids[0], ids[2]].sort());
    // Our other torrent's offer, relayed to this one (a tracker that joined both swarms): not a peer to meet.
    sockets[0].receive({
      action: 'announce',
      info_hash: bin(V1),
      peer_id: ids[2],
      offer_id: 'O'.repeat(20),
      offer: { type: 'offer', sdp: 'our own' },
    });
    await settle();
    expect(peers.filter((p) => !p.initiator)).toHaveLength(0);
  });
});
