import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../wire';
import { PeerState } from './peer';
import {
  MIN_READS,
  OUR_REQQ,
  READ_AHEAD_MS,
  READS_PER_PEER,
  readsFor,
  SPLIT_HEADROOM,
  splitUpload,
  UploadCapacity,
  UploadQueue,
} from './uploader';

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
    expect(queue.cancel(2, BLOCK_SIZE)).toBe(false); // it was waiting
    expect(queue.cancel(1, 0)).toBe(true); // it was being read
    expect(queue.cancel(1, 0)).toBe(false);
    expect(queue.size).toBe(0);
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

describe('the upload split (PropShare’s shares)', () => {
  const peerWith = (key: string, share: number | undefined, requests: number) => {
    const state = new PeerState(key, 0, 0, new UploadQueue(undefined, 0));
    state.choke.setChoking(false, 0);
    state.upload.share = share;
    for (let i = 0; i < requests; i++) state.upload.enqueue(block(i));
    return state;
  };

  it('caps each weighted peer with requests at its share of the capacity; an idle one takes nothing from them', () => {
    const a = peerWith('a', 3, 2);
    const b = peerWith('b', 1, 2);
    const idle = peerWith('idle', 4, 0);
    const free = peerWith('free', undefined, 2);
    splitUpload([a, b, idle, free], 40_000, 0);
    expect(a.upload.uploadCap).toBeCloseTo(40_000 * SPLIT_HEADROOM * 0.75);
    expect(b.upload.uploadCap).toBeCloseTo(40_000 * SPLIT_HEADROOM * 0.25);
    expect(idle.upload.uploadCap).toBeUndefined();
    expect(free.upload.uploadCap).toBeUndefined();
  });

  it('caps nothing before the capacity is known', () => {
    const a = peerWith('a', 1, 2);
    splitUpload([a], 0, 0);
    expect(a.upload.uploadCap).toBeUndefined();
  });

  it('a retuned cap keeps the budget earned at the old rate', () => {
    const queue = new UploadQueue(BLOCK_SIZE, 0);
    queue.enqueue(block(1));
    queue.retune(BLOCK_SIZE / 2, 1000); // one second at the old rate: a whole block earned
    expect(queue.take(1000)).toEqual([block(1)]);
  });

  it('measures the capacity as the recent peak rate, forgotten by half per half-life', () => {
    const capacity = new UploadCapacity(10_000);
    capacity.observe(1000, 0);
    capacity.observe(200, 10_000);
    expect(capacity.estimate).toBeCloseTo(500);
    capacity.observe(900, 10_000);
    expect(capacity.estimate).toBe(900);
  });
});

describe('readsFor (reads outstanding for a peer we upload to at a measured rate)', () => {
  it('covers READ_AHEAD_MS of a slow peer, at least MIN_READS; unknown or fast rates get READS_PER_PEER', () => {
    expect(readsFor(0)).toBe(READS_PER_PEER);
    expect(readsFor(NaN)).toBe(READS_PER_PEER);
    expect(readsFor(-5)).toBe(READS_PER_PEER);
    expect(readsFor(1024)).toBe(MIN_READS);
    // 86 KiB/s, a tight upload limit: 3 blocks, not 16 (16 are about 3 s of sending at that rate).
    expect(readsFor(86 * 1024)).toBe(Math.ceil((86 * 1024 * READ_AHEAD_MS) / 1000 / BLOCK_SIZE));
    expect(readsFor(86 * 1024)).toBe(3);
    expect(readsFor(2 * 1024 * 1024)).toBe(READS_PER_PEER);
    expect(readsFor(Infinity)).toBe(READS_PER_PEER);
  });
});
