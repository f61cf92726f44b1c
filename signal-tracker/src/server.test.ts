import { afterEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { binaryToHex } from '../../shared/codec/tracker-protocol';
import { DEFAULT_STATIC_DIR, type RunningServer } from './server';
import { CONTENT_SECURITY_POLICY, resolveStaticPath } from './http';
import type { RemovalReason } from './tracker/swarm-registry';
import { type Json } from './test-client';
import { httpGet, trackerHarness } from './testing/harness';

const HASH_A = 'A'.repeat(19) + '\xa0';
const HASH_B = 'B'.repeat(19) + '\xb0';
const HASH_Z = 'Z'.repeat(19) + '\xf0';
const peer = (tag: string) => `-WW0300-${tag.repeat(12)}`.slice(0, 20);
const offerId = (tag: string) => `offer-${tag}`.padEnd(19, '.') + '\xfe';
const sdp = (type: 'offer' | 'answer', tag: string) => ({ type, sdp: `v=0 ${tag}` });

const { server, connect } = trackerHarness();

function removal(running: RunningServer, reason: RemovalReason, only?: string): Promise<string> {
  return new Promise((resolve) => {
    const off = running.tracker.onRemoval((_infoHash, peerId, why) => {
      if (why !== reason || (only !== undefined && peerId !== only)) return;
      off();
      resolve(peerId);
    });
  });
}

const get = httpGet;

describe('signal-tracker over WebSocket', () => {
  it('answers an announce with counts and the configured interval', async () => {
    const running = await server({ intervalMs: 45_000 });
    const a = await connect(running);
    const reply = await a.request({
      action: 'announce',
      info_hash: HASH_A,
      peer_id: peer('a'),
      event: 'started',
      left: 0,
    });
    expect(reply).toEqual({
      action: 'announce',
      info_hash: HASH_A,
      interval: 45,
      complete: 1,
      incomplete: 0,
    });
  });

  it('relays an offer and its answer between two peers', async () => {
    const running = await server();
    const a = await connect(running);
    const b = await connect(running);
    await a.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('a'), event: 'started', left: 0 });
    const reply = await b.request({
      action: 'announce',
      info_hash: HASH_A,
      peer_id: peer('b'),
      event: 'started',
      left: 100,
      numwant: 1,
      offers: [{ offer: sdp('offer', 'b1'), offer_id: offerId('b1') }],
    });
    expect(reply).toMatchObject({ complete: 1, incomplete: 1 });
    expect(await a.next()).toEqual({
      action: 'announce',
      offer: sdp('offer', 'b1'),
      offer_id: offerId('b1'),
      peer_id: peer('b'),
      info_hash: HASH_A,
    });
    a.send({
      action: 'announce',
      info_hash: HASH_A,
      peer_id: peer('a'),
      to_peer_id: peer('b'),
      answer: sdp('answer', 'a1'),
      offer_id: offerId('b1'),
    });
    expect(await b.next()).toEqual({
      action: 'announce',
      answer: sdp('answer', 'a1'),
      offer_id: offerId('b1'),
      peer_id: peer('a'),
      info_hash: HASH_A,
    });
    // The answerer gets no reply for its answer: its next message is the reply to a scrape.
    expect(await a.request({ action: 'scrape', info_hash: HASH_A })).toMatchObject({ action: 'scrape' });
  });

  it('spreads offers over the other peers of a three-peer swarm and relays both answers', async () => {
    const running = await server();
    const [a, b, c] = [await connect(running), await connect(running), await connect(running)];
    await a.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('a'), event: 'started', left: 0 });
    await b.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('b'), event: 'started', left: 0 });
    const reply = await c.request({
      action: 'announce',
      info_hash: HASH_A,
      peer_id: peer('c'),
      event: 'started',
      left: 7,
      numwant: 5,
      offers: ['1', '2', '3', '4', '5'].map((n) => ({ offer: sdp('offer', n), offer_id: offerId(n) })),
    });
    expect(reply).toMatchObject({ complete: 2, incomplete: 1 });
    const toA = await a.next();
    const toB = await b.next();
    expect(toA.peer_id).toBe(peer('c'));
    expect(toB.peer_id).toBe(peer('c'));
    expect(toA.offer_id).not.toBe(toB.offer_id);
    for (const [client, offer, self] of [
      [a, toA, peer('a')],
      [b, toB, peer('b')],
    ] as const) {
      client.send({
        action: 'announce',
        info_hash: HASH_A,
        peer_id: self,
        to_peer_id: peer('c'),
        answer: sdp('answer', self),
        offer_id: offer.offer_id,
      });
    }
    const answers = [await c.next(), await c.next()];
    expect(answers.map((m) => m.peer_id).sort()).toEqual([peer('a'), peer('b')].sort());
    for (const answer of answers) {
      expect(answer.offer_id).toBe(answer.peer_id === peer('a') ? toA.offer_id : toB.offer_id);
    }
  });

  it('sends each of many replies in one turn as its own message, in order', async () => {
    const running = await server();
    const a = await connect(running);
    const hashes = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, '0')}`.padEnd(20, '#'));
    // Sent back to back, so the tracker reads several in one turn and its replies leave corked together.
    for (const [i, hash] of hashes.entries()) {
      a.send(i === 7 ? '{"action":"bogus"}' : { action: 'scrape', info_hash: hash });
    }
    const replies: Json[] = [];
    for (let i = 0; i < hashes.length; i++) replies.push(await a.next());
    replies.forEach((reply, i) => {
      if (i === 7) expect(reply['failure reason']).toBe('invalid action: "bogus"');
      else expect(Object.keys(reply.files as object)).toEqual([hashes[i]]);
    });
    expect(await a.request({ action: 'scrape', info_hash: HASH_Z })).toMatchObject({ action: 'scrape' });
  });

  it('cuts off a socket whose replies of one turn, not yet written, exceed the unsent-bytes limit', async () => {
    const running = await server({ maxBufferedBytes: 2000 });
    const a = await connect(running);
    // Each reply lists 100 swarms (about 7,000 characters). Both requests leave in one TCP write, so the tracker
    // reads them in one turn: the first reply waits in the corked socket, the second would pass the limit.
    const scrape = JSON.stringify({
      action: 'scrape',
      info_hash: Array.from({ length: 100 }, (_, i) => String(i).padEnd(20, '#')),
    });
    const raw = (a.socket as unknown as { _socket: Socket })._socket;
    raw.cork();
    a.send(scrape);
    a.send(scrape);
    raw.uncork();
    expect((await a.closed).code).toBe(1006);
    expect(a.received).toEqual([]);
    // The same two requests one at a time stay under it.
    const b = await connect(running);
    expect(Object.keys((await b.request(scrape)).files as object)).toHaveLength(100);
    expect(Object.keys((await b.request(scrape)).files as object)).toHaveLength(100);
  });

  it('scrapes one and many swarms, never all', async () => {
    const running = await server();
    const a = await connect(running);
    await a.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('a'), left: 0 });
    await a.request({ action: 'announce', info_hash: HASH_B, peer_id: peer('a'), left: 10 });
    expect(await a.request({ action: 'scrape', info_hash: HASH_A })).toEqual({
      action: 'scrape',
      files: { [HASH_A]: { complete: 1, incomplete: 0, downloaded: 0 } },
      flags: { min_request_interval: 120 },
    });
    expect((await a.request({ action: 'scrape', info_hash: [HASH_B, HASH_Z] })).files).toEqual({
      [HASH_B]: { complete: 0, incomplete: 1, downloaded: 0 },
      [HASH_Z]: { complete: 0, incomplete: 0, downloaded: 0 },
    });
    // A scrape of every swarm would list every info hash: refused.
    expect(await a.request({ action: 'scrape' })).toEqual({
      action: 'scrape',
      'failure reason': 'scrape needs info_hash: this tracker does not list its swarms',
    });
  });

  it('counts a closed socket as stopped in every swarm it joined', async () => {
    const running = await server();
    const a = await connect(running);
    const b = await connect(running);
    await a.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('a'), left: 0 });
    await a.request({ action: 'announce', info_hash: HASH_B, peer_id: peer('a'), left: 0 });
    await b.request({ action: 'announce', info_hash: HASH_B, peer_id: peer('b'), left: 5 });
    const gone = new Promise<number>((resolve) => {
      let count = 0;
      running.tracker.onRemoval((_h, _p, reason) => {
        if (reason === 'closed' && ++count === 2) resolve(count);
      });
    });
    await a.close();
    await gone;
    expect((await b.request({ action: 'scrape', info_hash: [HASH_A, HASH_B] })).files).toEqual({
      [HASH_A]: { complete: 0, incomplete: 0, downloaded: 0 },
      [HASH_B]: { complete: 0, incomplete: 1, downloaded: 0 },
    });
  });

  it('drops a silent peer after two intervals plus the grace', async () => {
    const running = await server({ intervalMs: 100, graceMs: 0, sweepIntervalMs: 20 });
    const a = await connect(running);
    const reply = await a.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('a'), left: 0 });
    expect(reply.interval).toBe(1); // whole seconds, at least 1
    expect(await removal(running, 'expired')).toBe(peer('a'));
    expect((await a.request({ action: 'scrape', info_hash: HASH_A })).files).toEqual({
      [HASH_A]: { complete: 0, incomplete: 0, downloaded: 0 },
    });
    // The socket itself stays open and may announce again.
    expect(
      await a.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('a'), left: 0 }),
    ).toMatchObject({
      complete: 1,
    });
  });

  it('closes a socket that stops answering pings and removes its peers', async () => {
    // Long enough that the live client's pong is always back before the next ping, even on a busy machine.
    const running = await server({ pingIntervalMs: 250 });
    const live = await connect(running);
    const dead = await connect(running);
    await live.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('l'), left: 0 });
    await dead.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('d'), left: 0 });
    const dropped = removal(running, 'closed', peer('d'));
    // Stop reading: the client's pongs stop, as with a vanished tab.
    const raw = (dead.socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    expect(await dropped).toBe(peer('d'));
    raw.resume(); // now it sees the connection cut, without a closing handshake
    expect((await dead.closed).code).toBe(1006);
    expect(await live.request({ action: 'scrape', info_hash: HASH_A })).toMatchObject({
      files: { [HASH_A]: { complete: 1, incomplete: 0 } },
    });
    expect(live.socket.readyState).toBe(live.socket.OPEN);
  });

  it('closes a socket that sends a frame over the size limit', async () => {
    const running = await server({ maxPayload: 1024 });
    const a = await connect(running);
    a.send({ action: 'scrape', padding: 'x'.repeat(2000) });
    expect((await a.closed).code).toBe(1009);
    const b = await connect(running);
    expect(await b.request({ action: 'scrape' })).toMatchObject({ action: 'scrape' });
  });

  it('sends a failure reason and closes a socket that floods', async () => {
    const running = await server({ limits: { maxMessagesPerSecond: 5 } });
    const a = await connect(running);
    for (let i = 0; i < 10; i++) a.send({ action: 'scrape', info_hash: HASH_A });
    const messages: Json[] = [];
    for (let i = 0; i < 6; i++) messages.push(await a.next());
    expect(messages.slice(0, 5).every((m) => m.action === 'scrape' && m.files)).toBe(true);
    expect(messages[5]['failure reason']).toMatch(/rate limit/);
    expect(await a.closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
  });

  it('counts unreadable binary frames against the rate limit too', async () => {
    const running = await server({ limits: { maxMessagesPerSecond: 3 } });
    const a = await connect(running);
    for (let i = 0; i < 10; i++) a.socket.send(Buffer.from([0xc3, 0x28]), { binary: true });
    expect(await a.closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    expect(a.received.map((m) => m['failure reason'])).toEqual([
      ...Array(3).fill('invalid message: binary frame is not UTF-8 text'),
      'rate limit exceeded: over 3 messages per second',
    ]);
  });

  it('refuses connections over the limit', async () => {
    const running = await server({ maxConnections: 1 });
    const a = await connect(running);
    const b = await connect(running);
    expect(await b.closed).toMatchObject({ code: 1013 });
    expect(await a.request({ action: 'scrape' })).toMatchObject({ action: 'scrape' });
  });

  it('enforces swarms per socket and peers per swarm', async () => {
    const running = await server({ limits: { maxSwarmsPerConnection: 1, maxPeersPerSwarm: 1 } });
    const a = await connect(running);
    const b = await connect(running);
    await a.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('a') });
    expect(await a.request({ action: 'announce', info_hash: HASH_B, peer_id: peer('a') })).toEqual({
      action: 'announce',
      info_hash: HASH_B,
      'failure reason': 'too many swarms on this connection (max 1)',
    });
    expect(
      (await b.request({ action: 'announce', info_hash: HASH_A, peer_id: peer('b') }))['failure reason'],
    ).toBe('swarm is full (max 1 peers)');
  });

  it('answers bad input with a failure reason naming the problem', async () => {
    const running = await server();
    const a = await connect(running);
    expect(await a.request('not json')).toEqual({ 'failure reason': 'invalid message: not JSON' });
    expect(await a.request({ action: 'dance' })).toEqual({ 'failure reason': 'invalid action: "dance"' });
    expect(await a.request({ action: 'announce', info_hash: 'short', peer_id: peer('a') })).toEqual({
      action: 'announce',
      'failure reason': 'invalid info_hash: must be a 20-character binary string',
    });
    a.socket.send(Buffer.from([0xff, 0xfe, 0x00]), { binary: true });
    expect((await a.next())['failure reason']).toBe('invalid message: binary frame is not UTF-8 text');
    a.socket.send(Buffer.from([0x7b, 0xc3, 0x28]), { binary: false });
    expect((await a.next())['failure reason']).toBe('invalid message: frame is not UTF-8 text');
    // A binary frame holding JSON text is read like a text frame (as bittorrent-tracker does).
    a.socket.send(Buffer.from(JSON.stringify({ action: 'scrape' })), { binary: true });
    expect(await a.next()).toMatchObject({ action: 'scrape' });
    expect(
      await a.request({
        action: 'announce',
        info_hash: HASH_A,
        peer_id: peer('a'),
        to_peer_id: peer('z'),
        answer: sdp('answer', 'x'),
        offer_id: offerId('x'),
      }),
    ).toMatchObject({ 'failure reason': expect.stringMatching(/not announced/) });
  });

  it('survives random frames and still answers a valid announce, relaying nothing', async () => {
    const running = await server({ limits: { maxMessagesPerSecond: 1_000_000 } });
    const bystander = await connect(running);
    await bystander.request({ action: 'announce', info_hash: HASH_Z, peer_id: peer('z'), left: 0 });
    let seed = 0x5eed;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
    const junkString = () =>
      Array.from({ length: Math.floor(random() * 30) }, () =>
        String.fromCharCode(Math.floor(random() * 0x3000)),
      ).join('');
    const value = (depth: number): unknown =>
      pick<() => unknown>([
        () => null,
        () => random() < 0.5,
        () => (random() - 0.5) * 10 ** Math.floor(random() * 400),
        () => pick([Infinity, -0, 1e308, -1, 2 ** 53 + 1, 0.5]),
        () => junkString(),
        () => pick([HASH_A, peer('f'), peer('z'), offerId('f'), 'announce', 'scrape', 'started', 'stopped']),
        () => (depth > 2 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1))),
        () =>
          depth > 2 ? {} : { offer: value(depth + 1), offer_id: value(depth + 1), type: 'offer', sdp: 'x' },
      ])();
    const fields = [
      'action',
      'info_hash',
      'peer_id',
      'to_peer_id',
      'offer_id',
      'offers',
      'answer',
      'left',
      'event',
      'numwant',
    ];
    let fuzzer = await connect(running);
    for (let i = 0; i < 400; i++) {
      const kind = random();
      if (kind < 0.15) {
        fuzzer.socket.send(
          Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256))),
          {
            binary: true,
          },
        );
      } else if (kind < 0.3) {
        fuzzer.send(junkString() || '{');
      } else if (kind < 0.4) {
        fuzzer.send(JSON.stringify(value(0)));
      } else {
        const message: Record<string, unknown> = { action: pick(['announce', 'scrape', 'announce', 'x']) };
        for (const field of fields) if (random() < 0.5) message[field] = value(0);
        if (random() < 0.5) message.info_hash = HASH_A;
        if (random() < 0.5) message.peer_id = peer('f');
        if (random() < 0.3) message.to_peer_id = peer('z');
        fuzzer.send(message);
      }
      if (fuzzer.socket.readyState !== fuzzer.socket.OPEN) fuzzer = await connect(running);
    }
    const reply = await fuzzer.request({
      action: 'announce',
      info_hash: HASH_B,
      peer_id: peer('v'),
      left: 0,
    });
    // Replies to earlier frames may still be queued: look for the announce reply for HASH_B.
    let answer = reply;
    while (!(answer.info_hash === HASH_B && answer.complete === 1)) answer = await fuzzer.next();
    expect(answer).toMatchObject({ action: 'announce', interval: 120, complete: 1, incomplete: 0 });
    expect(running.tracker.counters.failures).toBeGreaterThan(200); // the frames did reach the parser
    const fresh = await connect(running);
    expect(
      await fresh.request({ action: 'announce', info_hash: HASH_B, peer_id: peer('w'), left: 5 }),
    ).toMatchObject({
      complete: 1,
      incomplete: 1,
    });
    // The bystander, alone in its swarm, got nothing relayed: its next message is its own scrape reply.
    expect(await bystander.request({ action: 'scrape', info_hash: HASH_Z })).toMatchObject({
      action: 'scrape',
    });
  });
});

describe('signal-tracker over HTTP', () => {
  it('serves /health and /config.json', async () => {
    const ice = [{ urls: 'stun:stun.example.org:3478' }];
    const running = await server({ iceServers: ice });
    expect(await get(running, '/health')).toMatchObject({ status: 200, body: 'ok\n' });
    const config = await get(running, '/config.json');
    expect(config.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(config.body)).toEqual({ iceServers: ice });
    const bare = await server();
    expect(JSON.parse((await get(bare, '/config.json')).body)).toEqual({ iceServers: [] });
  });

  it('hands every client its own short-lived TURN credential, never the secret', async () => {
    const ice = [{ urls: 'stun:stun.example.org:3478' }];
    const turn = { urls: ['turn:127.0.0.1:3478'], secret: 'the-secret', ttlSeconds: 600 };
    const running = await server({ iceServers: ice, turn });
    const first = await get(running, '/config.json');
    const second = await get(running, '/config.json');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body).not.toContain('the-secret');
    const a = JSON.parse(first.body) as { iceServers: Array<Record<string, unknown>>; relay: boolean };
    const b = JSON.parse(second.body) as typeof a;
    expect(a.relay).toBe(true);
    expect(a.iceServers[0]).toEqual(ice[0]);
    const credential = a.iceServers[1] as { urls: string[]; username: string; credential: string };
    expect(credential.urls).toEqual(turn.urls);
    const expiry = Number(credential.username.split(':')[0]);
    expect(Math.abs(expiry - (Date.now() / 1000 + 600))).toBeLessThan(60);
    expect(createHmac('sha1', 'the-secret').update(credential.username).digest('base64')).toBe(
      credential.credential,
    );
    expect((b.iceServers[1] as { username: string }).username).not.toBe(credential.username);
  });

  it('lists swarms and peers in /stats.json and /stats to the holder of the stats token', async () => {
    const running = await server({ statsToken: 'the-stats-token' });
    const auth = { authorization: 'Bearer the-stats-token' };
    const a = await connect(running);
    const b = await connect(running);
    const before = Date.now();
    await a.request({
      action: 'announce',
      info_hash: HASH_A,
      peer_id: peer('a'),
      event: 'started',
      left: 0,
      uploaded: 1234,
      downloaded: 0,
    });
    await b.request({
      action: 'announce',
      info_hash: HASH_A,
      peer_id: 'x'.repeat(20),
      left: 2048,
      downloaded: 10,
    });
    const json = JSON.parse((await get(running, '/stats.json', auth)).body);
    expect(json).toMatchObject({ swarmCount: 1, peerCount: 2, seeders: 1, leechers: 1, connections: 2 });
    expect(json.clients).toEqual({ WebTorrent: 1, Other: 1 });
    expect(json.swarms).toHaveLength(1);
    expect(json.swarms[0]).toMatchObject({ infoHash: binaryToHex(HASH_A), complete: 1, incomplete: 1 });
    expect(json.swarms[0].peers).toEqual([
      {
        peerId: binaryToHex(peer('a')),
        client: 'WebTorrent 0300',
        role: 'seeder',
        left: 0,
        uploaded: 1234,
        downloaded: 0,
        lastAnnounce: expect.any(Number),
      },
      {
        peerId: binaryToHex('x'.repeat(20)),
        client: 'Unknown',
        role: 'leecher',
        left: 2048,
        uploaded: 0,
        downloaded: 10,
        lastAnnounce: expect.any(Number),
      },
    ]);
    expect(json.swarms[0].peers[0].lastAnnounce).toBeGreaterThanOrEqual(before);
    const html = await get(running, '/stats', auth);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toMatch(/<meta http-equiv="refresh" content="\d+">/);
    expect(html.body).toContain(binaryToHex(HASH_A));
    expect(html.body).toContain(binaryToHex(peer('a')));
    expect(html.body).toContain('WebTorrent 0300');
    expect(html.body).toContain('1 seeder, 1 leecher');
    expect(html.body).toContain('1 swarm, 2 peers');
    expect(html.body).toContain('2.0 KiB');
  });

  describe('static files', () => {
    let root: string;
    async function staticServer() {
      root = mkdtempSync(join(tmpdir(), 'signal-tracker-static-'));
      const dist = join(root, 'dist');
      mkdirSync(join(dist, 'assets'), { recursive: true });
      writeFileSync(join(root, 'secret.txt'), 'SECRET');
      writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
      const files: Record<string, string> = {
        'assets/app.js': 'console.log(1)',
        'assets/app.js.map': '{"sources":["SOURCEMAP"]}',
        'assets/style.css': 'body{}',
        'assets/logo.svg': '<svg/>',
        'assets/engine.wasm': '\0asm',
        'manifest.json': '{}',
      };
      for (const [name, body] of Object.entries(files)) writeFileSync(join(dist, name), body);
      return server({ staticDir: dist });
    }
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('serves files with their content types and the CSP', async () => {
      const running = await staticServer();
      const index = await get(running, '/');
      expect(index.status).toBe(200);
      expect(index.body).toContain('<title>app</title>');
      expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
      expect(index.headers['x-frame-options']).toBe('DENY');
      expect(index.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(index.headers['strict-transport-security']).toBeUndefined(); // plain HTTP
      // Source maps are never served.
      expect((await get(running, '/assets/app.js.map')).status).toBe(404);
      const types: Record<string, RegExp> = {
        '/assets/app.js': /^text\/javascript/,
        '/assets/style.css': /^text\/css/,
        '/assets/logo.svg': /^image\/svg\+xml$/,
        '/assets/engine.wasm': /^application\/wasm$/,
        '/manifest.json': /^application\/json/,
      };
      for (const [path, type] of Object.entries(types)) {
        const response = await get(running, path);
        expect(response.status, path).toBe(200);
        expect(response.headers['content-type'], path).toMatch(type);
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
        expect(response.headers['x-frame-options'], path).toBe('DENY');
      }
      const missing = await get(running, '/assets/missing.js');
      expect(missing.status).toBe(404);
      expect(missing.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(missing.headers['x-frame-options']).toBe('DENY');
      expect((await get(running, '/assets/app.js')).headers['cache-control']).toMatch(/immutable/);
    });

    it('falls back to index.html for app routes and 404s missing files', async () => {
      const running = await staticServer();
      const route = await get(running, '/some/app/route');
      expect(route.status).toBe(200);
      expect(route.body).toContain('<title>app</title>');
      expect((await get(running, '/assets/missing.js')).status).toBe(404);
    });

    it('never serves a file outside the static folder', async () => {
      const running = await staticServer();
      for (const path of [
        '/../secret.txt',
        '/assets/../../secret.txt',
        '/%2e%2e/secret.txt',
        '/..%2fsecret.txt',
        '/assets/..%2f..%2fsecret.txt',
        '/%2e%2e%2f%2e%2e%2fsecret.txt',
        '/..%5csecret.txt',
        '/%00',
        '/%E0%A4%A',
      ]) {
        const response = await get(running, path);
        expect(response.body, path).not.toContain('SECRET');
        expect([200, 400, 404], path).toContain(response.status);
      }
      expect(resolveStaticPath('/srv/app', '/../etc/passwd')).toBeNull();
      expect(resolveStaticPath('/srv/app', '/a/%2e%2e/%2e%2e/x')).toBeNull();
      expect(resolveStaticPath('/srv/app', '/a/b.js')).toBe('/srv/app/a/b.js');
    });

    it('never serves a source map, however its name is encoded', async () => {
      const running = await staticServer();
      for (const path of [
        '/assets/app.js.map',
        '/assets/app.js.ma%70',
        '/assets/app.js%2emap',
        '/assets/app.js%2Emap',
        '/assets/app%2ejs%2emap',
        '/assets/%61pp.js.map',
        '/assets%2fapp.js.map',
        '/assets/./app.js.map',
        '/assets/x/../app.js.map',
        '/assets/x/%2e%2e/app.js.map',
        '/assets/app.js.map/',
        '/assets/app.js.map%00',
        '/assets/app.js.MAP',
      ]) {
        const response = await get(running, path);
        expect(response.body, path).not.toContain('SOURCEMAP');
        expect([400, 404], path).toContain(response.status);
      }
      // The same decoding serves the build's own files however they are spelled.
      expect((await get(running, '/assets/%61pp.js')).status).toBe(200);
      expect((await get(running, '/assets/x/%2e%2e/app.js')).body).toBe('console.log(1)');
    });

    it('serves only files of the build: a symbolic link inside the folder to a file outside is not one', async () => {
      const running = await staticServer();
      symlinkSync(join(root, 'secret.txt'), join(root, 'dist', 'assets', 'linked.txt'));
      const response = await get(running, '/assets/linked.txt');
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('SECRET');
    });
  });

  it('serves the app from web/dist of the repository by default', () => {
    expect(DEFAULT_STATIC_DIR.replace(/\\/g, '/')).toMatch(/\/web\/dist\/$/);
    expect(DEFAULT_STATIC_DIR.replace(/\\/g, '/')).not.toContain('signal-tracker');
  });
});
