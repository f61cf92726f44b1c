// TorrentSession against scripted peers: feed events, check the actions.
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { sha1Sync } from '../../testing/sha1';
import { BLOCK_SIZE } from '../../codec/wire';
import { fixedUploadCap, freeRider } from '../../../lab/sim/strategy';
import { NO_CHOKE_CHANGES, titForTat } from '../choke/choker';
import { PACE_SILENCE_MS } from '../upload/pacer';
import { MIN_READS } from '../upload/uploader';
import { DEFAULT_CONFIG, MAX_REQUEST_LENGTH, TorrentSession } from './session';
import { REJECT_RETRY_MS } from '../download/downloader';
import { STORAGE_RETRY_MS } from './storage-stall';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { randomTorrent } from '../testing/swarm';
import type { EngineAction, EngineConfig } from '../contract/engine-types';
import type { Wishlist } from '../picker/wishlist';

// 4 pieces of 32 KiB (2 blocks each), the last one 12 KiB.
const torrent = randomTorrent(21, 3 * 32 * 1024 + 12 * 1024, { sha1: sha1Sync, pieceLength: 32 * 1024 });
const { info } = torrent;
const OUR_ID = idFrom('-SD0001-ourselves');

function pieceData(index: number): Uint8Array {
  return torrent.data.subarray(
    index * info.pieceLength,
    Math.min(info.length, (index + 1) * info.pieceLength),
  );
}

function setup(options: { seed?: boolean; have?: Bitfield; config?: Partial<EngineConfig> } = {}) {
  const clock = { now: 1_000 };
  const have = options.seed ? Bitfield.full(info.pieceCount) : options.have;
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: OUR_ID,
    info,
    have,
    random: mulberry32(5),
    now: clock.now,
    // A seeder here announces every piece at once: super-seeding's offers have their own tests (super-seeding.test.ts).
    config: { superSeed: false, ...options.config },
  });
  const first = session.handle({ type: 'tick' }, clock.now);
  const peer = (label: string) => new MockPeer(session, `${label}#1`, idFrom(label), info.infoHash, clock);
  const tick = (ms: number) => {
    clock.now += ms;
    return session.handle({ type: 'tick' }, clock.now);
  };
  return { session, clock, first, peer, tick };
}

const ofType = <T extends EngineAction['type']>(actions: EngineAction[], type: T) =>
  actions.filter((a): a is Extract<EngineAction, { type: T }> => a.type === type);

/** Answers hash and store actions as a correct adapter would; returns every action seen. */
function settle(
  session: TorrentSession,
  actions: EngineAction[],
  now: number,
  peers: MockPeer[] = [],
): EngineAction[] {
  const seen: EngineAction[] = [];
  const queue = [...actions];
  while (queue.length > 0) {
    const action = queue.shift() as EngineAction;
    seen.push(action);
    let next: EngineAction[] = [];
    if (action.type === 'hash')
      next = session.handle({ type: 'hashed', id: action.id, digest: sha1Sync(action.data) }, now);
    if (action.type === 'store') next = session.handle({ type: 'stored', index: action.index }, now);
    for (const peer of peers) peer.absorb(next);
    queue.push(...next);
  }
  return seen;
}

/** Handshake, then a seeder's bitfield and unchoke: the session should request blocks. */
function seederPeer(s: ReturnType<typeof setup>, label = 'seeder') {
  const peer = s.peer(label);
  peer.connect();
  peer.handshake();
  peer.send({ type: 'bitfield', bytes: Bitfield.full(info.pieceCount).bytes });
  peer.send({ type: 'unchoke' });
  return peer;
}

describe('TorrentSession: start and handshake', () => {
  it('announces started from the first handle() call, once, and asks for peers', () => {
    const s = setup();
    expect(s.first[0]).toEqual({ type: 'announce', event: 'started' });
    expect(ofType(s.first, 'want-peers')[0].count).toBe(DEFAULT_CONFIG.targetPeers);
    expect(ofType(s.tick(1000), 'announce')).toEqual([]);
  });

  it('sends its handshake on connect, then extended handshake and bitfield once the peer answers', () => {
    const s = setup({ seed: true });
    const peer = s.peer('alice');
    peer.connect();
    expect(peer.received[0].kind).toBe('handshake');
    const hs = peer.received[0].kind === 'handshake' ? peer.received[0].handshake : undefined;
    expect(Buffer.from(hs!.infoHash).equals(Buffer.from(info.infoHash))).toBe(true);
    expect(Buffer.from(hs!.peerId).equals(Buffer.from(OUR_ID))).toBe(true);
    peer.handshake();
    const [extended, bitfield] = peer.messages();
    expect(extended.type).toBe('extended');
    const ext = peer.sessionExtendedHandshake()!;
    expect(ext.m.ut_metadata).toBeGreaterThan(0);
    expect(ext.metadataSize).toBe(info.infoBytes.length);
    expect(ext.client).toBe(DEFAULT_CONFIG.clientName);
    expect(bitfield).toEqual({ type: 'bitfield', bytes: Bitfield.full(info.pieceCount).bytes });
  });

  it('sends no bitfield when it has nothing', () => {
    const s = setup();
    const peer = s.peer('alice');
    peer.connect();
    peer.handshake();
    expect(peer.ofType('bitfield')).toEqual([]);
  });

  it('closes a peer with the wrong info hash, our own peer id, or a second connection of the same id', () => {
    const s = setup();
    const wrong = s.peer('wrong');
    wrong.connect();
    wrong.handshake({ infoHash: idFrom('another torrent') });
    expect(wrong.closed).toBe('wrong info hash');

    const self = s.peer('self');
    self.connect();
    self.handshake({ peerId: OUR_ID });
    expect(self.closed).toBe('connected to ourselves');

    const first = s.peer('twin');
    first.connect();
    first.handshake();
    const second = new MockPeer(s.session, 'twin#2', idFrom('twin'), info.infoHash, s.clock);
    second.connect();
    second.handshake();
    expect(second.closed).toBe('duplicate connection');
    expect(first.closed).toBeUndefined();
    expect(s.session.stats(s.clock.now).peers).toBe(1);
  });

  it('refuses connections beyond maxPeers', () => {
    const s = setup({ config: { maxPeers: 2 } });
    const peers = ['a', 'b', 'c'].map((label) => s.peer(label));
    for (const peer of peers) peer.connect();
    expect(peers.map((p) => p.closed)).toEqual([undefined, undefined, 'too many peers']);
  });

  it('closes on a handshake timeout and an idle timeout, and sends keep-alives', () => {
    const s = setup({ config: { handshakeTimeoutMs: 5_000, idleTimeoutMs: 100_000, keepAliveMs: 30_000 } });
    const silent = s.peer('silent');
    silent.connect();
    const talker = s.peer('talker');
    talker.connect();
    talker.handshake();
    s.tick(4_000);
    expect(silent.closed).toBeUndefined();
    silent.absorb(s.tick(1_000));
    expect(silent.closed).toBe('handshake timeout');
    talker.absorb(s.tick(30_000));
    expect(talker.ofType('keep-alive').length).toBe(1);
    talker.absorb(s.tick(70_000));
    expect(talker.closed).toBe('idle timeout');
  });

  it('wants more peers when below the target, at most every few seconds', () => {
    const s = setup({ config: { targetPeers: 3 } });
    s.peer('a').connect();
    expect(ofType(s.tick(1_000), 'want-peers')).toEqual([]);
    expect(ofType(s.tick(5_000), 'want-peers')).toEqual([{ type: 'want-peers', count: 2 }]);
  });
});

