// Fuzzing the session's peer input: random bytes and random valid-but-hostile message sequences from one peer must
// never throw out of handle(), may only ever close that peer, and must leave the session able to finish the download
// from an honest peer with the right bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode } from '../../codec/bencode';
import { Bitfield } from '../../codec/bitfield';
import { encodeExtendedHandshake, encodeMetadataMessage } from '../../codec/extension';
import { sha1Sync } from '../../testing/sha1';
import { encodeHandshake, encodeMessage, reservedBytes, type WireMessage } from '../../codec/wire';
import { TorrentSession, UT_METADATA_ID } from './session';
import { idFrom, MockPeer } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { randomTorrent } from '../testing/swarm';
import type { EngineAction, EngineEvent } from '../contract/engine-types';

// 6 pieces of 32 KiB, the last one 5 KiB.
const torrent = randomTorrent(41, 5 * 32 * 1024 + 5 * 1024, { sha1: sha1Sync, pieceLength: 32 * 1024 });
const { info } = torrent;
const HOSTILE = 'hostile#1';

function pieceData(index: number): Uint8Array {
  return torrent.data.subarray(
    index * info.pieceLength,
    Math.min(info.length, (index + 1) * info.pieceLength),
  );
}

/** A session that has pieces 0 and 1 (so it serves too), with an honest seeder connected and unchoking it. */
function arena(magnet = false) {
  const clock = { now: 0 };
  const have = new Bitfield(info.pieceCount);
  have.set(0);
  have.set(1);
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('-SD0001-fuzzed'),
    info: magnet ? undefined : info,
    have: magnet ? undefined : have,
    random: mulberry32(3),
    now: 0,
  });
  const stored = new Map<number, Uint8Array>();
  const honest = new MockPeer(session, 'honest#1', idFrom('honest'), info.infoHash, clock);
  const closes: Array<{ peer: string; reason: string }> = [];
  /** Feeds an event, answers hash/store/read actions like a correct adapter, and records closes. */
  const feed = (event: EngineEvent): void => {
    const queue: EngineEvent[] = [event];
    while (queue.length > 0) {
      const actions: EngineAction[] = session.handle(queue.shift() as EngineEvent, clock.now);
      honest.absorb(actions);
      for (const action of actions) {
        if (action.type === 'close') closes.push({ peer: action.peer, reason: action.reason });
        if (action.type === 'hash')
          queue.push({ type: 'hashed', id: action.id, digest: sha1Sync(action.data) });
        if (action.type === 'store') {
          stored.set(action.index, action.data.slice());
          queue.push({ type: 'stored', index: action.index });
        }
        if (action.type === 'read') {
          const data = (stored.get(action.index) ?? pieceData(action.index)).subarray(
            action.begin,
            action.begin + action.length,
          );
          queue.push({
            type: 'read-done',
            peer: action.peer,
            index: action.index,
            begin: action.begin,
            data,
          });
        }
      }
    }
  };
  feed({ type: 'tick' });
  feed({ type: 'peer-connected', peer: honest.key });
  feed({
    type: 'peer-data',
    peer: honest.key,
    data: encodeHandshake({
      infoHash: info.infoHash,
      peerId: honest.peerId,
      reserved: reservedBytes({ extended: true }),
    }),
  });
  const honestSend = (message: WireMessage) =>
    feed({ type: 'peer-data', peer: honest.key, data: encodeMessage(message) });
  if (magnet) {
    honestSend({
      type: 'extended',
      id: 0,
      payload: encodeExtendedHandshake({
        m: { ut_metadata: honest.utMetadata },
        metadataSize: info.infoBytes.length,
      }),
    });
  }
  honestSend({ type: 'bitfield', bytes: Bitfield.full(info.pieceCount).bytes });
  honestSend({ type: 'unchoke' });
  feed({ type: 'peer-connected', peer: HOSTILE });

  /** The honest seeder answers everything asked of it until the session is complete (or gives up). */
  const finishFromHonest = (): boolean => {
    const answered = new Set<string>();
    for (let round = 0; round < 50 && !session.have?.isComplete(); round++) {
      let progress = false;
      for (const m of honest.metadataMessages()) {
        if (m.msgType !== 'request' || answered.has(`m${m.piece}`)) continue;
        answered.add(`m${m.piece}`);
        progress = true;
        const start = m.piece * 16384;
        const data = info.infoBytes.subarray(start, Math.min(info.infoBytes.length, start + 16384));
        const id = honest.sessionExtensions().ut_metadata;
        honestSend({
          type: 'extended',
          id,
          payload: encodeMetadataMessage({
            msgType: 'data',
            piece: m.piece,
            totalSize: info.infoBytes.length,
            data,
          }),
        });
      }
      for (const r of honest.ofType('request')) {
        const key = `${r.index}:${r.begin}`;
        if (answered.has(key)) continue;
        answered.add(key);
        progress = true;
        honestSend({
          type: 'piece',
          index: r.index,
          begin: r.begin,
          block: pieceData(r.index).subarray(r.begin, r.begin + r.length),
        });
      }
      if (!progress) {
        // Requests held by the hostile peer time out and come to the honest one.
        clock.now += 31_000;
        honestSend({ type: 'keep-alive' });
        feed({ type: 'tick' });
      }
    }
    return session.have?.isComplete() ?? false;
  };
  return { session, clock, feed, closes, honest, stored, finishFromHonest };
}

