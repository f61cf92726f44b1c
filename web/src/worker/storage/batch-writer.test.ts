import { describe, expect, it } from 'vitest';
import { MemoryStore, QuotaExceededError } from '../../lib/storage/storage';
import { BatchWriter } from './batch-writer';

function buffer(size: number, fill: number): ArrayBuffer {
  return new Uint8Array(size).fill(fill).buffer;
}

/** A schedule that never fires on its own: batches go out only when full or flushed. */
const manual = { schedule: () => 0, cancel: () => undefined };

describe('BatchWriter', () => {
  it('writes 16 entries per transaction, the rest on flush', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, manual);
    const writes = Array.from({ length: 40 }, (_, i) => writer.put(`piece:x:${i}`, buffer(8, i)));
    await Promise.all(writes.slice(0, 32));
    expect(store.transactions).toEqual([16, 16]);
    await writer.flush();
    await Promise.all(writes);
    expect(store.transactions).toEqual([16, 16, 8]);
    expect(new Uint8Array((await store.getMany(['piece:x:39']))[0] as ArrayBuffer)[0]).toBe(39);
  });

  it('flushes after the delay when fewer entries wait', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, { delayMs: 1 });
    await Promise.all([writer.put('a', buffer(4, 1)), writer.put('b', buffer(4, 2))]);
    expect(store.transactions).toEqual([2]);
  });

  it('spaces transactions the delay starts by minIntervalMs, but not the first after a pause', async () => {
    const store = new MemoryStore();
    let clock = 1000;
    const delays: number[] = [];
    const due: Array<() => void> = [];
    const writer = new BatchWriter(store, {
      delayMs: 50,
      minIntervalMs: 200,
      now: () => clock,
      schedule: (callback, ms) => {
        delays.push(ms);
        due.push(callback);
        return due.length;
      },
      cancel: () => undefined,
    });
    const first = writer.put('map', { bits: '01' });
    clock += 50;
    due.shift()!();
    await first;
    // 10 ms after the first began: the second waits until 200 ms after it.
    clock += 10;
    const second = writer.put('map', { bits: '03' });
    clock += 190;
    due.shift()!();
    await second;
    // Long after: the plain delay again.
    clock += 1000;
    const third = writer.put('map', { bits: '07' });
    due.shift()!();
    await third;
    expect(delays).toEqual([50, 190, 50]);
    expect(store.transactions).toEqual([1, 1, 1]);
  });

  it('hurry starts the transaction of what waits at once, spacing or not', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, { ...manual, minIntervalMs: 200, now: () => 1000 });
    await Promise.all([writer.put('map', { bits: '01' }), writer.flush()]);
    const second = writer.put('map', { bits: '03' }); // 0 ms after the first: spaced by 200 ms
    await Promise.resolve();
    expect(store.transactions).toEqual([1]);
    writer.hurry();
    await second;
    expect(store.transactions).toEqual([1, 1]);
    // Inside together(), it waits for the writes queued with it.
    const third = writer.together(() => {
      const put = writer.put('map', { bits: '07' });
      writer.hurry();
      expect(store.transactions).toEqual([1, 1]);
      return put;
    });
    await third;
    expect(store.transactions).toEqual([1, 1, 1]);
  });

  it('soon starts the transaction within its time of the previous one, once for all queued meanwhile', async () => {
    const store = new MemoryStore();
    let clock = 1000;
    const due: Array<{ run: () => void; ms: number }> = [];
    const writer = new BatchWriter(store, {
      schedule: (run, ms) => due.push({ run, ms }),
      cancel: (handle) => due.splice(due.indexOf(due[(handle as number) - 1]), 1),
      minIntervalMs: 200,
      now: () => clock,
    });
    writer.hurry();
    await writer.put('map', { bits: '01' }); // began at 1000
    clock = 1010;
    const second = writer.put('map', { bits: '03' }); // spaced: due 200 ms after 1000
    expect(due.map((d) => d.ms)).toEqual([190]);
    writer.soon(50); // due 50 ms after 1000: in 40 ms, in place of the later timer
    writer.soon(50);
    expect(due.map((d) => d.ms)).toEqual([40]);
    await Promise.resolve();
    expect(store.transactions).toEqual([1]);
    clock = 1050;
    due.shift()!.run();
    await second;
    expect(store.transactions).toEqual([1, 1]);
    // Long after the last one: at once.
    clock = 2000;
    const third = writer.put('map', { bits: '07' });
    writer.soon(50);
    await third;
    expect(store.transactions).toEqual([1, 1, 1]);
  });

  it('a hurry with nothing queued starts the next write at once (a piece file queues its map once it is open)', async () => {
    const store = new MemoryStore();
    const delays: number[] = [];
    const writer = new BatchWriter(store, {
      schedule: (_run, ms) => delays.push(ms),
      cancel: () => {},
      minIntervalMs: 200,
      now: () => 1000,
    });
    writer.hurry();
    await writer.put('map', { bits: '01' });
    expect(store.transactions).toEqual([1]);
    // Once: the write after it waits for the delay and the spacing again.
    const second = writer.put('map', { bits: '03' });
    await Promise.resolve();
    expect(store.transactions).toEqual([1]);
    expect(delays).toEqual([200]);
    writer.hurry();
    await second;
    expect(store.transactions).toEqual([1, 1]);
  });

  it('starts a transaction early when the queued bytes pass the limit', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, { ...manual, maxBytes: 100 });
    const first = writer.put('a', buffer(60, 1));
    const second = writer.put('b', buffer(60, 2));
    await Promise.all([first, second]);
    expect(store.transactions).toEqual([2]);
  });

  it('shows queued values before they land, and discards queued writes by prefix', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, manual);
    const value = buffer(4, 9);
    void writer.put('piece:gone:0', value);
    void writer.put('piece:kept:0', buffer(4, 1));
    expect(writer.peek('piece:gone:0')).toBe(value);
    writer.discard('piece:gone:');
    expect(writer.peek('piece:gone:0')).toBeUndefined();
    await writer.flush();
    expect([...store.data.keys()]).toEqual(['piece:kept:0']);
  });

  it('keeps one entry for a record put again while it waits, in the transaction of the pieces queued with it', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, manual);
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < 20; i++) {
      writes.push(writer.put(`piece:x:${i}`, buffer(4, i)));
      writes.push(writer.put('torrent:x', { downloaded: (i + 1) * 4 }));
    }
    await writer.flush();
    await Promise.all(writes);
    // 15 pieces and their record fill the first transaction; the other 5 pieces go with the record again.
    expect(store.transactions).toEqual([16, 6]);
    expect((await store.getMany(['torrent:x']))[0]).toEqual({ downloaded: 80 });
  });

  it('puts the writes queued together in one transaction, even past the entry limit', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, manual);
    const writes = Array.from({ length: 15 }, (_, i) => writer.put(`piece:x:${i}`, buffer(4, i)));
    writer.together(() => {
      writes.push(writer.put('piece:x:15', buffer(4, 15)));
      writes.push(writer.put('torrent:x', { downloaded: 64 }));
    });
    await Promise.all(writes);
    expect(store.transactions).toEqual([17]);
  });

  it('runs an operation after every write queued before it', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, manual);
    void writer.put('piece:x:0', buffer(4, 1));
    await writer.after(() => store.delMany(['piece:x:0']));
    expect(store.data.size).toBe(0);
  });

  it('on a full disk keeps whatever fits and rejects the rest with the quota error', async () => {
    const store = new MemoryStore();
    store.quotaBytes = 250;
    const writer = new BatchWriter(store, manual);
    const writes = Array.from({ length: 4 }, (_, i) => writer.put(`piece:x:${i}`, buffer(100, i)));
    await writer.flush();
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(QuotaExceededError);
    expect([...store.data.keys()]).toEqual(['piece:x:0', 'piece:x:1']);
  });
});