describe('TorrentSession: serving', () => {
  function servingSetup() {
    const s = setup({ seed: true });
    const peer = s.peer('leech');
    peer.connect();
    peer.handshake();
    return { ...s, leech: peer };
  }

  it('discards requests while the peer is choked', () => {
    const { leech } = servingSetup();
    const actions = leech.send({ type: 'request', index: 0, begin: 0, length: BLOCK_SIZE });
    expect(ofType(actions, 'read')).toEqual([]);
    expect(leech.closed).toBeUndefined();
  });

  it('unchokes an interested peer and serves its requests through reads', () => {
    const { session, clock, leech } = servingSetup();
    leech.send({ type: 'interested' });
    expect(leech.ofType('unchoke').length).toBe(1);
    const reads = ofType(
      leech.send({ type: 'request', index: 1, begin: BLOCK_SIZE, length: BLOCK_SIZE }),
      'read',
    );
    expect(reads).toEqual([
      { type: 'read', peer: leech.key, index: 1, begin: BLOCK_SIZE, length: BLOCK_SIZE },
    ]);
    const block = pieceData(1).subarray(BLOCK_SIZE, 2 * BLOCK_SIZE);
    leech.absorb(
      session.handle(
        { type: 'read-done', peer: leech.key, index: 1, begin: BLOCK_SIZE, data: block },
        clock.now,
      ),
    );
    const pieces = leech.ofType('piece');
    expect(pieces.length).toBe(1);
    expect(Buffer.from(pieces[0].block).equals(Buffer.from(block))).toBe(true);
    expect(session.stats(clock.now).uploaded).toBe(BLOCK_SIZE);
  });

  it('answers a fast peer’s cancel with a reject when the block was not sent yet, and with nothing once it was', () => {
    // BEP 6: every request gets one answer, its block or a reject, so the peer knows what may still come.
    const { session, clock, ...s } = setup({ seed: true });
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake({ fast: true });
    leech.send({ type: 'interested' });
    const request = { index: 0, begin: 0, length: BLOCK_SIZE };
    leech.send({ type: 'request', ...request }, { type: 'request', ...request, index: 1 });
    leech.send({ type: 'cancel', ...request }); // being read
    expect(leech.ofType('reject-request')).toEqual([{ type: 'reject-request', ...request }]);
    const sent = { type: 'read-done' as const, peer: leech.key, index: 1, begin: 0 };
    leech.absorb(session.handle({ ...sent, data: pieceData(1).subarray(0, BLOCK_SIZE) }, clock.now));
    expect(leech.ofType('piece')).toHaveLength(1);
    leech.send({ type: 'cancel', ...request, index: 1 }); // sent already: the block was its answer
    leech.send({ type: 'cancel', ...request, index: 2 }); // never asked
    expect(leech.ofType('reject-request')).toHaveLength(1);
  });

  it('does not send a block cancelled before its read finished, nor after a choke dropped the queue', () => {
    const { session, clock, leech } = servingSetup();
    leech.send({ type: 'interested' });
    leech.send({ type: 'request', index: 0, begin: 0, length: BLOCK_SIZE });
    leech.send({ type: 'cancel', index: 0, begin: 0, length: BLOCK_SIZE });
    leech.absorb(
      session.handle(
        {
          type: 'read-done',
          peer: leech.key,
          index: 0,
          begin: 0,
          data: pieceData(0).subarray(0, BLOCK_SIZE),
        },
        clock.now,
      ),
    );
    expect(leech.ofType('piece')).toEqual([]);

    leech.send({ type: 'request', index: 2, begin: 0, length: BLOCK_SIZE });
    leech.absorb(session.handle({ type: 'pause' }, clock.now));
    expect(leech.ofType('choke').length).toBe(1);
    leech.absorb(
      session.handle(
        {
          type: 'read-done',
          peer: leech.key,
          index: 2,
          begin: 0,
          data: pieceData(2).subarray(0, BLOCK_SIZE),
        },
        clock.now,
      ),
    );
    expect(leech.ofType('piece')).toEqual([]);
  });

  it.each([
    ['a piece beyond the torrent', { index: 4, begin: 0, length: BLOCK_SIZE }],
    ['a block beyond the end of the piece', { index: 3, begin: 0, length: BLOCK_SIZE }],
    ['zero bytes', { index: 0, begin: 0, length: 0 }],
  ])('closes a peer that requests %s', (_what, request) => {
    const { leech } = servingSetup();
    leech.send({ type: 'interested' });
    leech.send({ type: 'request', ...request });
    expect(leech.closed).toMatch(/request/);
  });

  it('refuses a request over 16 KiB with a reject, and keeps the peer', () => {
    const s = setup({ seed: true });
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake({ fast: true });
    leech.send({ type: 'interested' });
    expect(MAX_REQUEST_LENGTH).toBe(BLOCK_SIZE);
    const request = { index: 0, begin: 0, length: MAX_REQUEST_LENGTH + 1 };
    const actions = leech.send({ type: 'request', ...request });
    expect(ofType(actions, 'read')).toEqual([]);
    expect(leech.ofType('reject-request')).toEqual([{ type: 'reject-request', ...request }]);
    expect(leech.closed).toBeUndefined();
  });

  it('reads no more blocks for a peer whose transport is backlogged, until it drains', () => {
    const { session, clock, leech } = servingSetup();
    leech.send({ type: 'interested' });
    const requests = Array.from({ length: 6 }, (_, i) => ({
      index: i >> 1,
      begin: (i & 1) * BLOCK_SIZE,
      length: BLOCK_SIZE,
    }));
    const first = ofType(leech.send({ type: 'request', ...requests[0] }), 'read');
    expect(first).toHaveLength(1);
    session.handle({ type: 'peer-backlog', peer: leech.key, backlogged: true }, clock.now);
    const queued: EngineAction[] = [];
    for (const request of requests.slice(1)) queued.push(...leech.send({ type: 'request', ...request }));
    expect(ofType(queued, 'read')).toEqual([]);
    // The read already under way still sends its block; nothing new is read.
    const done = session.handle(
      { type: 'read-done', peer: leech.key, ...requests[0], data: pieceData(0).subarray(0, BLOCK_SIZE) },
      clock.now,
    );
    leech.absorb(done);
    expect(leech.ofType('piece')).toHaveLength(1);
    expect(ofType(done, 'read')).toEqual([]);
    const drained = session.handle({ type: 'peer-backlog', peer: leech.key, backlogged: false }, clock.now);
    // Drained, the queue is read again in order: as many reads as the rate measured to this peer allows (one block
    // sent so far, a slow peer: MIN_READS, see readsFor).
    expect(ofType(drained, 'read').map(({ index, begin }) => ({ index, begin }))).toEqual(
      requests.slice(1, 1 + MIN_READS).map(({ index, begin }) => ({ index, begin })),
    );
  });

  it('paced by the transport’s queue (upload-queue): one block at a time, the next when the queue drains', () => {
    const { session, clock, leech } = servingSetup();
    session.handle({ type: 'upload-queue', bytes: 0 }, clock.now);
    leech.send({ type: 'interested' });
    const requests = [0, 1, 2].map((index) => ({ index, begin: 0, length: BLOCK_SIZE }));
    const reads: EngineAction[] = [];
    for (const request of requests) reads.push(...leech.send({ type: 'request', ...request }));
    expect(ofType(reads, 'read').map((r) => r.index)).toEqual([0]); // one block's room, not READS_PER_PEER
    const done = session.handle(
      { type: 'read-done', peer: leech.key, ...requests[0], data: pieceData(0).subarray(0, BLOCK_SIZE) },
      clock.now,
    );
    leech.absorb(done);
    expect(leech.ofType('piece')).toHaveLength(1);
    expect(ofType(done, 'read')).toEqual([]); // the block sits in the transport
    const drained = session.handle({ type: 'upload-queue', bytes: 0 }, clock.now);
    expect(ofType(drained, 'read').map((r) => r.index)).toEqual([1]);
  });

  it('pacing falls back to reading at once when the transport stops reporting', () => {
    const { session, clock, leech, tick } = servingSetup();
    session.handle({ type: 'upload-queue', bytes: 10 * BLOCK_SIZE }, clock.now); // full: nothing may be read
    leech.send({ type: 'interested' });
    const reads: EngineAction[] = [];
    for (const index of [0, 1, 2])
      reads.push(...leech.send({ type: 'request', index, begin: 0, length: BLOCK_SIZE }));
    expect(ofType(reads, 'read')).toEqual([]);
    const later = tick(PACE_SILENCE_MS);
    expect(ofType(later, 'read').map((r) => r.index)).toEqual([0, 1, 2]);
  });

  it('a free rider never unchokes anyone', () => {
    const s = setup({ seed: true, config: { chokePolicy: freeRider } });
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake();
    leech.send({ type: 'interested' });
    leech.absorb(s.tick(DEFAULT_CONFIG.chokeIntervalMs));
    leech.absorb(s.tick(DEFAULT_CONFIG.chokeIntervalMs));
    expect(leech.ofType('unchoke')).toEqual([]);
  });
});