/** Runs in which the hostile peer got closed (the fuzzing must reach the closing paths, not only shrug). */
let hostileClosed = 0;

function checkAftermath(a: ReturnType<typeof arena>): void {
  if (a.closes.some((c) => c.peer === HOSTILE)) hostileClosed++;
  // Only the hostile peer was ever closed, and the honest one still works.
  expect(a.closes.filter((c) => c.peer !== HOSTILE)).toEqual([]);
  expect(a.honest.closed).toBeUndefined();
  a.feed({ type: 'peer-closed', peer: HOSTILE });
  expect(a.finishFromHonest()).toBe(true);
  for (let i = 0; i < info.pieceCount; i++) {
    const data = a.stored.get(i) ?? (i < 2 ? pieceData(i) : undefined);
    expect(data && Buffer.from(data).equals(Buffer.from(pieceData(i))), `piece ${i}`).toBe(true);
  }
  expect(a.session.stats(a.clock.now).state).toBe('seeding');
}

const hostileHandshake = () =>
  encodeHandshake({
    infoHash: info.infoHash,
    peerId: idFrom('hostile'),
    reserved: reservedBytes({ extended: true, fast: true }),
  });

const u32 = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 0, max: 70_000 }),
  fc.constant(0xffffffff),
);

/** Messages that are valid on the wire but may be nonsense or hostile for this torrent. */
const hostileMessage: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.constantFrom<WireMessage>(
    { type: 'keep-alive' },
    { type: 'choke' },
    { type: 'unchoke' },
    { type: 'interested' },
    { type: 'not-interested' },
    { type: 'have-all' },
    { type: 'have-none' },
  ),
  u32.map((index): WireMessage => ({ type: 'have', index })),
  fc.uint8Array({ minLength: 0, maxLength: 3 }).map((bytes): WireMessage => ({ type: 'bitfield', bytes })),
  fc.record({ index: u32, begin: u32, length: u32 }).map((r): WireMessage => ({ type: 'request', ...r })),
  fc.record({ index: u32, begin: u32, length: u32 }).map((r): WireMessage => ({ type: 'cancel', ...r })),
  fc
    .record({ index: u32, begin: u32, length: u32 })
    .map((r): WireMessage => ({ type: 'reject-request', ...r })),
  u32.map((index): WireMessage => ({ type: 'suggest-piece', index })),
  u32.map((index): WireMessage => ({ type: 'allowed-fast', index })),
  fc
    .record({
      index: fc.integer({ min: 0, max: 7 }),
      begin: fc.constantFrom(0, 16384, 100),
      size: fc.constantFrom(0, 1, 16384, 20000),
    })
    .map((r): WireMessage => ({
      type: 'piece',
      index: r.index,
      begin: r.begin,
      block: new Uint8Array(r.size).fill(7),
    })),
  fc.integer({ min: 0, max: 65535 }).map((port): WireMessage => ({ type: 'port', port })),
  fc.uint8Array({ maxLength: 40 }).map((payload): WireMessage => ({ type: 'extended', id: 0, payload })),
  fc
    .record({
      size: fc.oneof(u32, fc.constant(info.infoBytes.length)),
      reqq: fc.integer({ min: 1, max: 1000 }),
    })
    .map((r): WireMessage => ({
      type: 'extended',
      id: 0,
      payload: encode({ m: { ut_metadata: 2 }, metadata_size: r.size, reqq: r.reqq }),
    })),
  fc
    .record({ id: fc.integer({ min: 1, max: 255 }), payload: fc.uint8Array({ maxLength: 40 }) })
    .map((r): WireMessage => ({ type: 'extended', ...r })),
  fc
    .record({
      msg: fc.integer({ min: 0, max: 3 }),
      piece: u32,
      total: u32,
      tail: fc.uint8Array({ maxLength: 20 }),
    })
    .map((r): WireMessage => {
      const head = encode({ msg_type: r.msg, piece: r.piece, total_size: r.total });
      const payload = new Uint8Array(head.length + r.tail.length);
      payload.set(head);
      payload.set(r.tail, head.length);
      return { type: 'extended', id: UT_METADATA_ID, payload };
    }),
);

