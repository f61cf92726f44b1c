import { NOTHING_TO_SHARE } from '../../share/share-files';
import { describe, expect, it } from 'vitest';
import { ActionError } from '../action-runner';
import { context, testBytes, testCore } from '../testing/core';
import { until } from '../../testing/harness';
import { share } from './add-share';

const pieceKeys = (keys: Iterable<string>) => [...keys].filter((key) => key.startsWith('piece:'));

describe('share', () => {
  it('hashes the files into a new torrent, stores its pieces, and seeds it', async () => {
    const { core, store, posts } = testCore();
    const files = [{ file: new File([testBytes(40_000, 1)], 'a.bin'), path: ['a.bin'] }];
    const added = await share(core, { files, name: 'a.bin' }, context(4));
    const host = core.registry.get(added.infoHashHex)!;
    expect(added.name).toBe('a.bin');
    expect(host.record.trackers).toEqual(['wss://app.example/']);
    expect(core.registry.views(0)[0]).toMatchObject({ state: 'seeding', have: 3, pieceCount: 3 });
    expect(pieceKeys(store.data.keys())).toHaveLength(3);
    // Listed while it was hashed, then not.
    expect(posts).toContainEqual(expect.objectContaining({ type: 'torrents', listed: ['hashing-4'] }));
    expect(core.registry.views(0).map((view) => view.infoHashHex)).toEqual([added.infoHashHex]);
  });

  it('seeds a private share under its own name, from its sealed content', async () => {
    const { core } = testCore();
    const files = [{ file: new File([testBytes(20_000, 2)], 'secret.txt'), path: ['secret.txt'] }];
    const added = await share(core, { files, name: 'secret', encrypt: true }, context());
    expect(added.name).toBe('secret');
    expect(core.registry.get(added.infoHashHex)!.record.private?.key).toEqual(expect.any(String));
  });

  it('keeps the checked Also at URLs as its web seeds, in its magnet link as ws=', async () => {
    const { core } = testCore();
    const files = [{ file: new File([testBytes(20_000, 5)], 'c.bin'), path: ['c.bin'] }];
    const webSeeds = ['https://files.example.org/c.bin', 'javascript:alert(1)'];
    const added = await share(core, { files, name: 'c.bin', webSeeds }, context());
    expect(core.registry.get(added.infoHashHex)!.record.webSeeds).toEqual([
      'https://files.example.org/c.bin',
    ]);
    const magnet = core.registry.views(0)[0].magnet;
    expect(new URL(magnet).searchParams.getAll('ws')).toEqual(['https://files.example.org/c.bin']);
  });

  it('refuses files that hold no data, and a share the browser has no room for, storing nothing', async () => {
    const { core, store } = testCore({ estimateStorage: async () => ({ quota: 1000, usage: 0 }) });
    const empty = [{ file: new File([], 'e'), path: ['e'] }];
    await expect(share(core, { files: empty, name: 'e' }, context())).rejects.toThrow(NOTHING_TO_SHARE);
    const big = [{ file: new File([testBytes(5000, 3)], 'big'), path: ['big'] }];
    const refused = share(core, { files: big, name: 'big' }, context());
    await expect(refused).rejects.toBeInstanceOf(ActionError);
    await expect(refused).rejects.toThrow(/^Not enough storage/);
    expect(pieceKeys(store.data.keys())).toEqual([]);
    expect(core.registry.views(0)).toEqual([]);
  });

  it('stops hashing when removed under its listed key, and deletes what it stored', async () => {
    const { core, store } = testCore();
    const bytes = testBytes(400_000, 4);
    // A file whose reads wait until the test lets them through.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = {
      size: bytes.length,
      slice: (start: number, end: number) => ({
        arrayBuffer: async () => {
          await gate;
          return bytes.slice(start, end).buffer;
        },
      }),
    } as unknown as File;
    const hashing = share(
      core,
      { files: [{ file: slow, path: ['long.bin'] }], name: 'long.bin' },
      context(6),
    );
    await until(() => core.registry.views(0).length > 0, []);
    expect(core.registry.cancelShare('hashing-6')).toBe(true);
    release();
    await expect(hashing).rejects.toThrow('The share was cancelled');
    await core.storage.writer.flush();
    expect(pieceKeys(store.data.keys())).toEqual([]);
    expect(core.registry.views(0)).toEqual([]);
  });
});