describe('TorrentSession: downloading and verification', () => {
  it('is interested in a peer that has what it lacks, requests blocks once unchoked, and pipelines', () => {
    const s = setup({ config: { firstPieceOneSource: false } }); // a full pipeline from the first piece on (first-piece.ts)
    const seeder = seederPeer(s);
    expect(seeder.ofType('interested').length).toBe(1);
    const requests = seeder.ofType('request');
    expect(requests.length).toBeGreaterThanOrEqual(DEFAULT_CONFIG.minPipeline);
    for (const r of requests) expect(r.length).toBeLessThanOrEqual(BLOCK_SIZE);
  });

  it('verifies, stores, then counts a piece and sends have; completion announces and keeps connections', () => {
    const s = setup({
      have: (() => {
        const b = new Bitfield(info.pieceCount);
        b.set(0);
        b.set(1);
        b.set(2);
        return b;
      })(),
    });
    const seeder = seederPeer(s);
    const other = s.peer('other');
    other.connect();
    other.handshake();
    const requests = seeder.ofType('request');
    expect(requests.map((r) => r.index)).toEqual([3]);
    const data = pieceData(3);
    const actions = seeder.send({ type: 'piece', index: 3, begin: 0, block: data });
    const hashes = ofType(actions, 'hash');
    expect(hashes.length).toBe(1);
    expect(s.session.have!.get(3)).toBe(false);
    const afterHash = s.session.handle(
      { type: 'hashed', id: hashes[0].id, digest: sha1Sync(hashes[0].data) },
      s.clock.now,
    );
    const stores = ofType(afterHash, 'store');
    expect(stores.map((a) => a.index)).toEqual([3]);
    expect(Buffer.from(stores[0].data).equals(Buffer.from(data))).toBe(true);
    // Not counted, not announced, until stored.
    expect(s.session.have!.get(3)).toBe(false);
    expect(s.session.stats(s.clock.now).have).toBe(3);
    const afterStore = other.absorb(
      seeder.absorb(s.session.handle({ type: 'stored', index: 3 }, s.clock.now)),
    );
    expect(s.session.have!.get(3)).toBe(true);
    expect(other.ofType('have')).toEqual([{ type: 'have', index: 3 }]);
    expect(afterStore).toContainEqual({ type: 'announce', event: 'completed' });
    expect(afterStore).toContainEqual({ type: 'complete' });
    expect(ofType(afterStore, 'close')).toEqual([]);
    expect(seeder.ofType('not-interested').length).toBe(1);
    const stats = s.session.stats(s.clock.now);
    expect(stats.state).toBe('seeding');
    expect(stats.left).toBe(0);
    expect(stats.downloaded).toBe(data.length);
  });

  it('closes a peer that sends a block nobody asked for', () => {
    const s = setup();
    const peer = s.peer('pusher');
    peer.connect();
    peer.handshake();
    peer.send({ type: 'piece', index: 0, begin: 0, block: pieceData(0).subarray(0, BLOCK_SIZE) });
    expect(peer.closed).toBe('a block nobody asked for');
  });

  it('throws a bad piece away, re-requests it, and bans a peer that alone sent it', () => {
    const s = setup({ config: { minPipeline: 8, firstPieceOneSource: false } }); // room to request every block at once
    const liar = seederPeer(s, 'liar');
    const requests = liar.ofType('request').filter((r) => r.index === liar.ofType('request')[0].index);
    const index = requests[0].index;
    const corrupt = pieceData(index).slice();
    corrupt[0] ^= 1;
    let actions: EngineAction[] = [];
    for (const r of requests) {
      actions = actions.concat(
        liar.send({
          type: 'piece',
          index,
          begin: r.begin,
          block: corrupt.subarray(r.begin, r.begin + r.length),
        }),
      );
    }
    const hash = ofType(actions, 'hash')[0];
    liar.absorb(s.session.handle({ type: 'hashed', id: hash.id, digest: sha1Sync(hash.data) }, s.clock.now));
    expect(liar.closed).toBe('banned: sent corrupt data');
    expect(s.session.have!.get(index)).toBe(false);
    // Refused on reconnection, by peer id.
    const again = new MockPeer(s.session, 'liar#2', idFrom('liar'), info.infoHash, s.clock);
    again.connect();
    again.handshake();
    expect(again.closed).toBe('banned peer');
    // Another peer gets the piece requested again.
    const honest = seederPeer(s, 'honest');
    expect(honest.ofType('request').some((r) => r.index === index)).toBe(true);
  });

  it('holds a ban for the connection’s identities, whatever peer id the saboteur takes next', () => {
    const s = setup({ config: { minPipeline: 8 } });
    const liar = s.peer('liar');
    liar.connect(['dtls:11:22', 'ip:198.51.100.4']);
    liar.handshake();
    liar.send({ type: 'bitfield', bytes: Bitfield.full(info.pieceCount).bytes });
    liar.send({ type: 'unchoke' });
    const requests = liar.ofType('request').filter((r) => r.index === liar.ofType('request')[0].index);
    const index = requests[0].index;
    let actions: EngineAction[] = [];
    for (const r of requests) {
      const block = new Uint8Array(r.length).fill(9);
      actions = actions.concat(liar.send({ type: 'piece', index, begin: r.begin, block }));
    }
    const hash = ofType(actions, 'hash')[0];
    liar.absorb(s.session.handle({ type: 'hashed', id: hash.id, digest: sha1Sync(hash.data) }, s.clock.now));
    expect(liar.closed).toBe('banned: sent corrupt data');
    for (const identities of [['dtls:11:22'], ['ip:198.51.100.4', 'dtls:99']]) {
      const back = new MockPeer(
        s.session,
        `back#${identities[0]}`,
        idFrom('fresh-id'),
        info.infoHash,
        s.clock,
      );
      back.connect(identities);
      expect(back.closed).toBe('banned peer');
    }
    const other = new MockPeer(s.session, 'other#1', idFrom('other'), info.infoHash, s.clock);
    other.connect(['dtls:33', 'ip:198.51.100.5']);
    other.handshake();
    expect(other.closed).toBeUndefined();
  });

  it('a storage failure waits for storage, in words, with no error action, and counts nothing', () => {
    const s = setup();
    const seeder = seederPeer(s);
    const index = seeder.ofType('request')[0].index;
    let actions: EngineAction[] = [];
    for (const r of seeder.ofType('request').filter((q) => q.index === index)) {
      actions = actions.concat(
        seeder.send({
          type: 'piece',
          index,
          begin: r.begin,
          block: pieceData(index).subarray(r.begin, r.begin + r.length),
        }),
      );
    }
    const hash = ofType(actions, 'hash')[0];
    s.session.handle({ type: 'hashed', id: hash.id, digest: sha1Sync(hash.data) }, s.clock.now);
    const failed = s.session.handle(
      { type: 'store-failed', index, reason: 'QuotaExceededError' },
      s.clock.now,
    );
    expect(ofType(failed, 'error')).toEqual([]);
    const stats = s.session.stats(s.clock.now);
    expect(stats.state).toBe('error');
    expect(stats.have).toBe(0);
    expect(stats.error).toBe('Waiting for storage: QuotaExceededError');
    s.tick(STORAGE_RETRY_MS);
    expect(s.session.stats(s.clock.now)).toMatchObject({ state: 'downloading', error: undefined });
  });

  it('downloads the whole torrent from one scripted seeder', () => {
    const s = setup();
    const seeder = seederPeer(s);
    const served = new Set<string>();
    for (let round = 0; round < 20 && !s.session.have!.isComplete(); round++) {
      const pending = seeder.ofType('request').filter((r) => !served.has(`${r.index}:${r.begin}`));
      for (const r of pending) {
        served.add(`${r.index}:${r.begin}`);
        const actions = seeder.send({
          type: 'piece',
          index: r.index,
          begin: r.begin,
          block: pieceData(r.index).subarray(r.begin, r.begin + r.length),
        });
        settle(s.session, actions, s.clock.now, [seeder]);
      }
    }
    expect(s.session.have!.isComplete()).toBe(true);
    expect(s.session.stats(s.clock.now).state).toBe('seeding');
  });

  it('gives requests that time out to another peer', () => {
    const s = setup({
      config: {
        requestTimeoutMs: 30_000,
        snubTimeoutMs: 60_000,
        minPipeline: 8,
        endgameDuplicates: 1,
        firstPieceOneSource: false,
      },
    });
    const silent = seederPeer(s, 'silent');
    const asked = silent.ofType('request').map((r) => `${r.index}:${r.begin}`);
    expect(asked.length).toBe(7); // every block of the torrent
    const other = seederPeer(s, 'other');
    expect(other.ofType('request')).toEqual([]); // nothing left to ask
    for (let t = 0; t < 3; t++) {
      other.send({ type: 'keep-alive' });
      silent.send({ type: 'keep-alive' }); // alive, but it never sends a block
      other.absorb(silent.absorb(s.tick(15_000)));
    }
    const reassigned = other.ofType('request').map((r) => `${r.index}:${r.begin}`);
    expect(reassigned.sort()).toEqual([...asked].sort());
  });

  it('marks a peer that sends nothing it was asked for in 60 s as snubbed, however often it is asked again', () => {
    const s = setup({
      config: { requestTimeoutMs: 30_000, snubTimeoutMs: 60_000, firstPieceOneSource: false },
    });
    const silent = seederPeer(s, 'silent');
    const snubbed = () => s.session.stats(s.clock.now).peerStats[0].snubbed;
    for (let t = 0; t < 3; t++) {
      silent.send({ type: 'keep-alive' }); // alive, but it never sends a block
      silent.absorb(s.tick(15_000));
      expect(snubbed()).toBe(false);
    }
    silent.send({ type: 'keep-alive' });
    silent.absorb(s.tick(15_000));
    expect(silent.ofType('request').length).toBeGreaterThan(7); // its requests expired and were asked again
    expect(snubbed()).toBe(true);
    // One block and it is not snubbed any more.
    const r = silent.ofType('request').at(-1)!;
    silent.send({
      type: 'piece',
      index: r.index,
      begin: r.begin,
      block: pieceData(r.index).subarray(r.begin, r.begin + r.length),
    });
    expect(snubbed()).toBe(false);
  });

  it('pause chokes everyone and drops interest; resume picks the download up again', () => {
    const s = setup();
    const seeder = seederPeer(s);
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake();
    expect(seeder.ofType('interested').length).toBe(1);
    seeder.absorb(leech.absorb(s.session.handle({ type: 'pause' }, s.clock.now)));
    expect(s.session.stats(s.clock.now).state).toBe('paused');
    expect(seeder.ofType('not-interested').length).toBe(1);
    expect(s.session.stats(s.clock.now).peerStats.every((p) => p.requestsInFlight === 0)).toBe(true);
    leech.send({ type: 'interested' });
    expect(leech.ofType('unchoke')).toEqual([]);
    seeder.clear();
    seeder.absorb(s.session.handle({ type: 'resume' }, s.clock.now));
    expect(s.session.stats(s.clock.now).state).toBe('downloading');
    expect(seeder.ofType('interested').length).toBe(1);
    expect(seeder.ofType('request').length).toBeGreaterThan(0);
  });

  it('follows interest as the peer announces pieces and as we complete them', () => {
    const s = setup({ config: { minPipeline: 8 } });
    const peer = s.peer('partial');
    peer.connect();
    peer.handshake();
    expect(peer.ofType('interested')).toEqual([]);
    peer.send({ type: 'have', index: 2 });
    expect(peer.ofType('interested').length).toBe(1);
    peer.send({ type: 'unchoke' });
    const requests = peer.ofType('request');
    expect(requests.every((r) => r.index === 2)).toBe(true);
    let actions: EngineAction[] = [];
    for (const r of requests) {
      actions = actions.concat(
        peer.send({
          type: 'piece',
          index: 2,
          begin: r.begin,
          block: pieceData(2).subarray(r.begin, r.begin + r.length),
        }),
      );
    }
    settle(s.session, actions, s.clock.now, [peer]);
    expect(s.session.have!.get(2)).toBe(true);
    expect(peer.ofType('not-interested').length).toBe(1);
    peer.send({ type: 'have', index: 9 });
    expect(peer.closed).toMatch(/beyond the torrent/);
  });

  it('stop announces stopped, closes every peer, and refuses new ones', () => {
    const s = setup();
    const a = seederPeer(s, 'a');
    const b = s.peer('b');
    b.connect();
    const actions = b.absorb(a.absorb(s.session.handle({ type: 'stop' }, s.clock.now)));
    expect(actions[0]).toEqual({ type: 'announce', event: 'stopped' });
    expect([a.closed, b.closed]).toEqual(['stopped', 'stopped']);
    const c = s.peer('c');
    c.connect();
    expect(c.closed).toBe('stopped');
    expect(s.session.stats(s.clock.now).state).toBe('stopped');
  });

  it('reports per-peer statistics', () => {
    const s = setup();
    const seeder = seederPeer(s);
    seeder.extendedHandshake({ client: 'Scripted 1.0', reqq: 42 });
    const stats = s.session.stats(s.clock.now);
    expect(stats.peers).toBe(1);
    expect(stats.seeds).toBe(1);
    const [p] = stats.peerStats;
    expect(p.client).toBe('Scripted 1.0');
    expect(p.progress).toBe(1);
    expect(p.amInterested).toBe(true);
    expect(p.peerChoking).toBe(false);
    expect(p.requestsInFlight).toBeGreaterThan(0);
    expect(Array.from(stats.availability)).toEqual([1, 1, 1, 1]);
  });
});