describe('fuzz: one hostile peer', () => {
  it('random bytes, with or without a valid handshake first, never throw and only close that peer', () => {
    hostileClosed = 0;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 12 }),
        (magnet, handshakeFirst, chunks) => {
          const a = arena(magnet);
          if (handshakeFirst) a.feed({ type: 'peer-data', peer: HOSTILE, data: hostileHandshake() });
          for (const data of chunks) {
            a.feed({ type: 'peer-data', peer: HOSTILE, data });
            a.clock.now += 100;
            a.feed({ type: 'tick' });
          }
          checkAftermath(a);
        },
      ),
      { numRuns: 150, seed: 1234 },
    );
    expect(hostileClosed).toBeGreaterThan(50);
  });

  it('random sequences of valid messages with hostile contents never throw and only close that peer', () => {
    hostileClosed = 0;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(hostileMessage, fc.integer({ min: 0, max: 5_000 })), { maxLength: 40 }),
        (magnet, script) => {
          const a = arena(magnet);
          a.feed({ type: 'peer-data', peer: HOSTILE, data: hostileHandshake() });
          for (const [message, wait] of script) {
            // Whole messages, sometimes split in two to exercise reassembly.
            const bytes = encodeMessage(message);
            const cut = wait % 3 === 0 ? Math.floor(bytes.length / 2) : bytes.length;
            a.feed({ type: 'peer-data', peer: HOSTILE, data: bytes.subarray(0, cut) });
            if (cut < bytes.length) a.feed({ type: 'peer-data', peer: HOSTILE, data: bytes.subarray(cut) });
            a.clock.now += wait;
            a.feed({ type: 'tick' });
          }
          checkAftermath(a);
        },
      ),
      { numRuns: 300, seed: 4321 },
    );
    expect(hostileClosed).toBeGreaterThan(100);
  });

  it('closes a peer whose stream is not BitTorrent at all', () => {
    const a = arena();
    a.feed({ type: 'peer-data', peer: HOSTILE, data: new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n') });
    expect(a.closes).toEqual([{ peer: HOSTILE, reason: expect.stringMatching(/WireError/) }]);
    // Late data for the closed peer is ignored.
    a.feed({ type: 'peer-data', peer: HOSTILE, data: new Uint8Array([1, 2, 3]) });
    checkAftermath(a);
  });
});
