import { describe, expect, it } from 'vitest';
import { ActionError } from '../action-runner';
import { context, testBytes, testCore, testTorrent } from '../testing/core';
import { seedTorrent } from './add-seed';

const pieceKeys = (keys: Iterable<string>) => [...keys].filter((key) => key.startsWith('piece:'));

describe('seedTorrent', () => {
  it('checks the chosen files against the .torrent, stores them and seeds it', async () => {
    const { core, store, posts } = testCore();
    const bytes = testBytes(40_000, 1);
    const { info, torrent } = await testTorrent(bytes, 'movie.bin');
    const files = [{ file: new File([bytes], 'movie.bin'), path: ['movie.bin'] }];
    const added = await seedTorrent(core, { torrent, files, from: 'files' }, context(2));
    expect(added).toEqual({ infoHashHex: info.infoHashHex, name: 'movie.bin' });
    expect(core.registry.views(0)[0]).toMatchObject({ state: 'seeding', have: 3 });
    expect(core.registry.get(info.infoHashHex)!.record.trackers).toEqual([
      'wss://t.example/',
      'wss://app.example/',
    ]);
    expect(pieceKeys(store.data.keys())).toHaveLength(3);
    // Listed as being checked while it ran.
    const listed = posts.find((m) => m.type === 'torrents' && m.listed?.[0] === 'hashing-2');
    expect(listed?.type === 'torrents' && listed.torrents[0].checking).toBe(true);
  });

  it('refuses files that do not match, deleting what it stored', async () => {
    const { core, store } = testCore();
    const bytes = testBytes(40_000, 2);
    const { torrent } = await testTorrent(bytes, 'movie.bin');
    const other = testBytes(40_000, 3);
    const files = [{ file: new File([other], 'movie.bin'), path: ['movie.bin'] }];
    await expect(seedTorrent(core, { torrent, files, from: 'files' }, context())).rejects.toBeInstanceOf(
      ActionError,
    );
    await core.storage.writer.flush();
    expect(pieceKeys(store.data.keys())).toEqual([]);
    expect(core.registry.views(0)).toEqual([]);
  });

  it('refuses a torrent already listed, and files that are not the torrent’s', async () => {
    const { core } = testCore();
    const bytes = testBytes(40_000, 4);
    const { torrent } = await testTorrent(bytes, 'movie.bin');
    const files = [{ file: new File([bytes], 'movie.bin'), path: ['movie.bin'] }];
    await seedTorrent(core, { torrent, files, from: 'files' }, context());
    await expect(seedTorrent(core, { torrent, files, from: 'files' }, context())).rejects.toThrow(
      'movie.bin is already in your list: remove it to seed it from your files',
    );
    const { torrent: second } = await testTorrent(testBytes(40_000, 5), 'other.bin');
    const wrong = [{ file: new File([bytes.subarray(0, 10)], 'x.bin'), path: ['x.bin'] }];
    await expect(
      seedTorrent(core, { torrent: second, files: wrong, from: 'folder' }, context()),
    ).rejects.toThrow(/the folder/);
  });
});
