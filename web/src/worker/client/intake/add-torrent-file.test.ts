import { describe, expect, it } from 'vitest';
import { pieceKey } from '../../../lib/storage/storage';
import { ActionError } from '../action-runner';
import { context, testBytes, testCore, testTorrent } from '../testing/core';
import { addTorrentFile } from './add-torrent-file';

describe('addTorrentFile', () => {
  it('adds a torrent from its .torrent, with its trackers and the app’s, and starts it', async () => {
    const { core, posts } = testCore();
    const { info, torrent } = await testTorrent(testBytes(40_000, 1), 'movie.bin');
    const added = await addTorrentFile(core, { bytes: torrent }, context());
    expect(added).toEqual({ infoHashHex: info.infoHashHex, name: 'movie.bin' });
    const host = core.registry.get(info.infoHashHex)!;
    expect(host.record.trackers).toEqual(['wss://t.example/', 'wss://app.example/']);
    expect(host.info?.pieceCount).toBe(3);
    expect(posts.some((m) => m.type === 'torrent-active' && m.infoHashHex === info.infoHashHex)).toBe(true);
  });

  it('never records a tracker its announce-list aims at a private or link-local address, and answers which', async () => {
    const { core } = testCore();
    const tiers = [['ws://192.168.0.1/admin'], ['wss://t.example/', 'ws://169.254.169.254/latest']];
    const { info, torrent } = await testTorrent(testBytes(40_000, 4), 'aimed.bin', tiers);
    expect(await addTorrentFile(core, { bytes: torrent }, context())).toEqual({
      infoHashHex: info.infoHashHex,
      name: 'aimed.bin',
      notContacted: {
        dropped: [
          { url: 'ws://192.168.0.1/admin', reason: 'private' },
          { url: 'ws://169.254.169.254/latest', reason: 'link-local' },
        ],
        unread: 0,
      },
    });
    expect(core.registry.get(info.infoHashHex)!.record.trackers).toEqual([
      'wss://t.example/',
      'wss://app.example/',
    ]);
  });

  it('answers a torrent already listed with the one listed', async () => {
    const { core } = testCore();
    const { info, torrent } = await testTorrent(testBytes(40_000, 2));
    await addTorrentFile(core, { bytes: torrent }, context());
    const host = core.registry.get(info.infoHashHex);
    await addTorrentFile(core, { bytes: torrent }, context());
    expect(core.registry.get(info.infoHashHex)).toBe(host);
  });

  it('resumes from pieces an earlier download left, and counts only the rest against the free storage', async () => {
    const bytes = testBytes(40_000, 3);
    const { info, torrent } = await testTorrent(bytes);
    // 40,000 bytes in pieces of 16 KiB: with the first two stored, 7,232 bytes are left to fetch.
    const { core, store } = testCore({ estimateStorage: async () => ({ quota: 8000, usage: 0 }) });
    await store.setMany([
      [pieceKey(info.infoHashHex, 0), bytes.slice(0, 16384).buffer],
      [pieceKey(info.infoHashHex, 1), bytes.slice(16384, 32768).buffer],
    ]);
    await addTorrentFile(core, { bytes: torrent }, context());
    expect(core.registry.views(0)[0].have).toBe(2);
  });

  it('refuses a file that is not a .torrent, and one the browser has no room for', async () => {
    const { core } = testCore({ estimateStorage: async () => ({ quota: 1000, usage: 0 }) });
    const junk = new TextEncoder().encode('junk').buffer;
    await expect(addTorrentFile(core, { bytes: junk }, context())).rejects.toBeInstanceOf(ActionError);
    const { torrent } = await testTorrent(testBytes(40_000, 4));
    await expect(addTorrentFile(core, { bytes: torrent }, context())).rejects.toThrow(/^Not enough storage/);
    expect([...core.registry.all()]).toEqual([]);
  });
});
