import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../codec/wire';
import { OUR_REQQ, READS_PER_PEER, STARTED_PIECES, UploadQueue } from './upload-queue';

const block = (index: number, begin = 0, length = BLOCK_SIZE) => ({ index, begin, length });

describe('UploadQueue (one peer’s requests to us)', () => {
  it('reads in request order, at most READS_PER_PEER at a time, and a finished read frees a slot', () => {
    const queue = new UploadQueue(undefined, 0);
    for (let i = 0; i < READS_PER_PEER + 3; i++) queue.enqueue(block(i));
    const first = queue.take(0);
    expect(first.map((r) => r.index)).toEqual(Array.from({ length: READS_PER_PEER }, (_, i) => i));
    expect(queue.take(0)).toEqual([]);
    expect(queue.finishRead(0, 0)).toEqual(block(0));
    expect(queue.finishRead(0, 0)).toBeUndefined(); // only once
    expect(queue.take(0)).toEqual([block(READS_PER_PEER)]);
    expect(queue.size).toBe(READS_PER_PEER + 2);
  });

  it('reads at most the slots it is given, never more than READS_PER_PEER', () => {
    const queue = new UploadQueue(undefined, 0);
    for (let i = 0; i < READS_PER_PEER + 3; i++) queue.enqueue(block(i));
    expect(queue.take(0, 3).map((r) => r.index)).toEqual([0, 1, 2]);
    expect(queue.take(0, 3)).toEqual([]);
    expect(queue.take(0, 1000)).toHaveLength(READS_PER_PEER - 3);
  });

  it('is full at OUR_REQQ requests, queued and being read together', () => {
    const queue = new UploadQueue(undefined, 0);
    for (let i = 0; i < OUR_REQQ - 1; i++) queue.enqueue(block(i));
    queue.take(0);
    expect(queue.full()).toBe(false);
    queue.enqueue(block(OUR_REQQ));
    expect(queue.full()).toBe(true);
  });

  it('knows the blocks it holds; a cancel forgets one and says whether a read slot came free', () => {
    const queue = new UploadQueue(undefined, 0);
    queue.enqueue(block(1));
    queue.take(0);
    queue.enqueue(block(2, BLOCK_SIZE));
    expect(queue.holds(1, 0)).toBe(true);
    expect(queue.holds(2, BLOCK_SIZE)).toBe(true);
    expect(queue.holds(2, 0)).toBe(false);
    expect(queue.cancel(2, BLOCK_SIZE)).toEqual({ request: block(2, BLOCK_SIZE), reading: false }); // waiting
    expect(queue.cancel(1, 0)).toEqual({ request: block(1), reading: true }); // being read
    expect(queue.cancel(1, 0)).toBeUndefined(); // sent, or never asked
    expect(queue.size).toBe(0);
  });

  it('takes a waiting request out of order when a read slot and the budget allow, and counts the bytes read', () => {
    const queue = new UploadQueue(BLOCK_SIZE, 0); // one block a second
    for (let i = 0; i < 3; i++) queue.enqueue(block(i), i);
    expect(queue.takeWaiting(block(2), 0)).toBeUndefined(); // no budget yet
    expect(queue.takeWaiting(block(2), 1000)).toEqual(block(2));
    expect(queue.takeWaiting(block(2), 5000)).toBeUndefined(); // not waiting any more
    expect(queue.readingBytes).toBe(BLOCK_SIZE);
    expect(queue.oldestWaiting()).toMatchObject({ request: block(0), since: 0 });
    expect([...queue.waitingInOrder()].map((w) => w.request.index)).toEqual([0, 1]);
    queue.finishRead(2, 0);
    expect(queue.readingBytes).toBe(0);
  });

  it('drops everything on a choke: the reads in progress first, then the waiting requests', () => {
    const queue = new UploadQueue(undefined, 0);
    queue.enqueue(block(5));
    queue.take(0);
    queue.enqueue(block(6));
    queue.enqueue(block(7));
    expect(queue.drop().map((r) => r.index)).toEqual([5, 6, 7]);
    expect(queue.size).toBe(0);
    expect(queue.finishRead(5, 0)).toBeUndefined();
  });

  it('with a cap, the token bucket starts empty, fills at the cap and holds at most one second (one block at least)', () => {
    const queue = new UploadQueue(BLOCK_SIZE, 0); // one block a second
    for (let i = 0; i < 10; i++) queue.enqueue(block(i));
    expect(queue.take(0)).toEqual([]);
    expect(queue.take(500)).toEqual([]);
    expect(queue.take(1000).length).toBe(1);
    // Ten idle seconds still buy one second's worth, not ten.
    for (let i = 0; i < 16; i++) queue.finishRead(i, 0);
    expect(queue.take(11_000).length).toBe(1);
    // A cap below a block still lets one block through once a block's worth accrued.
    const slow = new UploadQueue(BLOCK_SIZE / 4, 0);
    slow.enqueue(block(0));
    expect(slow.take(3000)).toEqual([]);
    expect(slow.take(4000)).toEqual([block(0)]);
  });

  it('a new cap empties the bucket; the same cap keeps it; no cap reads at once', () => {
    const queue = new UploadQueue(2 * BLOCK_SIZE, 0);
    for (let i = 0; i < 4; i++) queue.enqueue(block(i));
    queue.setCap(2 * BLOCK_SIZE, 1000); // unchanged: the budget accrued since 0 stays
    expect(queue.take(1000).length).toBe(2);
    queue.setCap(4 * BLOCK_SIZE, 1000);
    expect(queue.uploadCap).toBe(4 * BLOCK_SIZE);
    expect(queue.take(1000)).toEqual([]);
    queue.setCap(undefined, 1000);
    expect(queue.take(1000).length).toBe(2);
  });
});