describe('TorrentSession: configurable policies', () => {
  it('pieceSelection sequential requests the pieces in order', () => {
    const s = setup({ config: { pieceSelection: 'sequential', minPipeline: 8, firstPieceOneSource: false } });
    const seeder = seederPeer(s);
    const requested = seeder.ofType('request').map((r) => r.index);
    expect(requested.length).toBeGreaterThan(2);
    expect(requested).toEqual([...requested].sort((a, b) => a - b));
    expect(requested[0]).toBe(0);
  });

  it.each([
    ['uninteresting', false, true],
    ['none', false, false],
    ['all', true, true],
  ] as const)(
    'spareSlots %s: unchokes between rounds a peer that could upload to us: %s, one that cannot: %s',
    (spareSlots, could, cannot) => {
      const s = setup({ have: new Bitfield(info.pieceCount), config: { spareSlots } });
      s.tick(DEFAULT_CONFIG.chokeIntervalMs); // the first round is over: later unchokes are between rounds
      const rich = s.peer('rich');
      rich.connect();
      rich.handshake();
      rich.send({ type: 'bitfield', bytes: Bitfield.full(info.pieceCount).bytes });
      rich.send({ type: 'interested' });
      const poor = s.peer('poor');
      poor.connect();
      poor.handshake();
      poor.send({ type: 'interested' });
      expect(rich.ofType('unchoke').length > 0).toBe(could);
      expect(poor.ofType('unchoke').length > 0).toBe(cannot);
    },
  );

  it('a custom choker decides who is unchoked and caps the upload per peer', () => {
    const inputs: number[] = [];
    const s = setup({
      seed: true,
      config: {
        chokePolicy: {
          round: (input) => {
            inputs.push(input.peers.length);
            const unchoke = new Set(input.peers.filter((p) => p.interested).map((p) => p.peer));
            return {
              unchoke,
              optimistic: undefined,
              uploadCaps: new Map([...unchoke].map((p) => [p, BLOCK_SIZE])),
            };
          },
          betweenRounds: () => NO_CHOKE_CHANGES,
        },
      },
    });
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake();
    leech.send({ type: 'interested' });
    expect(leech.ofType('unchoke')).toEqual([]); // no unchoke between rounds: the choker decides
    leech.absorb(s.tick(DEFAULT_CONFIG.chokeIntervalMs));
    expect(inputs.at(-1)).toBe(1);
    expect(leech.ofType('unchoke').length).toBe(1);
    let reads = 0;
    for (const begin of [0, BLOCK_SIZE]) {
      for (const index of [0, 1]) {
        reads += ofType(leech.send({ type: 'request', index, begin, length: BLOCK_SIZE }), 'read').length;
      }
    }
    expect(reads).toBe(0); // the bucket starts empty
    const readsAt = (ms: number) => ofType(leech.absorb(s.tick(ms)), 'read').length;
    expect(readsAt(1000)).toBe(1); // 16 KiB/s: one block a second
    expect(readsAt(500)).toBe(0);
    expect(readsAt(500)).toBe(1);
  });

  it('applies the policy’s between-rounds decision, and asks it nothing while paused', () => {
    const triggers: string[] = [];
    const s = setup({
      seed: true,
      config: {
        chokePolicy: {
          round: () => ({ unchoke: new Set<string>(), optimistic: undefined }),
          betweenRounds: (input) => {
            triggers.push(input.trigger.kind);
            const { trigger } = input;
            if (trigger.kind === 'interested') return { choke: [], unchoke: [trigger.peer] };
            if (trigger.kind === 'not-interested') return { choke: [trigger.peer], unchoke: [] };
            return NO_CHOKE_CHANGES;
          },
        },
      },
    });
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake();
    leech.send({ type: 'interested' });
    expect(leech.ofType('unchoke').length).toBe(1);
    leech.send({ type: 'not-interested' });
    expect(leech.ofType('choke').length).toBe(1);
    expect(triggers).toEqual(['interested', 'not-interested']);
    s.session.handle({ type: 'pause' }, s.clock.now);
    leech.send({ type: 'interested' });
    expect(leech.ofType('unchoke').length).toBe(1);
    expect(triggers).toEqual(['interested', 'not-interested']);
  });

  it('asks the policy between rounds as soon as a peer is overdrawn, after the block that did it (a credit limit)', () => {
    const have = new Bitfield(info.pieceCount);
    have.set(0);
    const s = setup({
      have,
      config: {
        chokePolicy: {
          round: () => ({ unchoke: new Set<string>(), optimistic: undefined }),
          betweenRounds: ({ trigger }) =>
            trigger.kind === 'interested'
              ? { choke: [], unchoke: [trigger.peer] }
              : trigger.kind === 'overdrawn'
                ? { choke: [trigger.peer], unchoke: [] }
                : NO_CHOKE_CHANGES,
          overdrawn: (peer) => (peer.uploaded ?? 0) >= BLOCK_SIZE,
        },
      },
    });
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake();
    leech.send({ type: 'interested' });
    expect(leech.ofType('unchoke').length).toBe(1);
    const reads = [0, BLOCK_SIZE].flatMap((begin) =>
      ofType(leech.send({ type: 'request', index: 0, begin, length: BLOCK_SIZE }), 'read'),
    );
    expect(reads.length).toBe(2);
    const done = (begin: number) =>
      leech.absorb(
        s.session.handle(
          {
            type: 'read-done',
            peer: reads[0].peer,
            index: 0,
            begin,
            data: pieceData(0).subarray(begin, begin + BLOCK_SIZE),
          },
          s.clock.now,
        ),
      );
    done(0);
    expect(leech.ofType('piece').length).toBe(1);
    expect(leech.ofType('choke').length).toBe(1);
    done(BLOCK_SIZE); // its second request went with the choke
    expect(leech.ofType('piece').length).toBe(1);
  });

  it('seeding, tells the policy which peers passed our pieces on (another peer announced a piece we sent only them)', () => {
    const seen = new Map<string, { pending: number; forwarded: number }>();
    const asked: boolean[] = [];
    const s = setup({
      seed: true,
      config: {
        chokePolicy: {
          round: (input) => {
            for (const p of input.peers)
              seen.set(p.peer, { pending: p.forwardPending ?? -1, forwarded: p.forwarded ?? -1 });
            return { unchoke: new Set(input.peers.map((p) => p.peer)), optimistic: undefined };
          },
          betweenRounds: ({ trigger }) =>
            trigger.kind === 'interested' ? { choke: [], unchoke: [trigger.peer] } : NO_CHOKE_CHANGES,
          overdrawn: (_peer, _length, seeding) => {
            asked.push(seeding === true);
            return false;
          },
        },
      },
    });
    const [a, b] = ['a', 'b'].map((name) => {
      const leech = s.peer(name);
      leech.connect();
      leech.handshake();
      leech.send({ type: 'interested' });
      return leech;
    });
    const [read] = ofType(a.send({ type: 'request', index: 0, begin: 0, length: BLOCK_SIZE }), 'read');
    a.absorb(
      s.session.handle(
        {
          type: 'read-done',
          peer: read.peer,
          index: 0,
          begin: 0,
          data: pieceData(0).subarray(0, BLOCK_SIZE),
        },
        s.clock.now,
      ),
    );
    expect(asked).toEqual([true]);
    s.tick(DEFAULT_CONFIG.chokeIntervalMs);
    expect(seen.get(a.key)).toEqual({ pending: 1, forwarded: 0 });
    b.send({ type: 'have', index: 0 });
    s.tick(DEFAULT_CONFIG.chokeIntervalMs);
    expect(seen.get(a.key)).toEqual({ pending: 0, forwarded: 1 });
    expect(seen.get(b.key)).toEqual({ pending: 0, forwarded: 0 });
  });

  it('a fixed upload cap throttles every peer, and an invalid cap is refused', () => {
    expect(() => setup({ config: { chokePolicy: { ...titForTat, uploadCap: 0 } } })).toThrow(RangeError);
    const s = setup({ seed: true, config: { chokePolicy: fixedUploadCap(2 * BLOCK_SIZE) } });
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake();
    leech.send({ type: 'interested' });
    expect(leech.ofType('unchoke').length).toBe(1);
    for (const index of [0, 1, 2]) leech.send({ type: 'request', index, begin: 0, length: BLOCK_SIZE });
    expect(leech.closed).toBeUndefined();
    expect(ofType(leech.absorb(s.tick(1000)), 'read').length).toBe(2);
  });
});

