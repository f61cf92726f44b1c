// A download onto a disk that fills up (a small tmpfs this test mounts, filled by another file) waits for storage,
// and once the other file is deleted goes on by itself and finishes byte for byte, its verified map right too.
// Mounting needs root: the test is skipped for anyone else.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskPieceStorage } from './disk-storage';
import { makeTorrent } from './make-torrent';
import { NodeHost } from './node-host';
import type { NodeTorrent } from './node-torrent';
import { Scratch, treeDifferences, writeFixture } from './testing/fixtures';
import { readTorrent } from './torrent-source';

const KiB = 1024;
const scratch = new Scratch('full-disk');
afterEach(() => scratch.cleanup());
const host = (): NodeHost => scratch.keep(new NodeHost(), (made) => made.stop());
const root = process.getuid?.() === 0;

/** A 2 MiB tmpfs at a new folder, unmounted when the test ends. */
async function smallDisk(): Promise<string> {
  const path = await scratch.folder();
  const disk = join(path, 'disk');
  await mkdir(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
  scratch.keep(disk, async () => {
    execFileSync('umount', [disk]);
  });
  return disk;
}

async function until(check: () => boolean, what: string, limitMs = 40_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const waiting = (torrent: NodeTorrent): boolean =>
  torrent.stats().state === 'error' && (torrent.stats().error ?? '').startsWith('Waiting for storage: ');

describe.skipIf(!root)('a full disk', () => {
  it('stalls the download, which resumes once space is freed and finishes byte-identical', async () => {
    const source = await scratch.folder();
    const files = [
      { path: 'big.bin', length: 1200 * KiB },
      { path: 'small.bin', length: 100 * KiB + 7 },
    ];
    const share = await writeFixture(source, 'share', files, 11);
    const torrent = await makeTorrent(share, { kind: 'hybrid', pieceLength: 64 * KiB });
    const seeder = host();
    await seeder.add({ torrent, folder: source });
    const port = await seeder.listen(0);

    const disk = await smallDisk();
    const map = join(disk, 'state', 'verified');
    // Leaves room for about a third of the download.
    const filler = join(disk, 'filler');
    const { bavail, bsize } = await statfs(disk);
    await writeFile(filler, new Uint8Array(bavail * bsize - 450 * KiB));

    const leecher = await host().add({ torrent, folder: disk, verifiedPath: map });
    const failures: string[] = [];
    leecher.on('failed', (reason) => failures.push(reason));
    const finished = new Promise<void>((resolve) => leecher.once('done', resolve));
    await leecher.connect('127.0.0.1', port);
    await until(() => waiting(leecher), 'the disk to fill');
    const { pieceCount } = (await readTorrent(torrent)).info;
    const stalledAt = leecher.stats().have;
    expect(stalledAt).toBeGreaterThan(0);
    expect(stalledAt).toBeLessThan(pieceCount);

    await rm(filler);
    await finished;
    expect(leecher.stats().state).toBe('seeding');
    expect(leecher.stats().error).toBeUndefined();
    expect(failures).toEqual([]);
    expect(await treeDifferences(share, join(disk, 'share'))).toEqual([]);

    const info = (await readTorrent(torrent)).info;
    const reopened = new DiskPieceStorage(disk, info, map);
    await reopened.load();
    expect((await reopened.verifiedPieces(pieceCount)).count()).toBe(pieceCount);
    await reopened.close();
  });
});
