import { describe, expect, it } from 'vitest';
import { binaryToHex } from '../../../shared/codec/tracker-protocol';
import { peerClient } from './peer-client';
import type { Connection, Session } from './socket-session';
import { Tracker, type TrackerOptions } from './tracker';

const HASH_A = 'a'.repeat(20);
const HASH_B = 'b'.repeat(20);

/** A 20-char binary id: a prefix, padded with a character per index, with a byte above 0x7f to keep it binary. */
function id(prefix: string, n = 0): string {
  return (prefix + '\xff' + String.fromCharCode(n) + '_'.repeat(20)).slice(0, 20);
}

/** Seeded PRNG (mulberry32) so the random choices are the same on every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class FakeConnection implements Connection {
  sent: Record<string, unknown>[] = [];
  closedWith: { code: number; reason: string } | null = null;
  deliver(message: object): void {
    this.sent.push(JSON.parse(JSON.stringify(message)));
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }
  take(): Record<string, unknown>[] {
    const all = this.sent;
    this.sent = [];
    return all;
  }
  last(): Record<string, unknown> {
    return this.sent[this.sent.length - 1];
  }
}

function setup(options: TrackerOptions = {}) {
  const tracker = new Tracker({ intervalMs: 10_000, graceMs: 1_000, random: seeded(42), ...options });
  let now = 1_000_000;
  const clients: { conn: FakeConnection; session: Session }[] = [];
  return {
    tracker,
    advance(ms: number) {
      now += ms;
    },
    get now() {
      return now;
    },
    client() {
      const conn = new FakeConnection();
      const entry = { conn, session: tracker.connect(conn, `10.0.0.${clients.length % 200}`, now)! };
      clients.push(entry);
      return entry;
    },
    send(client: { session: Session }, message: object) {
      tracker.receive(client.session, JSON.stringify(message), now);
    },
  };
}

function offers(n: number, tag = 'o') {
  return Array.from({ length: n }, (_, i) => ({
    offer: { type: 'offer', sdp: `sdp-${tag}-${i}` },
    offer_id: id(tag, i),
  }));
}

describe('Tracker announce', () => {
  it('counts seeders and leechers through started, update, completed and stopped', () => {
    const t = setup();
    const seeder = t.client();
    const leecher = t.client();
    t.send(seeder, { action: 'announce', info_hash: HASH_A, peer_id: id('s'), event: 'started', left: 0 });
    expect(seeder.conn.last()).toEqual({
      action: 'announce',
      info_hash: HASH_A,
      interval: 10,
      complete: 1,
      incomplete: 0,
    });
    t.send(leecher, { action: 'announce', info_hash: HASH_A, peer_id: id('l'), event: 'started', left: 500 });
    expect(leecher.conn.last()).toMatchObject({ complete: 1, incomplete: 1 });
    t.send(leecher, { action: 'announce', info_hash: HASH_A, peer_id: id('l'), left: 100, uploaded: 5 });
    expect(leecher.conn.last()).toMatchObject({ complete: 1, incomplete: 1 });
    t.send(leecher, { action: 'announce', info_hash: HASH_A, peer_id: id('l'), event: 'completed', left: 0 });
    expect(leecher.conn.last()).toMatchObject({ complete: 2, incomplete: 0 });
    t.send(seeder, { action: 'announce', info_hash: HASH_A, peer_id: id('s'), event: 'stopped' });
    expect(seeder.conn.last()).toMatchObject({ complete: 1, incomplete: 0 });
    expect(t.tracker.peerCount).toBe(1);
    t.send(leecher, { action: 'announce', info_hash: HASH_A, peer_id: id('l'), event: 'stopped' });
    expect(t.tracker.swarmCount).toBe(0);
    expect(t.tracker.peerCount).toBe(0);
  });

  it('treats unknown left (null, absent) as a leecher and a repeated started as an update', () => {
    const t = setup();
    const c = t.client();
    t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('p'), event: 'started', left: null });
    expect(c.conn.last()).toMatchObject({ complete: 0, incomplete: 1 });
    t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('p'), event: 'started', left: 0 });
    expect(c.conn.last()).toMatchObject({ complete: 1, incomplete: 0 });
    expect(t.tracker.peerCount).toBe(1);
  });

  it('keeps one socket in many swarms and stops them all when it closes', () => {
    const t = setup();
    const c = t.client();
    const other = t.client();
    t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('p'), event: 'started', left: 0 });
    t.send(c, { action: 'announce', info_hash: HASH_B, peer_id: id('p'), event: 'started', left: 9 });
    t.send(other, { action: 'announce', info_hash: HASH_B, peer_id: id('q'), event: 'started', left: 9 });
    expect(t.tracker.swarmCount).toBe(2);
    const removed: string[] = [];
    t.tracker.onRemoval((infoHash, peerId, reason) => removed.push(`${infoHash[0]}:${peerId[0]}:${reason}`));
    t.tracker.disconnect(c.session);
    expect(removed.sort()).toEqual(['a:p:closed', 'b:p:closed']);
    expect(t.tracker.swarmCount).toBe(1);
    t.send(other, { action: 'announce', info_hash: HASH_B, peer_id: id('q') });
    expect(other.conn.last()).toMatchObject({ complete: 0, incomplete: 1 });
  });

  it('forgets only the swarm a connection stopped in, whichever of its swarms that is', () => {
    const hashes = ['c', 'd', 'e', 'f'].map((ch) => ch.repeat(20));
    for (const stopIndex of [0, 1, 3]) {
      const t = setup({ limits: { maxSwarmsPerConnection: 4 } });
      const c = t.client();
      for (const hash of hashes) {
        t.send(c, { action: 'announce', info_hash: hash, peer_id: id('p'), event: 'started', left: 1 });
      }
      expect(c.session.peerCount).toBe(4);
      t.send(c, { action: 'announce', info_hash: hashes[stopIndex], peer_id: id('p'), event: 'stopped' });
      expect(c.session.peerCount).toBe(3);
      expect(
        c.session
          .peers()
          .map((p) => p.infoHash[0])
          .sort(),
      ).toEqual(hashes.filter((_, i) => i !== stopIndex).map((h) => h[0]));
      // The freed slot can be used again; the limit still counts the others.
      t.send(c, { action: 'announce', info_hash: 'g'.repeat(20), peer_id: id('p'), event: 'started' });
      t.send(c, { action: 'announce', info_hash: 'h'.repeat(20), peer_id: id('p'), event: 'started' });
      expect(c.conn.last()['failure reason']).toMatch(/too many swarms/);
      const removed: string[] = [];
      t.tracker.onRemoval((infoHash) => removed.push(infoHash[0]));
      t.tracker.disconnect(c.session);
      expect(removed.sort()).toEqual(
        [...hashes.filter((_, i) => i !== stopIndex).map((h) => h[0]), 'g'].sort(),
      );
      expect(t.tracker.peerCount).toBe(0);
      expect(t.tracker.connectionCount).toBe(0);
    }
  });

  it('refuses a peer id that another connection holds in the same swarm', () => {
    const t = setup();
    const a = t.client();
    const b = t.client();
    t.send(a, { action: 'announce', info_hash: HASH_A, peer_id: id('p'), event: 'started', left: 0 });
    t.send(b, { action: 'announce', info_hash: HASH_A, peer_id: id('p'), event: 'stopped' });
    expect(b.conn.last()['failure reason']).toMatch(/in use/);
    expect(t.tracker.peerCount).toBe(1);
  });

  it('answers a stopped from an unknown peer without creating a swarm', () => {
    const t = setup();
    const c = t.client();
    t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('p'), event: 'stopped' });
    expect(c.conn.last()).toMatchObject({ complete: 0, incomplete: 0, info_hash: HASH_A });
    expect(t.tracker.swarmCount).toBe(0);
  });
});

describe('Tracker offers and answers', () => {
  it('forwards each offer to a different random peer, never the sender', () => {
    const t = setup();
    const peers = Array.from({ length: 6 }, (_, i) => {
      const c = t.client();
      t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('p', i), event: 'started', left: 1 });
      c.conn.take();
      return c;
    });
    for (let round = 0; round < 20; round++) {
      const sender = peers[round % peers.length];
      t.send(sender, {
        action: 'announce',
        info_hash: HASH_A,
        peer_id: id('p', round % peers.length),
        numwant: 3,
        offers: offers(3, `r${round}`),
      });
      expect(sender.conn.take()).toHaveLength(1); // only its own announce reply
      const received = peers.flatMap((c) => c.conn.take());
      expect(received).toHaveLength(3);
      const offerIds = new Set(received.map((m) => m.offer_id));
      expect(offerIds.size).toBe(3);
      const receivers = peers.filter((c) => c.conn.sent.length === 0);
      expect(receivers.length).toBe(peers.length); // everyone drained
      for (const message of received) {
        expect(message).toMatchObject({ action: 'announce', info_hash: HASH_A, peer_id: id('p', round % 6) });
        expect(message).not.toHaveProperty('to_peer_id');
      }
    }
  });

  it('delivers no more offers than there are other peers', () => {
    const t = setup();
    const a = t.client();
    const b = t.client();
    t.send(b, { action: 'announce', info_hash: HASH_A, peer_id: id('b'), event: 'started', left: 0 });
    t.send(a, {
      action: 'announce',
      info_hash: HASH_A,
      peer_id: id('a'),
      event: 'started',
      offers: offers(5),
    });
    const got = b.conn.sent.filter((m) => m.offer);
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual({
      action: 'announce',
      offer: { type: 'offer', sdp: expect.stringMatching(/^sdp-o-/) },
      offer_id: expect.any(String),
      peer_id: id('a'),
      info_hash: HASH_A,
    });
    expect(a.conn.sent.filter((m) => m.offer)).toHaveLength(0);
  });

  it('chooses every other peer over many rounds (random spread)', () => {
    const t = setup();
    const clients = Array.from({ length: 5 }, (_, i) => {
      const c = t.client();
      t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('p', i), event: 'started' });
      return c;
    });
    const hits = new Map<number, number>();
    for (let round = 0; round < 200; round++) {
      t.advance(100); // stay under the per-second message limit
      t.send(clients[0], { action: 'announce', info_hash: HASH_A, peer_id: id('p', 0), offers: offers(1) });
      clients.forEach((c, i) => {
        const n = c.conn.take().filter((m) => m.offer).length;
        if (n) hits.set(i, (hits.get(i) ?? 0) + n);
      });
    }
    expect(hits.has(0)).toBe(false);
    expect([...hits.keys()].sort()).toEqual([1, 2, 3, 4]);
    for (const count of hits.values()) expect(count).toBeGreaterThan(20);
    expect(clients[0].conn.closedWith).toBeNull();
  });

  it('relays an answer to the offering peer only within the swarm', () => {
    const t = setup();
    const a = t.client();
    const b = t.client();
    const outsider = t.client();
    t.send(a, { action: 'announce', info_hash: HASH_A, peer_id: id('a'), event: 'started' });
    t.send(b, { action: 'announce', info_hash: HASH_A, peer_id: id('b'), event: 'started' });
    t.send(outsider, { action: 'announce', info_hash: HASH_B, peer_id: id('x'), event: 'started' });
    t.send(a, {
      action: 'announce',
      info_hash: HASH_A,
      peer_id: id('a'),
      numwant: 1,
      offers: [offers(1)[0]],
    });
    expect(b.conn.sent.at(-1)).toMatchObject({ offer_id: id('o'), peer_id: id('a') });
    a.conn.take();
    b.conn.take();
    outsider.conn.take();
    const answer = { type: 'answer', sdp: 'sdp-answer' };
    t.send(b, {
      action: 'announce',
      info_hash: HASH_A,
      peer_id: id('b'),
      to_peer_id: id('a'),
      answer,
      offer_id: id('o'),
    });
    expect(a.conn.take()).toEqual([
      { action: 'announce', answer, offer_id: id('o'), peer_id: id('b'), info_hash: HASH_A },
    ]);
    expect(b.conn.take()).toEqual([]); // no reply for an answer

    // The outsider is in another swarm: it may not answer into swarm A, nor reach A through swarm B.
    t.send(outsider, {
      action: 'announce',
      info_hash: HASH_A,
      peer_id: id('x'),
      to_peer_id: id('a'),
      answer,
      offer_id: id('o'),
    });
    t.send(outsider, {
      action: 'announce',
      info_hash: HASH_B,
      peer_id: id('x'),
      to_peer_id: id('a'),
      answer,
      offer_id: id('o'),
    });
    expect(a.conn.take()).toEqual([]);
    const failures = outsider.conn.take().map((m) => m['failure reason']);
    expect(failures).toEqual([
      expect.stringMatching(/not announced/),
      expect.stringMatching(/answer to no offer/),
    ]);

    // Nor may a connection answer in the name of a peer it does not own.
    t.send(outsider, {
      action: 'announce',
      info_hash: HASH_A,
      peer_id: id('b'),
      to_peer_id: id('a'),
      answer,
      offer_id: id('o'),
    });
    expect(a.conn.take()).toEqual([]);
    expect(outsider.conn.take()[0]['failure reason']).toMatch(/not announced/);
  });
});

describe('Tracker limits', () => {
  it('rejects more offers than the limit and changes nothing', () => {
    const t = setup({ limits: { maxOffersPerAnnounce: 3 } });
    const a = t.client();
    const b = t.client();
    t.send(b, { action: 'announce', info_hash: HASH_A, peer_id: id('b'), event: 'started' });
    b.conn.take();
    t.send(a, {
      action: 'announce',
      info_hash: HASH_A,
      peer_id: id('a'),
      event: 'started',
      offers: offers(4),
    });
    expect(a.conn.last()).toMatchObject({ action: 'announce', info_hash: HASH_A });
    expect(a.conn.last()['failure reason']).toMatch(/too many offers: 4 \(max 3\)/);
    expect(b.conn.sent).toEqual([]);
    expect(t.tracker.peerCount).toBe(1);
  });

  it('caps the offers limit at 10 whatever is configured', () => {
    const t = setup({ limits: { maxOffersPerAnnounce: 50, maxNumwant: 50 } });
    expect(t.tracker.limits.maxOffersPerAnnounce).toBe(10);
    const a = t.client();
    t.send(a, { action: 'announce', info_hash: HASH_A, peer_id: id('a'), offers: offers(11) });
    expect(a.conn.last()['failure reason']).toMatch(/max 10/);
  });

  it('forwards no more offers than numwant (clamped)', () => {
    const t = setup({ limits: { maxNumwant: 2 } });
    const receivers = Array.from({ length: 5 }, (_, i) => {
      const c = t.client();
      t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('r', i) });
      c.conn.take();
      return c;
    });
    const a = t.client();
    t.send(a, { action: 'announce', info_hash: HASH_A, peer_id: id('a'), numwant: 50, offers: offers(5) });
    expect(receivers.flatMap((c) => c.conn.take())).toHaveLength(2);
  });

  it('limits swarms per connection', () => {
    const t = setup({ limits: { maxSwarmsPerConnection: 2 } });
    const c = t.client();
    t.send(c, { action: 'announce', info_hash: id('h', 1), peer_id: id('p') });
    t.send(c, { action: 'announce', info_hash: id('h', 2), peer_id: id('p') });
    t.send(c, { action: 'announce', info_hash: id('h', 3), peer_id: id('p') });
    expect(c.conn.last()['failure reason']).toMatch(/too many swarms on this connection \(max 2\)/);
    expect(t.tracker.swarmCount).toBe(2);
    // Leaving one makes room again.
    t.send(c, { action: 'announce', info_hash: id('h', 1), peer_id: id('p'), event: 'stopped' });
    t.send(c, { action: 'announce', info_hash: id('h', 3), peer_id: id('p') });
    expect(c.conn.last()).toMatchObject({ complete: 0, incomplete: 1 });
  });

  it('limits peers per swarm', () => {
    const t = setup({ limits: { maxPeersPerSwarm: 3 } });
    for (let i = 0; i < 3; i++)
      t.send(t.client(), { action: 'announce', info_hash: HASH_A, peer_id: id('p', i) });
    const late = t.client();
    t.send(late, { action: 'announce', info_hash: HASH_A, peer_id: id('p', 9) });
    expect(late.conn.last()['failure reason']).toMatch(/swarm is full \(max 3 peers\)/);
    expect(t.tracker.peerCount).toBe(3);
  });

  it('closes a connection that sends more messages per second than allowed', () => {
    const t = setup({ limits: { maxMessagesPerSecond: 5 } });
    const c = t.client();
    t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('p') });
    for (let i = 0; i < 4; i++) t.send(c, { action: 'scrape' });
    expect(c.conn.closedWith).toBeNull();
    t.advance(1000);
    for (let i = 0; i < 5; i++) t.send(c, { action: 'scrape' });
    expect(c.conn.closedWith).toBeNull();
    t.send(c, { action: 'scrape' });
    expect(c.conn.last()['failure reason']).toMatch(/rate limit/);
    expect(c.conn.closedWith).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    expect(t.tracker.peerCount).toBe(0); // its peers left with it
    expect(t.tracker.counters.connectionsClosedForAbuse).toBe(1);
  });
});

describe('Tracker expiry', () => {
  it('drops a peer after two intervals plus the grace, keeps one that announces', () => {
    const t = setup({ intervalMs: 10_000, graceMs: 1_000 });
    const quiet = t.client();
    const chatty = t.client();
    t.send(quiet, { action: 'announce', info_hash: HASH_A, peer_id: id('q'), left: 0 });
    t.send(chatty, { action: 'announce', info_hash: HASH_A, peer_id: id('c'), left: 1 });
    const expired: string[] = [];
    t.tracker.onRemoval((_h, peerId, reason) => expired.push(`${peerId[0]}:${reason}`));
    for (let step = 0; step < 3; step++) {
      t.advance(7_000);
      t.send(chatty, { action: 'announce', info_hash: HASH_A, peer_id: id('c'), left: 1 });
      expect(t.tracker.expire(t.now)).toBe(0);
    }
    t.advance(1_000); // 22 s since the quiet peer's announce: past 2 × 10 s + 1 s
    expect(t.tracker.expire(t.now)).toBe(1);
    expect(expired).toEqual(['q:expired']);
    t.send(chatty, { action: 'announce', info_hash: HASH_A, peer_id: id('c'), left: 1 });
    expect(chatty.conn.last()).toMatchObject({ complete: 0, incomplete: 1 });
    // The expired peer's connection may come back.
    t.send(quiet, { action: 'announce', info_hash: HASH_A, peer_id: id('q'), left: 0 });
    expect(quiet.conn.last()).toMatchObject({ complete: 1, incomplete: 1 });
    t.advance(100_000);
    expect(t.tracker.expire(t.now)).toBe(2);
    expect(t.tracker.swarmCount).toBe(0);
    expect(quiet.session.peerCount).toBe(0);
  });
});

describe('Tracker scrape and stats', () => {
  it('scrapes one and many swarms, and refuses to list them all', () => {
    const t = setup();
    const c = t.client();
    t.send(c, { action: 'announce', info_hash: HASH_A, peer_id: id('p'), left: 0 });
    t.send(c, { action: 'announce', info_hash: HASH_B, peer_id: id('p'), left: 5 });
    t.send(c, { action: 'announce', info_hash: HASH_B, peer_id: id('p'), event: 'completed', left: 0 });
    const unknown = id('u');
    t.send(c, { action: 'scrape', info_hash: HASH_A });
    expect(c.conn.last()).toEqual({
      action: 'scrape',
      files: { [HASH_A]: { complete: 1, incomplete: 0, downloaded: 0 } },
      flags: { min_request_interval: 10 },
    });
    t.send(c, { action: 'scrape', info_hash: [HASH_B, unknown] });
    expect(c.conn.last().files).toEqual({
      [HASH_B]: { complete: 1, incomplete: 0, downloaded: 1 },
      [unknown]: { complete: 0, incomplete: 0, downloaded: 0 },
    });
    t.send(c, { action: 'scrape' });
    expect(c.conn.last()).toEqual({
      action: 'scrape',
      'failure reason': 'scrape needs info_hash: this tracker does not list its swarms',
    });
  });

  it('reports every swarm and peer in stats', () => {
    const t = setup();
    const c = t.client();
    const peerId = '-WW0300-' + 'x'.repeat(12);
    t.send(c, {
      action: 'announce',
      info_hash: HASH_A,
      peer_id: peerId,
      event: 'started',
      left: 10,
      uploaded: 3,
      downloaded: 7,
    });
    const stats = t.tracker.stats(peerClient);
    expect(stats).toMatchObject({ swarmCount: 1, peerCount: 1, seeders: 0, leechers: 1, connections: 1 });
    expect(stats.swarms).toEqual([
      {
        infoHash: binaryToHex(HASH_A),
        complete: 0,
        incomplete: 1,
        downloaded: 0,
        peers: [
          {
            peerId: binaryToHex(peerId),
            client: 'WebTorrent 0300',
            role: 'leecher',
            left: 10,
            uploaded: 3,
            downloaded: 7,
            lastAnnounce: t.now,
          },
        ],
      },
    ]);
  });

  it('names clients from Azureus-style peer id prefixes', () => {
    expect(peerClient('-WW0300-abcdefghijkl')).toBe('WebTorrent 0300');
    expect(peerClient('-qB4650-abcdefghijkl')).toBe('qBittorrent 4650');
    expect(peerClient('-ZZ0001-abcdefghijkl')).toBe('Unknown (ZZ 0001)');
    expect(peerClient('M7-2-2--abcdefghijkl')).toBe('Unknown');
  });
});

describe('Tracker against abuse', () => {
  const announce = (peerId: string, extra: object = {}) => ({
    action: 'announce',
    info_hash: HASH_A,
    peer_id: peerId,
    event: 'started',
    left: 1,
    ...extra,
  });
  const answerTo = (from: string, to: string, offerId: string) => ({
    action: 'announce',
    info_hash: HASH_A,
    peer_id: from,
    to_peer_id: to,
    offer_id: offerId,
    answer: { type: 'answer', sdp: 'sdp-answer' },
  });

  it('refuses a second peer id from one connection in one swarm, and keeps the first', () => {
    const t = setup();
    const sybil = t.client();
    t.send(sybil, announce(id('s', 0)));
    for (let i = 1; i < 5; i++) t.send(sybil, announce(id('s', i)));
    expect(
      sybil.conn
        .take()
        .slice(1)
        .map((m) => m['failure reason']),
    ).toEqual(Array(4).fill('this connection already has another peer_id in this swarm'));
    expect(t.tracker.peerCount).toBe(1);
    // The same id in another swarm is fine.
    t.send(sybil, { ...announce(id('s', 0)), info_hash: HASH_B });
    expect(sybil.conn.last()).toMatchObject({ action: 'announce', info_hash: HASH_B });
    expect(t.tracker.peerCount).toBe(2);
  });

  it('relays an answer only once, only from the connection the offer went to, only to its offerer', () => {
    const t = setup();
    const [victim, member, other] = [t.client(), t.client(), t.client()];
    t.send(victim, announce(id('v')));
    t.send(member, announce(id('m')));
    // A member answers an offer it was never sent: refused.
    t.send(member, answerTo(id('m'), id('v'), id('forged')));
    expect(member.conn.last()['failure reason']).toMatch(/answer to no offer/);
    expect(victim.conn.take().filter((m) => m.answer)).toEqual([]);
    // The victim offers to the member (the only other peer).
    t.send(victim, announce(id('v'), { numwant: 1, offers: [offers(1, 'g')[0]] }));
    const offerId = member.conn.last().offer_id as string;
    t.send(other, announce(id('x')));
    // Another member replays that offer id: refused, it was not sent that offer.
    t.send(other, answerTo(id('x'), id('v'), offerId));
    expect(other.conn.last()['failure reason']).toMatch(/answer to no offer/);
    // The right answer goes through, once.
    t.send(member, answerTo(id('m'), id('v'), offerId));
    expect(victim.conn.take().filter((m) => m.answer)).toHaveLength(1);
    t.send(member, answerTo(id('m'), id('v'), offerId));
    expect(member.conn.last()['failure reason']).toMatch(/answer to no offer/);
    expect(victim.conn.take().filter((m) => m.answer)).toEqual([]);
    expect(t.tracker.counters.answersRelayed).toBe(1);
    expect(t.tracker.counters.answersRefused).toBe(3);
  });

  it("forgets an offer after its lifetime and keeps at most a sender's share (a quarter) per connection", () => {
    const t = setup({ offerTtlMs: 50_000, limits: { maxPendingOffersPerConnection: 12 } });
    const [offerer, answerer] = [t.client(), t.client()];
    t.send(offerer, announce(id('o')));
    t.send(answerer, announce(id('a')));
    t.send(offerer, announce(id('o'), { numwant: 1, offers: [offers(1, 'late')[0]] }));
    t.advance(50_000);
    t.send(answerer, answerTo(id('a'), id('o'), id('late', 0)));
    expect(answerer.conn.last()['failure reason']).toMatch(/answer to no offer/);
    for (let i = 0; i < 5; i++)
      t.send(offerer, announce(id('o'), { numwant: 1, offers: [offers(1, `n${i}`)[0]] }));
    expect(t.tracker.counters.offersRelayed).toBe(6);
    expect(answerer.session.pending!.size).toBe(3);
    // The two oldest were forgotten; the three newest can be answered.
    for (let i = 0; i < 5; i++) t.send(answerer, answerTo(id('a'), id('o'), id(`n${i}`, 0)));
    expect(t.tracker.counters.answersRelayed).toBe(3);
    expect(answerer.session.pending!.size).toBe(0);
  });

  it("evicts only the sender's own pending offers, never another's, and sends an offer that does not fit elsewhere", () => {
    const t = setup({ limits: { maxPendingOffersPerConnection: 8, maxOffersPerSecondPerSender: 100 } });
    const answerer = t.client();
    t.send(answerer, announce(id('a')));
    const genuine = t.client();
    t.send(genuine, announce(id('g')));
    t.send(genuine, announce(id('g'), { numwant: 1, offers: offers(1, 'real') }));
    expect(answerer.conn.take().filter((m) => m.offer)).toHaveLength(1);
    // Flooders from other addresses fill the rest of the list; a second honest peer is the other candidate.
    const flooders = Array.from({ length: 12 }, () => t.client());
    flooders.forEach((f, n) => t.send(f, announce(id('f', n))));
    for (const [n, f] of flooders.entries()) {
      t.advance(1); // the answerer's swarm has 14 peers: keep the target random but the list full
      t.send(f, announce(id('f', n), { numwant: 10, offers: offers(10, `f${n}`) }));
    }
    expect(answerer.session.pending!.size).toBe(8);
    expect(t.tracker.counters.offersDropped).toBeGreaterThan(0);
    // The genuine offer is still there to answer.
    t.send(answerer, answerTo(id('a'), id('g'), id('real', 0)));
    expect(t.tracker.counters.answersRelayed).toBe(1);
    expect(genuine.conn.take().filter((m) => m.answer)).toHaveLength(1);
  });

  it('limits bytes per second per connection and per address, counting the frame as it came', () => {
    const t = setup({ limits: { maxBytesPerSecond: 1_000, maxBytesPerSecondPerAddress: 1_500 } });
    const conns = Array.from({ length: 3 }, () => new FakeConnection());
    const sessions = conns.map((conn) => t.tracker.connect(conn, '203.0.113.9', t.now)!);
    const scrape = JSON.stringify({ action: 'scrape', info_hash: HASH_A });
    // 600 bytes on each of two connections: within each one's 1000, over the address's 1500 at the third.
    t.tracker.receive(sessions[0], scrape, t.now, 600);
    t.tracker.receive(sessions[1], scrape, t.now, 600);
    expect(conns.map((c) => c.closedWith)).toEqual([null, null, null]);
    t.tracker.receive(sessions[2], scrape, t.now, 600);
    expect(conns[2].closedWith).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    expect(conns[2].sent.map((m) => m['failure reason'])).toContain(
      'rate limit exceeded: over 1500 bytes per second from this address',
    );
    // One connection over its own 1000 (the next second, the address's window starts again).
    t.advance(1_000);
    t.tracker.receive(sessions[0], scrape, t.now, 600);
    t.tracker.receive(sessions[0], scrape, t.now, 600);
    expect(conns[0].sent.map((m) => m['failure reason'])).toContain(
      'rate limit exceeded: over 1000 bytes per second',
    );
    expect(conns[1].closedWith).toBeNull();
  });

  it('relays at most the per-recipient offers per second, from all senders together; more go to other peers', () => {
    const t = setup({ limits: { maxOffersPerSecondPerRecipient: 3 } });
    const popular = t.client();
    t.send(popular, announce(id('p')));
    const senders = Array.from({ length: 6 }, () => t.client());
    senders.forEach((c, n) => t.send(c, announce(id('s', n))));
    for (const c of senders) c.conn.take();
    // Six senders, each with an offer for every other peer: six offers for the popular one in one second.
    for (const [n, c] of senders.entries())
      t.send(c, announce(id('s', n), { numwant: 6, offers: offers(6, `s${n}`) }));
    const toPopular = popular.conn.take().filter((m) => m.offer);
    expect(toPopular).toHaveLength(3);
    t.advance(1_000);
    t.send(senders[0], announce(id('s', 0), { numwant: 6, offers: offers(6, 'later') }));
    expect(popular.conn.take().filter((m) => m.offer)).toHaveLength(1);
  });

  it('limits connections per address and messages per second per address', () => {
    const t = setup({ limits: { maxConnectionsPerAddress: 3, maxMessagesPerSecondPerAddress: 10 } });
    const conns = Array.from({ length: 4 }, () => new FakeConnection());
    const sessions = conns.map((conn) => t.tracker.connect(conn, '203.0.113.7', t.now));
    expect(sessions.map((s) => s !== null)).toEqual([true, true, true, false]);
    expect(t.tracker.acceptsConnectionFrom('203.0.113.7')).toBe(false);
    expect(t.tracker.acceptsConnectionFrom('203.0.113.8')).toBe(true);
    expect(t.tracker.counters.connectionsRefused).toBe(1);
    // Eleven messages in a second from three connections of one address: the eleventh closes its sender.
    for (let i = 0; i < 11; i++)
      t.tracker.receive(sessions[i % 3]!, JSON.stringify({ action: 'scrape', info_hash: HASH_A }), t.now);
    const closed = conns.filter((c) => c.closedWith !== null);
    expect(closed).toHaveLength(1);
    expect(closed[0].closedWith).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    expect(closed[0].last()['failure reason']).toMatch(/from this address/);
    // A closed connection frees its place; the table forgets an address with no connections.
    expect(t.tracker.acceptsConnectionFrom('203.0.113.7')).toBe(true);
    for (const session of sessions) if (session) t.tracker.disconnect(session);
    expect(t.tracker.addressCount).toBe(0);
  });

  it('closes a connection that has not announced within the deadline, and only that one', () => {
    const t = setup({ announceDeadlineMs: 30_000 });
    const silent = t.client();
    const scraper = t.client();
    const honest = t.client();
    t.send(scraper, { action: 'scrape', info_hash: HASH_A });
    t.send(honest, announce(id('h')));
    t.advance(29_999);
    expect(t.tracker.closeSilent(t.now)).toBe(0);
    t.advance(1);
    expect(t.tracker.closeSilent(t.now)).toBe(2);
    expect(silent.conn.closedWith).toEqual({ code: 1008, reason: 'no announce within 30 s' });
    expect(scraper.conn.closedWith).not.toBeNull();
    expect(honest.conn.closedWith).toBeNull();
    expect(t.tracker.connectionCount).toBe(1);
    expect(t.tracker.counters.connectionsClosedSilent).toBe(2);
  });

  it('shows totals without any info hash or peer id', () => {
    const t = setup();
    const c = t.client();
    t.send(c, announce('-WW0300-' + 'x'.repeat(12)));
    const totals = JSON.stringify(t.tracker.totals());
    expect(totals).not.toContain(HASH_A);
    expect(totals).not.toContain(binaryToHex(HASH_A));
    expect(JSON.parse(totals)).toMatchObject({ swarmCount: 1, peerCount: 1, clients: { WebTorrent: 1 } });
  });
});

describe('Tracker aliases (a hybrid torrent: one swarm under its v1 and v2 hashes)', () => {
  const V1 = 'v'.repeat(19) + '\xf1';
  const V2 = 'w'.repeat(19) + '\xf2';
  const GARBAGE = 'g'.repeat(19) + '\xf3';

  /** A v1-only peer (WebTorrent), a v2-only peer (a btmh magnet), each waiting in its own swarm. */
  function twoSwarms() {
    const t = setup();
    const v1 = t.client();
    const v2 = t.client();
    t.send(v1, { action: 'announce', info_hash: V1, peer_id: id('one'), event: 'started', left: 9 });
    t.send(v2, { action: 'announce', info_hash: V2, peer_id: id('two'), event: 'started', left: null });
    expect(t.tracker.swarmCount).toBe(2);
    v1.conn.take();
    v2.conn.take();
    return { t, v1, v2 };
  }

  it('binds on a seeder announce: offers reach peers of both hashes, each under its own, and answers go back', () => {
    const { t, v1, v2 } = twoSwarms();
    const seeder = t.client();
    t.send(seeder, {
      action: 'announce',
      info_hash: V1,
      info_hash_alias: V2,
      peer_id: id('seed'),
      event: 'started',
      left: 0,
      numwant: 2,
      offers: offers(2, 's'),
    });
    expect(t.tracker.swarmCount).toBe(1);
    expect(t.tracker.counters.aliasesBound).toBe(1);
    expect(seeder.conn.take()).toEqual([
      { action: 'announce', info_hash: V1, interval: 10, complete: 1, incomplete: 2, info_hash_alias: V2 },
    ]);
    const toV1 = v1.conn.take();
    const toV2 = v2.conn.take();
    expect(toV1).toEqual([expect.objectContaining({ info_hash: V1, peer_id: id('seed') })]);
    expect(toV2).toEqual([expect.objectContaining({ info_hash: V2, peer_id: id('seed') })]);
    // The v2 peer answers under its hash; the seeder gets the answer under the one it offered with.
    t.send(v2, {
      action: 'announce',
      info_hash: V2,
      peer_id: id('two'),
      to_peer_id: id('seed'),
      offer_id: toV2[0].offer_id,
      answer: { type: 'answer', sdp: 'from two' },
    });
    expect(seeder.conn.take()).toEqual([
      {
        action: 'announce',
        answer: { type: 'answer', sdp: 'from two' },
        offer_id: toV2[0].offer_id,
        peer_id: id('two'),
        info_hash: V1,
      },
    ]);
    // The v2 peer's own offer reaches the v1 peer under V1; its answer goes back under V2.
    t.send(v2, { action: 'announce', info_hash: V2, peer_id: id('two'), numwant: 2, offers: offers(2, 't') });
    expect(v2.conn.take()).toEqual([
      { action: 'announce', info_hash: V2, interval: 10, complete: 1, incomplete: 2, info_hash_alias: V1 },
    ]);
    const offerToV1 = v1.conn.take().find((m) => m.peer_id === id('two'))!;
    expect(offerToV1.info_hash).toBe(V1);
    t.send(v1, {
      action: 'announce',
      info_hash: V1,
      peer_id: id('one'),
      to_peer_id: id('two'),
      offer_id: offerToV1.offer_id,
      answer: { type: 'answer', sdp: 'from one' },
    });
    expect(v2.conn.take()).toEqual([expect.objectContaining({ info_hash: V2, peer_id: id('one') })]);
  });

  it('gives the same counts under both hashes in announces and scrapes, and drops the alias with the swarm', () => {
    const { t, v1, v2 } = twoSwarms();
    const seeder = t.client();
    t.send(seeder, { action: 'announce', info_hash: V1, info_hash_alias: V2, peer_id: id('seed'), left: 0 });
    t.send(v1, { action: 'scrape', info_hash: [V1, V2] });
    expect(v1.conn.last()).toMatchObject({
      files: {
        [V1]: { complete: 1, incomplete: 2, downloaded: 0 },
        [V2]: { complete: 1, incomplete: 2, downloaded: 0 },
      },
    });
    t.send(v2, { action: 'announce', info_hash: V2, peer_id: id('two'), event: 'completed', left: 0 });
    expect(v2.conn.last()).toMatchObject({ complete: 2, incomplete: 1 });
    t.send(v1, { action: 'scrape', info_hash: [V1, V2] });
    expect(v1.conn.last()).toMatchObject({
      files: {
        [V1]: { complete: 2, incomplete: 1, downloaded: 1 },
        [V2]: { complete: 2, incomplete: 1, downloaded: 1 },
      },
    });
    const [stats] = t.tracker.swarmStats(peerClient);
    expect([stats.infoHash, stats.alias].sort()).toEqual([binaryToHex(V1), binaryToHex(V2)].sort());
    expect(t.tracker.totals()).toMatchObject({ swarmCount: 1, peerCount: 3, seeders: 2 });
    // Every peer leaves: the swarm and its alias go, and either hash can be bound anew.
    for (const [client, peerId, hash] of [
      [v1, id('one'), V1],
      [v2, id('two'), V2],
      [seeder, id('seed'), V1],
    ] as const)
      t.send(client, { action: 'announce', info_hash: hash, peer_id: peerId, event: 'stopped' });
    expect(t.tracker.swarmCount).toBe(0);
    t.send(v2, { action: 'announce', info_hash: V2, info_hash_alias: GARBAGE, peer_id: id('two'), left: 0 });
    expect(v2.conn.last()).toMatchObject({ info_hash: V2, info_hash_alias: GARBAGE });
  });

  it('expires the peers of both hashes in the order they announced', () => {
    const { t, v1 } = twoSwarms();
    t.advance(5_000);
    const seeder = t.client();
    t.send(seeder, { action: 'announce', info_hash: V1, info_hash_alias: V2, peer_id: id('seed'), left: 0 });
    t.advance(5_000);
    t.send(v1, { action: 'announce', info_hash: V1, peer_id: id('one'), left: 9 });
    // The v2 peer is the only one silent past the timeout (21 s).
    t.advance(15_500);
    expect(t.tracker.expire(t.now)).toBe(1);
    expect(t.tracker.totals()).toMatchObject({ swarmCount: 1, peerCount: 2 });
    t.advance(5_000);
    expect(t.tracker.expire(t.now)).toBe(1);
    t.advance(5_000);
    expect(t.tracker.expire(t.now)).toBe(1);
    expect(t.tracker.swarmCount).toBe(0);
  });

  it('binds a hash at most once: a later claim of another alias for either hash changes nothing', () => {
    const { t, v1, v2 } = twoSwarms();
    const seeder = t.client();
    t.send(seeder, { action: 'announce', info_hash: V1, info_hash_alias: V2, peer_id: id('seed'), left: 0 });
    const attacker = t.client();
    const stranger = t.client();
    t.send(stranger, { action: 'announce', info_hash: GARBAGE, peer_id: id('x'), left: 9 });
    // Rebinding V1 to the stranger's swarm, or the stranger's swarm to V2: both refused.
    t.send(attacker, {
      action: 'announce',
      info_hash: V1,
      info_hash_alias: GARBAGE,
      peer_id: id('a'),
      left: 9,
    });
    t.send(attacker, {
      action: 'announce',
      info_hash: GARBAGE,
      info_hash_alias: V2,
      peer_id: id('a'),
      left: 9,
    });
    expect(t.tracker.counters.aliasesRefused).toBe(2);
    expect(t.tracker.swarmCount).toBe(2);
    expect(attacker.conn.take()).toEqual([
      { action: 'announce', info_hash: V1, interval: 10, complete: 1, incomplete: 3, info_hash_alias: V2 },
      { action: 'announce', info_hash: GARBAGE, interval: 10, complete: 0, incomplete: 2 },
    ]);
    t.send(stranger, { action: 'scrape', info_hash: GARBAGE });
    expect(stranger.conn.last()).toMatchObject({ files: { [GARBAGE]: { complete: 0, incomplete: 2 } } });
    // The same claim again is no refusal: it is the binding.
    t.send(v1, { action: 'announce', info_hash: V1, info_hash_alias: V2, peer_id: id('one'), left: 9 });
    t.send(v2, { action: 'announce', info_hash: V2, info_hash_alias: V1, peer_id: id('two'), left: 9 });
    expect(t.tracker.counters.aliasesRefused).toBe(2);
  });

  it('refuses to bind two swarms that share a peer id, so a claim cannot evict or take over a peer', () => {
    const { t, v2 } = twoSwarms();
    // The attacker announces the v2 peer's id in another swarm, then binds that swarm to V2.
    const attacker = t.client();
    t.send(attacker, {
      action: 'announce',
      info_hash: GARBAGE,
      info_hash_alias: V2,
      peer_id: id('two'),
      left: 9,
    });
    expect(t.tracker.counters.aliasesRefused).toBe(1);
    expect(attacker.conn.last()).not.toHaveProperty('info_hash_alias');
    t.send(v2, { action: 'announce', info_hash: V2, peer_id: id('two'), left: 9 });
    expect(v2.conn.last()).toEqual({
      action: 'announce',
      info_hash: V2,
      interval: 10,
      complete: 0,
      incomplete: 1,
    });
  });

  it('keeps one peer id per connection in a bound swarm, whichever hash it announces', () => {
    const { t } = twoSwarms();
    const seeder = t.client();
    t.send(seeder, { action: 'announce', info_hash: V1, info_hash_alias: V2, peer_id: id('seed'), left: 0 });
    t.send(seeder, { action: 'announce', info_hash: V2, peer_id: id('sybil'), left: 9 });
    expect(seeder.conn.last()['failure reason']).toMatch(/another peer_id/);
    // The same peer id under the other hash is the same peer: counted once.
    t.send(seeder, { action: 'announce', info_hash: V2, peer_id: id('seed'), left: 0 });
    expect(seeder.conn.last()).toMatchObject({ info_hash: V2, complete: 1, incomplete: 2 });
    expect(t.tracker.peerCount).toBe(3);
  });

  it('refuses an alias that is not a 20-byte binary string', () => {
    const t = setup();
    const c = t.client();
    t.send(c, { action: 'announce', info_hash: V1, info_hash_alias: 'short', peer_id: id('p'), left: 0 });
    expect(c.conn.last()['failure reason']).toMatch(/invalid info_hash_alias/);
    expect(t.tracker.swarmCount).toBe(0);
  });
});