describe('TorrentSession: BEP 6 fast extension', () => {
  it('advertises fast; sends have-all/have-none only to a peer that supports it', () => {
    const seed = setup({ seed: true });
    const fast = seed.peer('fast');
    fast.connect();
    expect(fast.received[0]).toMatchObject({ kind: 'handshake' });
    const hs = fast.received[0];
    expect(hs.kind === 'handshake' && (hs.handshake.reserved[7] & 0x04) !== 0).toBe(true);
    fast.handshake({ fast: true });
    expect(fast.ofType('have-all').length).toBe(1);
    expect(fast.ofType('bitfield')).toEqual([]);
    const plain = seed.peer('plain');
    plain.connect();
    plain.handshake();
    expect(plain.ofType('have-all')).toEqual([]);
    expect(plain.ofType('bitfield').length).toBe(1);

    const empty = setup();
    const fast2 = empty.peer('fast');
    fast2.connect();
    fast2.handshake({ fast: true });
    expect(fast2.ofType('have-none').length).toBe(1);
    const plain2 = empty.peer('plain');
    plain2.connect();
    plain2.handshake();
    expect(plain2.ofType('have-none')).toEqual([]);
  });

  it.each([
    { type: 'have-all' },
    { type: 'have-none' },
    { type: 'suggest-piece', index: 0 },
    { type: 'allowed-fast', index: 0 },
    { type: 'reject-request', index: 0, begin: 0, length: BLOCK_SIZE },
  ] as const)('closes a peer without fast that sends $type, and keeps a fast one', (message) => {
    const s = setup();
    const plain = s.peer('plain');
    plain.connect();
    plain.handshake();
    plain.send(message);
    expect(plain.closed).toMatch(/fast extension/);
    const fast = s.peer('fast');
    fast.connect();
    fast.handshake({ fast: true });
    fast.send(message);
    expect(fast.closed).toBeUndefined();
  });

  it('a reject-request releases that request: another peer gets it, the rejecting one not at once', () => {
    const s = setup({ config: { minPipeline: 1, maxPipeline: 1, firstPieceOneSource: false } });
    const a = s.peer('a');
    a.connect();
    a.handshake({ fast: true });
    a.send({ type: 'have-all' }, { type: 'unchoke' });
    const [asked] = a.ofType('request');
    expect(asked).toBeDefined();
    const b = s.peer('b');
    b.connect();
    b.handshake({ fast: true });
    b.send({ type: 'have-all' }, { type: 'unchoke' });
    const bFirst = b.ofType('request');
    expect(bFirst.length).toBe(1);
    b.absorb(a.send({ ...asked, type: 'reject-request' }));
    // b finishes its block; the rejected one goes to b next, not back to a.
    const block = pieceData(bFirst[0].index).subarray(bFirst[0].begin, bFirst[0].begin + bFirst[0].length);
    settle(
      s.session,
      b.send({ type: 'piece', index: bFirst[0].index, begin: bFirst[0].begin, block }),
      s.clock.now,
      [a, b],
    );
    expect(b.ofType('request').some((r) => r.index === asked.index && r.begin === asked.begin)).toBe(true);
    expect(a.ofType('request').filter((r) => r.index === asked.index && r.begin === asked.begin).length).toBe(
      1,
    );
  });

  it('a block rejected by the only peer that has it is asked of that peer again a second later, not 30 s later', () => {
    // A seeder's queue was full for a moment: the stream that waits for this block must not wait a request timeout.
    const s = setup({ config: { minPipeline: 1, maxPipeline: 1 } });
    const only = s.peer('only');
    only.connect();
    only.handshake({ fast: true });
    only.send({ type: 'have-all' }, { type: 'unchoke' });
    const [asked] = only.ofType('request');
    only.send({ ...asked, type: 'reject-request' });
    const again = () =>
      only.ofType('request').filter((r) => r.index === asked.index && r.begin === asked.begin);
    // It answers the other blocks it is asked for meanwhile.
    let answered = 0;
    const serve = () => {
      const others = only.ofType('request').filter((r) => r.index !== asked.index || r.begin !== asked.begin);
      for (const r of others.slice(answered)) {
        const block = pieceData(r.index).subarray(r.begin, r.begin + r.length);
        only.send({ type: 'piece', index: r.index, begin: r.begin, block });
      }
      answered = others.length;
    };
    serve();
    only.absorb(s.tick(REJECT_RETRY_MS / 2));
    serve();
    expect(again()).toHaveLength(1);
    for (let waited = 0; waited < REJECT_RETRY_MS + 1_000; waited += 200) {
      only.absorb(s.tick(200));
      serve();
    }
    expect(again()).toHaveLength(2);
    expect(REJECT_RETRY_MS).toBeLessThanOrEqual(2_000);
  });

  it('rejects a fast peer its requests when choked, and its queued ones when choking it', () => {
    const s = setup({ seed: true });
    const leech = s.peer('leech');
    leech.connect();
    leech.handshake({ fast: true });
    leech.send({ type: 'request', index: 0, begin: 0, length: BLOCK_SIZE });
    expect(leech.ofType('reject-request')).toEqual([
      { type: 'reject-request', index: 0, begin: 0, length: BLOCK_SIZE },
    ]);
    leech.clear();
    leech.send({ type: 'interested' });
    expect(leech.ofType('unchoke').length).toBe(1);
    const reads = ofType(
      [
        ...leech.send({ type: 'request', index: 1, begin: 0, length: BLOCK_SIZE }),
        ...leech.send({ type: 'request', index: 2, begin: BLOCK_SIZE, length: BLOCK_SIZE }),
      ],
      'read',
    );
    expect(reads.length).toBe(2);
    leech.absorb(s.session.handle({ type: 'pause' }, s.clock.now));
    const after = leech.messages().slice(-3);
    expect(after[0]).toEqual({ type: 'choke' });
    expect(after.slice(1)).toEqual([
      { type: 'reject-request', index: 1, begin: 0, length: BLOCK_SIZE },
      { type: 'reject-request', index: 2, begin: BLOCK_SIZE, length: BLOCK_SIZE },
    ]);
  });
});

