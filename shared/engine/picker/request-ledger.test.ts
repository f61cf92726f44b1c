import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { BlockGeometry, type BlockRequest } from './block-geometry';
import { newPeerRequests, RequestLedger, type PeerRequests } from './request-ledger';
import { KIB16, field, range, verify, picker, interesting, pieces } from '../testing/picker';

describe('PiecePicker arrivals and verification', () => {
  it('reports a completed piece once every block arrived, and duplicates change nothing', () => {
    const p = picker({ pieceCount: 2 });
    p.peerHaveAll('a');
    const requests = p.nextRequests('a', 4, 0);
    expect(pieces(requests)).toHaveLength(1);
    expect(p.outstanding('a')).toBe(4);
    const results = requests.map((r) => p.blockReceived('a', r.index, r.begin, r.length));
    expect(results.map((r) => r.pieceComplete)).toEqual([false, false, false, true]);
    expect(p.outstanding('a')).toBe(0);
    const again = p.blockReceived('a', requests[0].index, requests[0].begin, requests[0].length);
    expect(again).toEqual({ expected: true, duplicate: true, cancels: [], pieceComplete: false });
    // A third copy was never asked for.
    expect(p.blockReceived('a', requests[0].index, requests[0].begin, requests[0].length).expected).toBe(
      false,
    );
  });

  it('flags blocks nobody asked for and changes nothing', () => {
    const p = picker({ pieceCount: 2 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [r] = p.nextRequests('a', 1, 0);
    expect(p.blockReceived('b', r.index, r.begin, r.length).expected).toBe(false);
    expect(p.blockReceived('stranger', r.index, r.begin, r.length).expected).toBe(false);
    expect(p.blockReceived('a', r.index, r.begin, r.length - 1).expected).toBe(false);
    expect(p.blockReceived('a', r.index, r.begin + 1, r.length).expected).toBe(false);
    expect(p.blockReceived('a', 99, 0, KIB16).expected).toBe(false);
    expect(p.blockReceived('a', r.index, 64 * KIB16, KIB16).expected).toBe(false);
    expect(p.outstanding('a')).toBe(1);
    expect(p.blockReceived('a', r.index, r.begin, r.length)).toMatchObject({
      expected: true,
      duplicate: false,
    });
  });

  it('makes every block of a failed piece requestable again', () => {
    const p = picker({ pieceCount: 3 });
    p.peerHaveAll('a');
    const requests = p.nextRequests('a', 4, 0);
    const index = requests[0].index;
    const results = requests.map((r) => p.blockReceived('a', r.index, r.begin, r.length));
    expect(results.at(-1)!.pieceComplete).toBe(true);
    // Nothing of it is requested any more while it waits for its hash check.
    expect(pieces(p.nextRequests('a', 100, 0))).not.toContain(index);
    p.pieceFailed(index);
    expect(p.inEndgame()).toBe(false);
    p.peerHaveAll('b');
    const again = p.nextRequests('b', 100, 0);
    expect(again.filter((r) => r.index === index).map((r) => r.begin)).toEqual(
      [0, 1, 2, 3].map((b) => b * KIB16),
    );
    expect(() => {
      verify(p, 0);
      p.pieceFailed(0);
    }).toThrow(/already verified/);
  });

  it('drops the requests of a piece verified while they were out, and becomes complete', () => {
    const p = picker({ pieceCount: 2 });
    p.peerHaveAll('a');
    const requests = p.nextRequests('a', 8, 0);
    expect(p.outstanding('a')).toBe(8);
    verify(p, 0);
    expect(p.outstanding('a')).toBe(4);
    // A late block of the verified piece is a harmless duplicate.
    const late = requests.find((r) => r.index === 0)!;
    expect(p.blockReceived('a', late.index, late.begin, late.length)).toMatchObject({
      expected: true,
      duplicate: true,
    });
    verify(p, 1);
    verify(p, 1);
    expect(p.complete).toBe(true);
    expect(p.inEndgame()).toBe(false);
    expect(p.nextRequests('a', 8, 0)).toEqual([]);
  });

  it('tells whether a peer has anything we need', () => {
    const have = field(100, range(0, 50));
    const p = picker({ pieceCount: 100, have });
    expect(interesting(p, 'x1', field(100, range(0, 50)))).toBe(false);
    expect(interesting(p, 'x2', field(100, [77]))).toBe(true);
    p.peerBitfield('a', field(100, [10, 60]));
    p.peerBitfield('b', field(100, [10]));
    p.peerHaveAll('c');
    expect(p.isPeerInteresting('a')).toBe(true);
    expect(p.isPeerInteresting('b')).toBe(false);
    expect(p.isPeerInteresting('c')).toBe(true);
    verify(p, 60);
    expect(p.isPeerInteresting('a')).toBe(false);
    expect(interesting(p, 'x3', field(100, [10, 60]))).toBe(false);
    // Near the end.
    for (let i = 50; i < 99; i++) verify(p, i);
    expect(interesting(p, 'x4', field(100, [99]))).toBe(true);
    expect(interesting(p, 'x5', field(100, range(0, 99)))).toBe(false);
  });

  it('rejects bad input and changes nothing', () => {
    const p = picker({ pieceCount: 4 });
    expect(() => p.peerHave('a', 4)).toThrow(RangeError);
    expect(() => p.peerHave('a', -1)).toThrow(RangeError);
    expect(() => p.peerBitfield('a', new Bitfield(5))).toThrow(RangeError);
    expect(() => p.availability(4)).toThrow(RangeError);
    expect(() => p.pieceVerified(1.5)).toThrow(RangeError);
    expect(p.nextRequests('a', 0.5, 0)).toEqual([]);
    expect(p.nextRequests('a', -1, 0)).toEqual([]);
    expect([0, 1, 2, 3].map((i) => p.availability(i))).toEqual([0, 0, 0, 0]);
  });
});

describe('PiecePicker releases and timeouts', () => {
  it('gives a choking peer’s requests to another peer', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const first = p.nextRequests('a', 6, 0);
    const released = p.releasePeer('a');
    expect(released).toEqual(first);
    expect(p.outstanding('a')).toBe(0);
    // b takes them (and the never requested rest of the pieces a had started) before anything new.
    const second = p.nextRequests('b', 8, 0);
    expect(pieces(second).sort()).toEqual(pieces(first).sort());
    for (const r of first) expect(second).toContainEqual(r);
    // A block a sends after its choke still counts, and b is told to cancel it.
    const r = first[0];
    expect(p.blockReceived('a', r.index, r.begin, r.length)).toMatchObject({
      expected: true,
      duplicate: false,
      cancels: [{ peer: 'b', ...r }],
    });
    expect(p.outstanding('b')).toBe(7);
  });

  it('releases a single rejected request', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [r1, r2] = p.nextRequests('a', 2, 0);
    expect(p.release('a', r1)).toBe(true);
    expect(p.release('a', r1)).toBe(false);
    p.release('a', { index: 99, begin: 0, length: 1 });
    p.release('a', { index: r2.index, begin: r2.begin + 0.5, length: r2.length });
    p.release('a', { index: r2.index, begin: -KIB16, length: r2.length });
    expect(p.outstanding('a')).toBe(1);
    // Rejected means it will not come.
    expect(p.blockReceived('a', r1.index, r1.begin, r1.length).expected).toBe(false);
    expect(p.nextRequests('b', 1, 0)).toEqual([r1]);
    expect(p.blockReceived('a', r2.index, r2.begin, r2.length).expected).toBe(true);
  });

  it('a rejected block is not asked again of the same peer before avoidUntil, but of others at once', () => {
    const p = picker({ pieceCount: 1, pieceLength: KIB16 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const [r] = p.nextRequests('a', 1, 0);
    expect(p.release('a', r, 5000)).toBe(true);
    expect(p.nextRequests('a', 1, 100)).toEqual([]);
    expect(p.nextRequests('a', 1, 5000)).toEqual([r]);
    p.release('a', r, 9000);
    expect(p.nextRequests('b', 1, 100)).toEqual([r]);
  });

  it('expires old requests so another peer gets them, and not the slow peer at once', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('slow');
    p.peerHaveAll('fast');
    const old = p.nextRequests('slow', 4, 0);
    const newer = p.nextRequests('slow', 2, 20_000);
    const expired = p.expire(30_000, 30_000);
    expect(expired).toEqual(old.map((r) => ({ peer: 'slow', ...r })));
    expect(p.outstanding('slow')).toBe(2);
    // The slow peer is not given its expired blocks again; it continues elsewhere.
    const slowAgain = p.nextRequests('slow', 4, 30_000);
    for (const r of slowAgain) expect(old).not.toContainEqual(r);
    // The fast peer takes them.
    expect(p.nextRequests('fast', 4, 30_000)).toEqual(old);
    expect(newer).toHaveLength(2);
  });

  it('expires each peer’s requests after its own timeout', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('near');
    p.peerHaveAll('far');
    const near = p.nextRequests('near', 2, 0);
    const far = p.nextRequests('far', 2, 0);
    const timeouts: Record<string, number> = { near: 5_000, far: 20_000 };
    expect(p.expire(6_000, (peer) => timeouts[peer])).toEqual(near.map((r) => ({ peer: 'near', ...r })));
    expect(p.outstanding('far')).toBe(2);
    expect(p.expire(20_000, (peer) => timeouts[peer])).toEqual(far.map((r) => ({ peer: 'far', ...r })));
  });

  it('tells when the request a block answers went out', () => {
    const p = picker({ pieceCount: 2 });
    p.peerHaveAll('a');
    const [r] = p.nextRequests('a', 1, 1_234);
    expect(p.receive('a', r.index, r.begin, r.length)?.askedAt).toBe(1_234);
  });

  it('lets the slow peer retry an expired block later when nobody else can fetch it', () => {
    const p = picker({ pieceCount: 1 });
    p.peerHaveAll('only');
    const [r] = p.nextRequests('only', 1, 0);
    p.expire(10_000, 10_000);
    expect(p.nextRequests('only', 1, 10_000)[0]).not.toEqual(r);
    p.nextRequests('only', 10, 10_000);
    expect(p.nextRequests('only', 10, 19_999)).toEqual([]);
    expect(p.nextRequests('only', 10, 20_000)).toEqual([r]);
  });

  it('releases a departed peer’s requests and returns them', () => {
    const p = picker({ pieceCount: 4 });
    p.peerHaveAll('a');
    p.peerHaveAll('b');
    const requests = p.nextRequests('a', 3, 0);
    expect(p.peerGone('a')).toEqual(requests);
    expect(p.outstanding('a')).toBe(0);
    expect(p.nextRequests('b', 3, 0)).toEqual(requests);
    expect(p.blockReceived('a', requests[0].index, requests[0].begin, requests[0].length).expected).toBe(
      false,
    );
  });
});

