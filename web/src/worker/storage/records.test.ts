import { describe, expect, it } from 'vitest';
import { MemoryStore, torrentKey, totalsKey, type StoredValue } from '../../lib/storage/storage';
import { loadRecords, recordEntry, type TorrentRecord } from './records';

const HASH = 'a'.repeat(40);

function record(over: Partial<TorrentRecord> = {}): TorrentRecord {
  return {
    infoHashHex: HASH,
    name: 'movie',
    trackers: ['wss://t.example/'],
    storageId: HASH,
    addedAt: 5,
    uploaded: 1,
    downloaded: 2,
    paused: false,
    ...over,
  };
}

async function loaded(...values: unknown[]): Promise<string[]> {
  const store = new MemoryStore();
  await store.setMany(
    values.map((value, k) => [`${torrentKey(String(k).padStart(40, '0'))}`, value as StoredValue]),
  );
  return (await loadRecords(store)).map((r) => r.name);
}

describe('loadRecords', () => {
  it('loads a well-formed record, with the larger of its counts and its totals entry', async () => {
    const store = new MemoryStore();
    await store.setMany([recordEntry(record()), [totalsKey(HASH), { uploaded: 9, downloaded: 1 }]]);
    const [loadedRecord] = await loadRecords(store);
    expect(loadedRecord).toMatchObject({
      name: 'movie',
      uploaded: 9,
      downloaded: 2,
      paused: false,
      startAttempts: 0,
    });
  });

  it('skips records missing what every record has', async () => {
    const names = await loaded(
      record({ name: 'kept' }),
      record({ name: 'short hash', infoHashHex: 'abc' }),
      { ...record({ name: 'no trackers' }), trackers: undefined },
      record({ name: 'bad tracker', trackers: [7 as unknown as string] }),
      { ...record({ name: 'no storage id' }), storageId: undefined },
      { ...record(), name: 3 },
      null,
      'text',
    );
    expect(names).toEqual(['kept']);
  });

  it('skips records whose optional parts are malformed', async () => {
    const names = await loaded(
      record({ name: 'with info', infoBytes: new ArrayBuffer(4) }),
      record({ name: 'info not bytes', infoBytes: 'x' as unknown as ArrayBuffer }),
      record({ name: 'files without info', sharedFiles: [] }),
      record({ name: 'bad key', private: { key: 'not a key' } as TorrentRecord['private'] }),
      record({ name: 'with a budget', webSeedBudget: 1024 }),
      record({ name: 'negative budget', webSeedBudget: -1 }),
      record({ name: 'budget not a count', webSeedBudget: 0.5 }),
    );
    expect(names).toEqual(['with info', 'with a budget']);
  });

  it("keeps a btmh link's v2 hash only when it begins with the record's hash", async () => {
    const names = await loaded(
      record({ name: 'v2', infoHashV2: HASH + 'b'.repeat(24) }),
      record({ name: 'other v2', infoHashV2: 'c'.repeat(64) }),
      record({ name: 'short v2', infoHashV2: HASH }),
    );
    expect(names).toEqual(['v2']);
  });
});
