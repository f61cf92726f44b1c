import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../lib/storage';
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
    const cache = new PieceCache(store, new BatchWriter(store), 2);
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
