import { describe, expect, it } from 'vitest';
import { ActionError } from '../action-runner';
import { context, testCore } from '../testing/core';
import { addMagnet } from './add-magnet';

const HASH = '0123456789abcdef0123456789abcdef01234567';

describe('addMagnet', () => {
  it("adds a torrent by its link: named by the link, with the link's trackers and the app's", async () => {
    const { core } = testCore();
    const link = `magnet:?xt=urn:btih:${HASH}&dn=holiday&tr=wss%3A%2F%2Ft.example%2F&so=1`;
    expect(await addMagnet(core, { link: `  ${link} ` }, context())).toEqual({
      infoHashHex: HASH,
      name: 'holiday',
    });
    const host = core.registry.get(HASH)!;
    expect(host.record).toMatchObject({
      infoHashHex: HASH,
      name: 'holiday',
      storageId: HASH,
      trackers: ['wss://t.example/', 'wss://app.example/'],
      selectOnly: [1],
      uploaded: 0,
      downloaded: 0,
      paused: false,
    });
    expect(core.registry.views(0)[0]).toMatchObject({ state: 'fetching-metadata' });
  });

  it('never records a tracker the link aims at this device or its network, and answers which it left out', async () => {
    const { core } = testCore();
    const aimed = ['ws://127.0.0.1:6379/', 'ws://0x7f.1/', 'ws://[::ffff:10.0.0.1]/', 'wss://t.example/'];
    const link = `magnet:?xt=urn:btih:${HASH}&dn=aimed${aimed.map((t) => `&tr=${encodeURIComponent(t)}`).join('')}`;
    expect(await addMagnet(core, { link }, context())).toEqual({
      infoHashHex: HASH,
      name: 'aimed',
      notContacted: {
        dropped: [
          { url: 'ws://127.0.0.1:6379/', reason: 'loopback' },
          { url: 'ws://0x7f.1/', reason: 'loopback' },
          { url: 'ws://[::ffff:10.0.0.1]/', reason: 'private' },
        ],
        unread: 0,
      },
    });
    expect(core.registry.get(HASH)!.record.trackers).toEqual(['wss://t.example/', 'wss://app.example/']);
  });

  it('takes a bare info hash, named by the hash', async () => {
    const { core } = testCore();
    expect(await addMagnet(core, { link: HASH }, context())).toEqual({ infoHashHex: HASH, name: HASH });
  });

  it('answers a torrent already listed with the one listed', async () => {
    const { core } = testCore();
    await addMagnet(core, { link: `magnet:?xt=urn:btih:${HASH}&dn=first` }, context());
    const host = core.registry.get(HASH)!;
    const again = await addMagnet(core, { link: `magnet:?xt=urn:btih:${HASH}&dn=second` }, context());
    expect(again).toEqual({ infoHashHex: HASH, name: 'first' });
    expect(core.registry.get(HASH)).toBe(host);
  });

  it('keeps the key of a private share link in the record', async () => {
    const { core } = testCore();
    const key = 'k'.repeat(43);
    await addMagnet(core, { link: HASH, key }, context());
    expect(core.registry.get(HASH)!.record.private).toEqual({ key });
  });

  it('refuses what is not a link, and a download the browser has no room for', async () => {
    const { core } = testCore({ estimateStorage: async () => ({ quota: 1000, usage: 0 }) });
    await expect(addMagnet(core, { link: 'hello' }, context())).rejects.toBeInstanceOf(ActionError);
    await expect(addMagnet(core, { link: `magnet:?xt=urn:btih:${HASH}&xl=5000` }, context())).rejects.toThrow(
      /^Not enough storage/,
    );
    expect(core.registry.has(HASH)).toBe(false);
    await addMagnet(core, { link: `magnet:?xt=urn:btih:${HASH}&xl=500` }, context());
    expect(core.registry.get(HASH)!.record.length).toBe(500);
  });
});