describe('TorrentSession: slots and chokes between rounds', () => {
  it('chokes an unchoked peer that loses interest and gives its slot to a waiting one', () => {
    const s = setup({ seed: true, config: { uploadSlots: 1 } });
    const first = s.peer('first');
    first.connect();
    first.handshake();
    first.send({ type: 'interested' });
    expect(first.ofType('unchoke').length).toBe(1);
    const second = s.peer('second');
    second.connect();
    second.handshake();
    second.send({ type: 'interested' });
    expect(second.ofType('unchoke')).toEqual([]); // no free slot
    second.absorb(first.send({ type: 'not-interested' }));
    expect(first.ofType('choke').length).toBe(1);
    expect(second.ofType('unchoke').length).toBe(1);
  });

  it('keeps requests to a fast peer that chokes (it rejects what it drops); releases them without fast', () => {
    for (const fast of [true, false]) {
      const s = setup({ config: { minPipeline: 2, maxPipeline: 2 } });
      const a = s.peer('a');
      a.connect();
      a.handshake({ fast });
      a.send({ type: 'bitfield', bytes: Bitfield.full(info.pieceCount).bytes }, { type: 'unchoke' });
      expect(a.ofType('request').length).toBe(2);
      a.send({ type: 'choke' });
      const inFlight = s.session.stats(s.clock.now).peerStats[0].requestsInFlight;
      expect(inFlight).toBe(fast ? 2 : 0);
    }
  });
});

