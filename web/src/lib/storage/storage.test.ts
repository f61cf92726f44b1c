import { describe, expect, it } from 'vitest';
import {
  MemoryStore,
  QuotaExceededError,
  StorageUnavailableError,
  pieceIndexOfKey,
  pieceKey,
  storageErrorReason,
} from './storage';

describe('storage', () => {
  it('names storage failures clearly', () => {
    expect(storageErrorReason(new QuotaExceededError())).toBe('storage quota exceeded');
    const domQuota = Object.assign(new Error('The transaction was aborted.'), { name: 'QuotaExceededError' });
    expect(storageErrorReason(domQuota)).toBe('storage quota exceeded');
    expect(storageErrorReason(new StorageUnavailableError('storage unavailable: private mode'))).toBe(
      'storage unavailable: private mode',
    );
    expect(storageErrorReason(new Error('disk on fire'))).toBe('storage failed: disk on fire');
  });

  it('round-trips piece keys', () => {
    expect(pieceIndexOfKey(pieceKey('ab'.repeat(20), 1234))).toBe(1234);
    expect(pieceIndexOfKey('piece:x:nope')).toBe(-1);
  });

  it('MemoryStore copies values, lists by prefix and keeps setMany atomic under its quota', async () => {
    const store = new MemoryStore();
    const value = new Uint8Array([1, 2, 3]);
    await store.setMany([['piece:a:0', value.buffer]]);
    value[0] = 9;
    const [read] = await store.getMany(['piece:a:0']);
    expect([...new Uint8Array(read as ArrayBuffer)]).toEqual([1, 2, 3]);
    await store.setMany([['torrent:a', { name: 'a' }]]);
    expect(await store.keys('piece:')).toEqual(['piece:a:0']);
    store.quotaBytes = store.usedBytes() + 4;
    await expect(
      store.setMany([
        ['piece:a:1', new ArrayBuffer(2)],
        ['piece:a:2', new ArrayBuffer(4)],
      ]),
    ).rejects.toThrow(QuotaExceededError);
    expect(await store.keys('piece:')).toEqual(['piece:a:0']);
  });
});
