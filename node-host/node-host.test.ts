import { readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeHost } from './node-host';
import type { NodeTorrent } from './node-torrent';
import { makeTorrent, type TorrentKind } from './make-torrent';
import { cornerCaseFiles, Scratch, treeDifferences, writeFixture } from './testing/fixtures';

const scratch = new Scratch('node-host');
afterEach(() => scratch.cleanup());
const folder = (): Promise<string> => scratch.folder();
const host = (): NodeHost => scratch.keep(new NodeHost(), (made) => made.stop());

const done = (torrent: NodeTorrent): Promise<void> => new Promise((resolve) => torrent.once('done', resolve));

describe('NodeHost: the engine over TCP', () => {
  it("names itself in its peer id by SwarmDrop's client prefix, then 12 random bytes", () => {
    const [one, two] = [new NodeHost().peerId, new NodeHost().peerId];
    expect(new TextDecoder().decode(one.subarray(0, 8))).toBe('-SW0100-');
    expect(one.length).toBe(20);
    expect(one).not.toEqual(two);
  });

  it.each<TorrentKind>(['v1', 'hybrid', 'v2'])(
    'a %s torrent goes from a listening seeder to a connecting leecher, byte for byte',
    async (kind) => {
      const source = await folder();
      const root = await writeFixture(source, 'share', cornerCaseFiles(32 * 1024), 7);
      const torrent = await makeTorrent(root, { kind, pieceLength: 32 * 1024 });
      const seederHost = host();
      const served = await seederHost.add({ torrent, folder: source });
      expect(served.stats().state).toBe('seeding');
      const port = await seederHost.listen(0);
      const target = await folder();
      const leecher = await host().add({ torrent, folder: target });
      const pieces: number[] = [];
      leecher.on('piece', (index) => pieces.push(index));
      const finished = done(leecher);
      await leecher.connect('127.0.0.1', port);
      await finished;
      expect(new Set(pieces).size).toBe(served.source.info.pieceCount);
      expect(await treeDifferences(root, join(target, 'share'))).toEqual([]);
    },
  );

  it('checks the files already on disk: a damaged piece is fetched again, the rest is kept', async () => {
    const source = await folder();
    const root = await writeFixture(source, 'share', [{ path: 'x.bin', length: 5 * 16 * 1024 }], 3);
    const torrent = await makeTorrent(root, { kind: 'hybrid', pieceLength: 16 * 1024 });
    const seederHost = host();
    await seederHost.add({ torrent, folder: source });
    const port = await seederHost.listen(0);
    const target = await folder();
    await writeFixture(target, 'share', [{ path: 'x.bin', length: 5 * 16 * 1024 }], 3);
    const damaged = await readFile(join(target, 'share', 'x.bin'));
    damaged[2 * 16 * 1024 + 5] ^= 0xff;
    await writeFile(join(target, 'share', 'x.bin'), damaged);
    const leecher = await host().add({ torrent, folder: target });
    expect(leecher.stats().have).toBe(4);
    const pieces: number[] = [];
    leecher.on('piece', (index) => pieces.push(index));
    const finished = done(leecher);
    await leecher.connect('127.0.0.1', port);
    await finished;
    expect(pieces).toEqual([2]);
    expect(await treeDifferences(root, join(target, 'share'))).toEqual([]);
  });

  it('remove() drops a torrent: its peers closed, its files released, a peer naming it refused', async () => {
    const source = await folder();
    const root = await writeFixture(source, 'share', cornerCaseFiles(32 * 1024), 8);
    const torrent = await makeTorrent(root, { kind: 'v1', pieceLength: 32 * 1024 });
    const seederHost = host();
    const served = await seederHost.add({ torrent, folder: source });
    const port = await seederHost.listen(0);
    const leecher = await host().add({ torrent, folder: await folder() });
    const finished = done(leecher);
    await leecher.connect('127.0.0.1', port);
    await finished;
    expect(await openFilesUnder(source)).not.toEqual([]);

    const closed = new Promise<void>((resolve) => leecher.once('peer-closed', () => resolve()));
    const stopped = new Promise<void>((resolve) => served.once('stopped', resolve));
    await seederHost.remove(served);
    await Promise.all([closed, stopped]);
    expect(await openFilesUnder(source)).toEqual([]);

    const late = await host().add({ torrent, folder: await folder() });
    const refused = new Promise<string>((resolve) =>
      late.once('peer-closed', (_peer, reason) => resolve(reason)),
    );
    await late.connect('127.0.0.1', port);
    expect(await refused).toBe('connection closed');
    expect(late.stats().have).toBe(0);
  });
});

/** The files under `folder` that this process holds open (its descriptors in /proc/self/fd). */
async function openFilesUnder(folder: string): Promise<string[]> {
  const links = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return links.filter((link) => link.startsWith(`${folder}/`));
}