describe('TorrentSession: rejects that come with a choke', () => {
  it('asks the only source again for a block it rejected while choking, once it unchokes', () => {
    const s = setup({ config: { minPipeline: 1, maxPipeline: 1 } });
    const a = s.peer('a');
    a.connect();
    a.handshake({ fast: true });
    a.send({ type: 'have-all' }, { type: 'unchoke' });
    const [asked] = a.ofType('request');
    a.send({ type: 'choke' }, { ...asked, type: 'reject-request' });
    a.clear();
    a.send({ type: 'unchoke' });
    expect(a.ofType('request')).toEqual([asked]);
  });
});

describe('TorrentSession: priorities', () => {
  it('asks for pieces with a deadline first, and never for a skipped file', () => {
    const s = setup({ config: { minPipeline: 2, maxPipeline: 2 } });
    const deadlines = [
      { index: 1, at: s.clock.now + 2000 },
      { index: 3, at: s.clock.now + 1000 },
    ];
    s.session.handle({ type: 'piece-deadlines', deadlines }, s.clock.now);
    s.session.handle({ type: 'file-priorities', priorities: ['normal'] }, s.clock.now);
    const seeder = seederPeer(s);
    expect(seeder.ofType('request').map((r) => [r.index, r.begin])).toEqual([
      [3, 0],
      [1, 0],
    ]);
  });

  it('marks the check of a piece a player waits for urgent, and no other', () => {
    const s = setup({ config: { minPipeline: 64, maxPipeline: 64 } });
    s.session.handle(
      { type: 'piece-deadlines', deadlines: [{ index: 2, at: s.clock.now + 1000 }] },
      s.clock.now,
    );
    const seeder = seederPeer(s);
    const checks: Array<{ index: number; urgent: boolean }> = [];
    for (const r of seeder.ofType('request')) {
      const block = pieceData(r.index).subarray(r.begin, r.begin + r.length);
      for (const hash of ofType(
        seeder.send({ type: 'piece', index: r.index, begin: r.begin, block }),
        'hash',
      ))
        checks.push({ index: r.index, urgent: hash.urgent === true });
    }
    expect(checks.sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, urgent: false },
      { index: 1, urgent: false },
      { index: 2, urgent: true },
      { index: 3, urgent: false },
    ]);
  });

  it('asks for the early pieces (the start and end of a playable file) before the rest, and forgets a replaced list', () => {
    const firstAsked = (early?: number[]) => {
      const s = setup({ config: { minPipeline: 1, maxPipeline: 1 } });
      if (early) s.session.handle({ type: 'early-pieces', pieces: early }, s.clock.now);
      return seederPeer(s).ofType('request')[0].index;
    };
    // Without a list the first piece is a random one; each early piece is asked first whatever it is.
    const random = firstAsked();
    for (const early of [0, 1, 2, 3].filter((index) => index !== random))
      expect(firstAsked([early])).toBe(early);
    const s = setup({ config: { minPipeline: 1, maxPipeline: 1 } });
    s.session.handle({ type: 'early-pieces', pieces: [(random + 1) % 4] }, s.clock.now);
    s.session.handle({ type: 'early-pieces', pieces: [] }, s.clock.now);
    expect(seederPeer(s).ofType('request')[0].index).toBe(random);
  });

  it('asks for the early pieces in the order listed (a file end before the rest of its start), not by index', () => {
    const s = setup({ config: { minPipeline: 64, maxPipeline: 64, firstPieceOneSource: false } });
    s.session.handle({ type: 'early-pieces', pieces: [0, 3, 1] }, s.clock.now);
    const asked = seederPeer(s)
      .ofType('request')
      .map((r) => r.index);
    const firstOf = [...new Set(asked)];
    expect(firstOf.slice(0, 3)).toEqual([0, 3, 1]);
  });

  it('a torrent whose only file is skipped asks for nothing and is not interested', () => {
    const s = setup();
    s.session.handle({ type: 'file-priorities', priorities: ['skip'] }, s.clock.now);
    const seeder = seederPeer(s);
    expect(seeder.ofType('interested')).toEqual([]);
    expect(seeder.ofType('request')).toEqual([]);
    // Chosen again: interested at once, and asking.
    seeder.absorb(s.session.handle({ type: 'file-priorities', priorities: ['normal'] }, s.clock.now));
    expect(seeder.ofType('interested')).toHaveLength(1);
    expect(seeder.ofType('request').length).toBeGreaterThan(0);
  });
});