describe('UploadQueue (what we sent a peer, and its transport)', () => {
  it('counts what was sent and measures it, and remembers a backlogged transport', () => {
    const queue = new UploadQueue(undefined, 0);
    queue.sent(BLOCK_SIZE, 0);
    queue.sent(BLOCK_SIZE, 100);
    expect(queue.uploaded).toBe(2 * BLOCK_SIZE);
    expect(queue.up.total).toBe(2 * BLOCK_SIZE);
    expect(queue.upSlow.windowMs).toBe(20_000);
    expect(queue.backlogged).toBe(false);
    queue.setBacklogged(true);
    expect(queue.backlogged).toBe(true);
  });

  it("leaves every send of a piece's first block to this peer out of its rank; the epoch moves where a rank falls", () => {
    const q = new UploadQueue(undefined, 0);
    let sent = 0;
    const view = q.ranked({ sent: () => sent, copies: () => 0, epoch: 0 });
    // Piece 3 sent whole: its send counts (the peer has it), and asking a block of it again is a re-ask.
    q.pieceBlockSent(3, 0, false);
    sent = 1;
    q.pieceBlockSent(3, BLOCK_SIZE, true);
    expect(view.sent(3)).toBe(1);
    expect(q.isReask(3)).toBe(true);
    const epoch = view.epoch;
    // Its first block went again (a re-ask): the piece is begun again, and both sends are left out.
    q.pieceBlockSent(3, 0, false);
    sent = 2;
    expect(view.sent(3)).toBe(0);
    expect(view.epoch).not.toBe(epoch);
    // That second copy was dropped from the transport: one send is left, the piece still begun.
    const before = view.epoch;
    q.unsent(3, 0, BLOCK_SIZE);
    sent = 1;
    expect(view.sent(3)).toBe(0);
    expect(q.isReask(3)).toBe(false);
    expect(view.epoch).not.toBe(before);
  });

  it('counts first blocks sent twice for STARTED_PIECES pieces at most, the oldest forgotten', () => {
    const q = new UploadQueue(undefined, 0);
    const view = q.ranked({ sent: () => 2, copies: () => 0, epoch: 0 });
    for (let index = 0; index <= STARTED_PIECES; index++) {
      q.pieceBlockSent(index, 0, false);
      q.pieceBlockSent(index, 0, false);
      q.pieceBlockSent(index, BLOCK_SIZE, true);
    }
    // Both begun again (a block of each dropped from the transport): the newest still knows its two sends, the
    // oldest only that it was sent.
    q.unsent(STARTED_PIECES, BLOCK_SIZE, BLOCK_SIZE);
    q.unsent(0, BLOCK_SIZE, BLOCK_SIZE);
    expect(view.sent(STARTED_PIECES)).toBe(0);
    expect(view.sent(0)).toBe(1);
  });

  it('keeps a begun piece whose rest waits counted as not sent, however many pieces were begun and dropped since', () => {
    // Every piece was sent once (to anyone); to this peer, a piece it began does not count that send.
    const rank = { sent: () => 1, copies: () => 1, epoch: 0 };
    const queue = new UploadQueue(undefined, 0);
    queue.pieceBlockSent(7, 0, false); // piece 7 begun...
    queue.enqueue(block(7, BLOCK_SIZE)); // ...and its rest waits
    // The downloader cancels and asks again, over and over: pieces begun whose rest it took back.
    for (let index = 100; index < 100 + 2 * STARTED_PIECES; index++) queue.pieceBlockSent(index, 0, false);
    expect(queue.ranked(rank).sent(7)).toBe(0);
    expect(queue.ranked(rank).sent(100)).toBe(1); // forgotten: its rest no longer asked for
    // If each begun piece has its rest waiting, the oldest goes all the same: the bound holds.
    const full = new UploadQueue(undefined, 0);
    for (let index = 0; index <= STARTED_PIECES; index++) {
      full.enqueue(block(index, BLOCK_SIZE));
      full.pieceBlockSent(index, 0, false);
    }
    expect(full.ranked(rank).sent(0)).toBe(1);
    expect(full.ranked(rank).sent(1)).toBe(0);
  });
});