describe('RequestLedger', () => {
  it('keeps a released block welcome from the peer it was asked of, and cancels the other asker', () => {
    const geometry = new BlockGeometry(2, 2 * KIB16, 4 * KIB16, KIB16);
    const peers = new Map<string, PeerRequests>([
      ['a', newPeerRequests()],
      ['b', newPeerRequests()],
    ]);
    const ledger = new RequestLedger(geometry, peers, 2, Infinity, { work: 0 });
    ledger.unrequestedBlocks = 4;
    const piece = ledger.activate(0);
    const out: BlockRequest[] = [];
    const batch = (peer: string) => ({
      peer,
      state: peers.get(peer)!,
      peerHas: Bitfield.full(2),
      count: 2,
      now: 0,
      out,
    });
    const key = geometry.key(0, 0);
    ledger.ask(piece, 0, batch('a'));
    expect(out).toEqual([{ index: 0, begin: 0, length: KIB16 }]);
    expect([ledger.outstanding('a'), ledger.unrequestedBlocks, ledger.thin.has(key)]).toEqual([1, 3, true]);
    ledger.ask(piece, 0, batch('b')); // an endgame duplicate: two askers, no longer thin
    expect(ledger.thin.has(key)).toBe(false);
    expect(ledger.releaseAll('a', peers.get('a')!, true)).toEqual([{ index: 0, begin: 0, length: KIB16 }]);
    expect([ledger.unrequestedBlocks, ledger.thin.has(key)]).toEqual([3, true]); // b still has it
    expect(ledger.takeAsked('a', 0, 0, KIB16)).toBe(true);
    expect(ledger.takeAsked('a', 0, 0, KIB16)).toBe(false); // once
    expect(ledger.blockReceived('a', 0, 0, KIB16)).toEqual({
      expected: true,
      duplicate: false,
      cancels: [{ peer: 'b', index: 0, begin: 0, length: KIB16 }],
      pieceComplete: false,
    });
    expect(ledger.outstanding('b')).toBe(0);
    expect(ledger.blockReceived('b', 0, 0, KIB16)).toMatchObject({ expected: true, duplicate: true });
    expect(ledger.blockReceived('b', 0, 0, KIB16)).toMatchObject({ expected: false });
  });

  it('takes a block as often as it was asked since it last arrived: a seek that cancels and asks again may get it twice', () => {
    const geometry = new BlockGeometry(2, 2 * KIB16, 4 * KIB16, KIB16);
    const peers = new Map<string, PeerRequests>([['a', newPeerRequests()]]);
    const ledger = new RequestLedger(geometry, peers, 2, Infinity, { work: 0 });
    ledger.unrequestedBlocks = 4;
    const piece = ledger.activate(0);
    const batch = { peer: 'a', state: peers.get('a')!, peerHas: Bitfield.full(2), count: 2, now: 0, out: [] };
    ledger.ask(piece, 0, batch);
    ledger.releaseAll('a', peers.get('a')!, true); // cancelled: the peer may have sent it already
    ledger.ask(piece, 0, batch); // asked again
    expect(ledger.takeAsked('a', 0, 0, KIB16)).toBe(true); // the copy sent before the cancel
    expect(ledger.takeAsked('a', 0, 0, KIB16)).toBe(true); // the answer to the second request
    expect(ledger.takeAsked('a', 0, 0, KIB16)).toBe(false); // a third copy nobody asked for
  });

  it('never forgets a request still out, however many asks and cancels came after it (a stream that waits)', () => {
    // 64 pieces of 4 blocks; at most 8 unanswered asks remembered. The first block is kept out (an urgent piece the
    // stream waits for) while the rest is cancelled and asked again, over and over, as urgent cancels do.
    const geometry = new BlockGeometry(64, 4 * KIB16, 64 * 4 * KIB16, KIB16);
    const peers = new Map<string, PeerRequests>([['a', newPeerRequests()]]);
    const ledger = new RequestLedger(geometry, peers, 2, 8, { work: 0 });
    ledger.unrequestedBlocks = 64 * 4;
    const batch = {
      peer: 'a',
      state: peers.get('a')!,
      peerHas: Bitfield.full(64),
      count: 4,
      now: 0,
      out: [],
    };
    const urgent = ledger.activate(0);
    ledger.ask(urgent, 0, batch);
    for (let round = 1; round < 64; round++) {
      const piece = ledger.activate(round);
      for (let block = 0; block < 4; block++) ledger.ask(piece, block, batch);
      ledger.releaseAll('a', peers.get('a')!, true, (index) => index === 0); // cancelled: all but the urgent one
    }
    expect(ledger.outstanding('a')).toBe(1);
    // The seeder answers the request it still holds: welcome, not "a block nobody asked for".
    expect(ledger.takeAsked('a', 0, 0, KIB16)).toBe(true);
    expect(ledger.blockReceived('a', 0, 0, KIB16)).toMatchObject({ expected: true, duplicate: false });
    // The bound still holds for the cancelled asks.
    expect(peers.get('a')!.asked.size).toBeLessThanOrEqual(8);
  });

  it('takes a reject as the answer to the earliest ask: a cancelled one first, the request out now stays out', () => {
    const geometry = new BlockGeometry(2, 4 * KIB16, 8 * KIB16, KIB16);
    const peers = new Map<string, PeerRequests>([['a', newPeerRequests()]]);
    const ledger = new RequestLedger(geometry, peers, 2, Infinity, { work: 0 });
    ledger.unrequestedBlocks = 8;
    const piece = ledger.activate(0);
    const batch = { peer: 'a', state: peers.get('a')!, peerHas: Bitfield.full(2), count: 2, now: 0, out: [] };
    const block0 = { index: 0, begin: 0, length: KIB16 };
    ledger.ask(piece, 0, batch);
    ledger.releaseAll('a', peers.get('a')!, true); // cancelled
    ledger.ask(piece, 0, batch); // asked again
    // The peer's reject of the cancelled request: the new one is still out.
    expect(ledger.release('a', block0)).toBe(false);
    expect(ledger.outstanding('a')).toBe(1);
    // Its block then answers the new one; nothing more is awaited.
    expect(ledger.takeAsked('a', 0, 0, KIB16)).toBe(true);
    expect(ledger.takeAsked('a', 0, 0, KIB16)).toBe(false);
    // A request rejected with nothing cancelled before it is released, and its ask answered.
    ledger.ask(piece, 1, batch);
    expect(ledger.release('a', { ...block0, begin: KIB16 })).toBe(true);
    expect(ledger.outstanding('a')).toBe(1); // block 0's request, still out
    expect(peers.get('a')!.asked.has(geometry.key(0, 1))).toBe(false);
  });

  it('a copy sent before a cancel answers the cancelled ask, and the request asked again is cancelled', () => {
    const geometry = new BlockGeometry(2, 2 * KIB16, 4 * KIB16, KIB16);
    const peers = new Map<string, PeerRequests>([['a', newPeerRequests()]]);
    const ledger = new RequestLedger(geometry, peers, 2, Infinity, { work: 0 });
    ledger.unrequestedBlocks = 4;
    const piece = ledger.activate(0);
    const batch = { peer: 'a', state: peers.get('a')!, peerHas: Bitfield.full(2), count: 2, now: 0, out: [] };
    ledger.ask(piece, 0, batch);
    ledger.releaseAll('a', peers.get('a')!, true); // cancelled, its block already on its way
    ledger.ask(piece, 0, batch); // asked again: the peer holds this request
    const block0 = { index: 0, begin: 0, length: KIB16 };
    expect(ledger.receive('a', 0, 0, KIB16)).toEqual({
      expected: true,
      duplicate: false,
      cancels: [{ peer: 'a', ...block0 }],
      pieceComplete: false,
      askedAt: 0,
    });
    expect(ledger.outstanding('a')).toBe(0);
    // Its answer to that cancel (a reject, or the block sent before the cancel came) is still welcome, once.
    expect(ledger.release('a', block0)).toBe(false);
    expect(ledger.receive('a', 0, 0, KIB16)).toBeUndefined();
    // Asked once and answered: nothing to cancel.
    ledger.ask(piece, 1, batch);
    expect(ledger.receive('a', 0, KIB16, KIB16)).toMatchObject({ cancels: [] });
  });
});
