// The quota counts every byte the keeper writes for a share, not the share's length: 1-byte shares whose .torrent
// carries padding outside its info dictionary are counted at what they take, so the keeper refuses them once the
// quota is reached and its disk (a tmpfs the test mounts, larger than the quota) never holds more than the quota.
import { statfs } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type KeepReply } from './keeper';
import { KeeperScene, LIMITS, MB } from './testing/keeper-scene';
import { lonelyKeeper, padTorrent } from './testing/lonely-keeper';
import { canMount, mountTmpfs } from './testing/tmpfs';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

const QUOTA = 4 * MB;
const PADDING = 1.4 * MB;

describe("the keeper's quota", () => {
  it.skipIf(!canMount)(
    'counts padded .torrents at what they take: the disk never holds past the quota',
    async () => {
      const disk = scene.scratch.keep(await mountTmpfs(40 * MB), (mounted) => mounted.unmount());
      const limits = { ...LIMITS, quotaBytes: QUOTA, perAddressBytes: QUOTA };
      const { keep } = await lonelyKeeper(scene, disk.path, limits);
      const replies: KeepReply[] = [];
      for (let seed = 51; seed < 55; seed++) {
        const share = await scene.share(seed, [{ path: 'tiny.bin', length: 1 }]);
        const padded = { ...share, torrent: padTorrent(share.torrent, PADDING) };
        replies.push(await keep(padded, `198.51.100.${seed}`));
      }
      expect(replies.map((reply) => reply.ok)).toEqual([true, true, false, false]);
      for (const reply of replies.slice(2))
        expect(reply).toMatchObject({
          error: expect.stringMatching(/^The keeper is full: it has 1\.\d MB free/),
        });
      const { blocks, bfree, bsize } = await statfs(disk.path);
      expect((blocks - bfree) * bsize).toBeLessThanOrEqual(QUOTA);
    },
  );
});
