import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../../../shared/codec/bitfield';
import { pieceKey } from '../../../lib/storage/storage';
import type { TorrentRecord } from '../../storage/records';
import { testBytes, testCore, testTorrent } from '../testing/core';
import { FRESH_TOTALS, seedComplete, startTorrent } from './new-torrent';

describe('startTorrent', () => {
  it('lists the torrent, starts it and writes its record', async () => {
    const { core, store, posts } = testCore();
    const { info } = await testTorrent(testBytes(40_000, 1));
    const record: TorrentRecord = {
      infoHashHex: info.infoHashHex,
      name: info.name,
      trackers: [],
      storageId: info.infoHashHex,
      addedAt: 1,
      ...FRESH_TOTALS,
    };
    const host = startTorrent(core, record, info, new Bitfield(info.pieceCount));
    expect(core.registry.get(info.infoHashHex)).toBe(host);
    expect(posts.some((m) => m.type === 'torrent-active')).toBe(true);
    await core.storage.writer.flush();
    expect(store.data.has(`torrent:${info.infoHashHex}`)).toBe(true);
  });
});

describe('seedComplete', () => {
  it('seeds a torrent whose pieces are all stored, from its record', async () => {
    const { core } = testCore();
    const { info } = await testTorrent(testBytes(40_000, 2));
    const pieces = core.storage.sharePieces('share-1', () => info);
    const where = { storageId: 'share-1', trackers: ['wss://t.example/'], addedAt: 3 };
    expect(await seedComplete(core, info, where, pieces, undefined)).toEqual({
      infoHashHex: info.infoHashHex,
      name: info.name,
    });
    const host = core.registry.get(info.infoHashHex)!;
    expect(host.record).toMatchObject({
      ...where,
      completedAt: expect.any(Number),
      uploaded: 0,
      paused: false,
    });
    expect(core.registry.views(0)[0].state).toBe('seeding');
  });

  it('keeps the torrent listed and deletes the new copy of its pieces when it is listed already', async () => {
    const { core, store } = testCore();
    const bytes = testBytes(40_000, 3);
    const { info } = await testTorrent(bytes);
    const where = { storageId: 'share-2', trackers: [], addedAt: 3 };
    await seedComplete(
      core,
      info,
      where,
      core.storage.sharePieces('share-2', () => info),
      undefined,
    );
    const listed = core.registry.get(info.infoHashHex);
    const copy = core.storage.sharePieces('share-3', () => info);
    await copy.writePiece(0, bytes.slice(0, 16384).buffer);
    expect(store.data.has(pieceKey('share-3', 0))).toBe(true);
    await seedComplete(core, info, { ...where, storageId: 'share-3' }, copy, undefined);
    expect(core.registry.get(info.infoHashHex)).toBe(listed);
    expect(store.data.has(pieceKey('share-3', 0))).toBe(false);
  });
});