describe('TorrentSession and its wishlist', () => {
  it('feeds the wishlist what peers have, sends the requests it picks, and asks it whether a block was asked for', () => {
    const calls: string[] = [];
    const wanted = { index: 2, begin: BLOCK_SIZE, length: BLOCK_SIZE };
    let sent = 0;
    const wishlist: Wishlist = {
      peerBitfield: (peer, bits) => void calls.push(`bitfield ${peer} ${bits.count()}`),
      peerHave: (peer, index) => {
        calls.push(`have ${peer} ${index}`);
        return true;
      },
      peerHaveAll: (peer) => void calls.push(`have-all ${peer}`),
      peerGone: (peer) => {
        calls.push(`gone ${peer}`);
        return [];
      },
      peerPieces: () => 3,
      availability: () => 1,
      isPeerInteresting: () => true,
      nextRequests: (peer, count) => {
        if (sent > 0 || count < 1) return [];
        sent++;
        calls.push(`next ${peer}`);
        return [wanted];
      },
      outstanding: () => sent,
      releasePeer: () => [],
      release: () => false,
      expire: () => [],
      receive: (peer, index, begin, length) => {
        calls.push(`asked? ${peer} ${index} ${begin} ${length}`);
        if (index !== wanted.index || begin !== wanted.begin || length !== wanted.length) return undefined;
        calls.push(`block ${peer} ${index}`);
        return { expected: true, duplicate: false, cancels: [], pieceComplete: false };
      },
      pieceVerified: () => [],
      pieceFailed: () => undefined,
      setPriority: () => 'normal' as const,
      setDeadline: () => undefined,
      clearDeadlines: () => undefined,
      wantedMissing: 1,
    };
    const s = setup({
      config: {
        wishlist: (options) => {
          calls.push(`pieces ${options.pieceCount}`);
          return wishlist;
        },
      },
    });
    const peer = seederPeer(s);
    expect(peer.ofType('interested').length).toBe(1);
    expect(peer.ofType('request')).toEqual([{ type: 'request', ...wanted }]);
    peer.send({ type: 'have', index: 1 });
    expect(s.session.stats(s.clock.now).peerStats[0].progress).toBe(3 / info.pieceCount);
    peer.send({
      type: 'piece',
      index: wanted.index,
      begin: wanted.begin,
      block: pieceData(2).subarray(0, BLOCK_SIZE),
    });
    expect(peer.closed).toBeUndefined();
    peer.send({ type: 'piece', index: 0, begin: 0, block: pieceData(0).subarray(0, BLOCK_SIZE) });
    expect(peer.closed).toBe('a block nobody asked for');
    s.session.handle({ type: 'peer-closed', peer: peer.key }, s.clock.now);
    expect(calls).toEqual([
      `pieces ${info.pieceCount}`,
      `bitfield ${peer.key} ${info.pieceCount}`,
      `next ${peer.key}`,
      `have ${peer.key} 1`,
      `asked? ${peer.key} 2 ${BLOCK_SIZE} ${BLOCK_SIZE}`,
      `block ${peer.key} 2`,
      `asked? ${peer.key} 0 0 ${BLOCK_SIZE}`,
      `gone ${peer.key}`,
    ]);
  });
});
