import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/storage/storage';
import { BatchWriter } from './batch-writer';
import { PieceCache } from './piece-cache';

function counting(store: MemoryStore): { reads: string[] } {
  const log = { reads: [] as string[] };
  const getMany = store.getMany.bind(store);
  store.getMany = (keys) => {
    log.reads.push(...keys);
    return getMany(keys);
  };
  return log;
}

describe('PieceCache', () => {
  it('reads a piece from the store once for many blocks, and evicts the least recently used', async () => {
    const store = new MemoryStore();
    await store.setMany([0, 1, 2].map((i) => [`piece:x:${i}`, new Uint8Array(8).fill(i).buffer]));
    const log = counting(store);
    const cache = new PieceCache(store, new BatchWriter(store), 16); // room for two 8-byte pieces
    const [a, b] = await Promise.all([cache.read('piece:x:0'), cache.read('piece:x:0')]);
    expect(a).toBe(b);
    expect(new Uint8Array(a as ArrayBuffer)[0]).toBe(0);
    await cache.read('piece:x:1');
    await cache.read('piece:x:0'); // cached; 0 is now the most recent
    await cache.read('piece:x:2'); // evicts 1
    await cache.read('piece:x:0');
    await cache.read('piece:x:1');
    expect(log.reads).toEqual(['piece:x:0', 'piece:x:1', 'piece:x:2', 'piece:x:1']);
  });

  it('fetches the pieces asked for together in one transaction', async () => {
    const store = new MemoryStore();
    await store.setMany([0, 1, 2].map((i) => [`piece:x:${i}`, new Uint8Array(8).fill(i).buffer]));
    const calls: string[][] = [];
    const getMany = store.getMany.bind(store);
    store.getMany = (keys) => {
      calls.push(keys);
      return getMany(keys);
    };
    const cache = new PieceCache(store, new BatchWriter(store));
    const values = await Promise.all(
      ['piece:x:2', 'piece:x:0', 'piece:x:2', 'piece:x:9'].map((k) => cache.read(k)),
    );
    expect(calls).toEqual([['piece:x:2', 'piece:x:0', 'piece:x:9']]);
    expect(values.map((v) => (v ? new Uint8Array(v)[0] : undefined))).toEqual([2, 0, 2, undefined]);
  });

  it('rejects every read of a failed transaction, and reads again afterwards', async () => {
    const store = new MemoryStore();
    await store.setMany([['piece:x:0', new ArrayBuffer(4)]]);
    store.failure = new Error('gone');
    const cache = new PieceCache(store, new BatchWriter(store));
    await expect(cache.read('piece:x:0')).rejects.toThrow('gone');
    store.failure = undefined;
    expect(await cache.read('piece:x:0')).toBeInstanceOf(ArrayBuffer);
  });

  it('serves a piece still waiting to be written, and answers undefined for a missing one', async () => {
    const store = new MemoryStore();
    const writer = new BatchWriter(store, { schedule: () => 0, cancel: () => undefined });
    const value = new Uint8Array(4).fill(5).buffer;
    void writer.put('piece:x:3', value);
    const cache = new PieceCache(store, writer);
    expect(await cache.read('piece:x:3')).toBe(value);
    expect(await cache.read('piece:x:4')).toBeUndefined();
  });
});
