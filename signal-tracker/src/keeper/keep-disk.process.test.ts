// A keeper whose folder is on a filesystem that cannot take a share (a small tmpfs, within its quota) refuses it in
// words and loses nothing it keeps: the share it already holds still downloads from it, byte for byte.
import { afterEach, describe, expect, it } from 'vitest';
import { askKeep, KeeperScene, keepStatus, untilKept } from './testing/keeper-scene';
import { canMount, mountTmpfs } from './testing/tmpfs';

const KiB = 1024;
const scene = new KeeperScene();
afterEach(() => scene.cleanup());

describe('a keeper on a full disk', () => {
  it.skipIf(!canMount)('refuses a share its disk has no room for, in words, and keeps the rest', async () => {
    const disk = scene.scratch.keep(await mountTmpfs(512 * KiB), (mounted) => mounted.unmount());
    const server = await scene.tracker(disk.path); // a quota of 8 MB: the disk runs out first
    const small = await scene.share(31); // about 181 KiB
    const sharer = await scene.peer(server, small.torrent, small.source);
    expect((await askKeep(server, small.request)).status).toBe(200);
    await untilKept(server, small.infoHash);

    const large = await scene.share(32, [{ path: 'big.bin', length: 400 * KiB }]);
    await scene.peer(server, large.torrent, large.source);
    const refused = await askKeep(server, large.request);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(
      /^The keeper's disk is full: it has \d+ KB free and this share takes 4[0-9]{2} KB\.$/,
    );
    expect(await keepStatus(server, large.infoHash)).toEqual({
      error: 'The keeper does not keep this share.',
    });

    await sharer.leave();
    expect((await keepStatus(server, small.infoHash)).kept).toBe(true);
    await scene.downloadFromSwarm(server, small);
  });
});
