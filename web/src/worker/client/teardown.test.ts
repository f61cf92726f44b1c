import { describe, expect, it } from 'vitest';
import { addMagnet } from './intake/add-magnet';
import { removeTorrent, shutdown } from './teardown';
import { context, testCore } from './testing/core';

const HASH = '0123456789abcdef0123456789abcdef01234567';

describe('removeTorrent', () => {
  it('stops the torrent, takes it off the list at once, and deletes its record', async () => {
    const gone: string[] = [];
    const { core, store, posts } = testCore({ torrentGone: (infoHashHex) => gone.push(infoHashHex) });
    await addMagnet(core, { link: HASH }, context());
    await core.storage.writer.flush();
    expect(store.data.has(`torrent:${HASH}`)).toBe(true);
    const host = core.registry.get(HASH)!;
    await removeTorrent(core, HASH);
    expect(core.registry.has(HASH)).toBe(false);
    expect(host.removed).toBe(true);
    expect(gone).toEqual([HASH]);
    expect(posts.at(-1)).toMatchObject({ type: 'torrents', listed: [] });
    expect(posts.some((m) => m.type === 'torrent-inactive')).toBe(true);
    expect(store.data.has(`torrent:${HASH}`)).toBe(false);
  });

  it('does nothing for a torrent it does not have', async () => {
    const { core, posts } = testCore();
    await removeTorrent(core, HASH);
    expect(posts).toEqual([]);
  });
});

describe('shutdown', () => {
  it('announces every torrent stopped and writes what is queued', async () => {
    const { core, store, posts } = testCore({ writer: { delayMs: 60_000 } });
    await addMagnet(core, { link: HASH }, context());
    expect(store.data.has(`torrent:${HASH}`)).toBe(false);
    await shutdown(core);
    expect(posts.some((m) => m.type === 'torrent-inactive')).toBe(true);
    expect(store.data.has(`torrent:${HASH}`)).toBe(true);
  });
});
