import { describe, expect, it } from 'vitest';
import { MAX_START_ATTEMPTS, recordEntry, type TorrentRecord } from '../storage/records';
import { restoreTorrents } from './restore';
import { testBytes, testCore, testTorrent } from './testing/core';

async function storedRecord(over: Partial<TorrentRecord> = {}): Promise<TorrentRecord> {
  const { info } = await testTorrent(testBytes(40_000, 1));
  return {
    infoHashHex: info.infoHashHex,
    name: info.name,
    trackers: [],
    infoBytes: info.infoBytes.slice().buffer,
    storageId: info.infoHashHex,
    addedAt: 1,
    uploaded: 0,
    downloaded: 0,
    paused: false,
    ...over,
  };
}

describe('restoreTorrents', () => {
  it('lists every stored torrent, tells how many, then starts them', async () => {
    const { core, store, posts } = testCore();
    const record = await storedRecord();
    await store.setMany([recordEntry(record)]);
    const order: string[] = [];
    await restoreTorrents(core, (restored) => order.push(`ready ${restored}`, ...posts.map((m) => m.type)));
    expect(order).toEqual(['ready 1']);
    expect(core.registry.get(record.infoHashHex)?.info?.pieceCount).toBe(3);
    expect(posts.map((m) => m.type)).toContain('torrent-active');
    // The restore finished: its attempts are counted from 0 again.
    await core.storage.writer.flush();
    expect((store.data.get(`torrent:${record.infoHashHex}`) as unknown as TorrentRecord).startAttempts).toBe(
      0,
    );
  });

  it('keeps a torrent whose restore stopped the app too often listed, stopped, with the reason', async () => {
    const { core, store, posts } = testCore();
    const record = await storedRecord({ startAttempts: MAX_START_ATTEMPTS });
    await store.setMany([recordEntry(record)]);
    await restoreTorrents(core, () => undefined);
    const host = core.registry.get(record.infoHashHex)!;
    expect(host.error).toMatch(/^not restored: restoring it stopped the app 3 times in a row/);
    expect(host.info).toBeUndefined();
    expect(posts.map((m) => m.type)).not.toContain('torrent-active');
    expect((store.data.get(`torrent:${record.infoHashHex}`) as unknown as TorrentRecord).startAttempts).toBe(
      MAX_START_ATTEMPTS + 1,
    );
  });

  it('keeps a torrent whose stored metadata does not match its hash listed, with the reason', async () => {
    const { core, store } = testCore();
    const other = await testTorrent(testBytes(30_000, 2));
    const record = await storedRecord({ infoBytes: other.info.infoBytes.slice().buffer });
    await store.setMany([recordEntry(record)]);
    await restoreTorrents(core, () => undefined);
    const host = core.registry.get(record.infoHashHex)!;
    expect(host.error).toMatch(/^cannot restore: /);
    expect(host.info).toBeUndefined();
  });

  it('restores nothing, and says so, when storage cannot be read', async () => {
    const { core, store } = testCore();
    store.failure = new Error('storage unavailable: private mode');
    let told: number | undefined;
    await restoreTorrents(core, (restored) => (told = restored));
    expect(told).toBe(0);
    expect([...core.registry.all()]).toEqual([]);
  });
});
