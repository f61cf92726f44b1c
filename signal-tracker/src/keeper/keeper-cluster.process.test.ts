// The keeper in a cluster of two tracker processes on a real Redis: one process keeps (--keep-dir), the other does
// not. A tab whose WebSocket is on the process without a keeper asks the keeper's process (where the proxy routes
// /keep) with the proof of holding the share, and the keeper fetches it from that tab across the processes. The
// process without a keeper refuses keep requests in words; a request without a proof is refused as everywhere.
import { afterEach, describe, expect, it } from 'vitest';
import { binaryAvailable, REDIS_SERVER, startRedis } from '../testing/daemons';
import { PROOF_NEEDED } from './keep-proof';
import { askKeep, KeeperScene, keepStatus, post, untilKept } from './testing/keeper-scene';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

describe('the keeper in a Redis cluster', () => {
  it.skipIf(!binaryAvailable(REDIS_SERVER))(
    'one process keeps, for the tabs of every process; the others refuse in words',
    async () => {
      const redis = scene.scratch.keep(await startRedis(), (daemon) => daemon.stop());
      const redisUrl = `redis://127.0.0.1:${redis.port}`;
      const keeping = await scene.tracker(await scene.folder(), undefined, { redisUrl, trustProxy: true });
      const other = await scene.tracker(await scene.folder(), undefined, { redisUrl, keeper: undefined });
      const share = await scene.share(61);
      await scene.peer(other, share.torrent, share.source);

      expect(await post(other, '/keep', share.request)).toEqual({
        status: 404,
        body: { error: 'This tracker does not keep shares.' },
      });
      expect(await keepStatus(other, share.infoHash)).toEqual({
        error: 'This tracker does not keep shares.',
      });
      const kept = await askKeep(keeping, share.request);
      expect(kept.status).toBe(200);
      await untilKept(
        keeping,
        share.infoHash,
        'the keeper fetches the share from a tab on the other process',
      );

      const second = await scene.share(62);
      await scene.peer(other, second.torrent, second.source);
      const stranger = { 'x-forwarded-for': '198.51.100.7' };
      expect(await post(keeping, '/keep', second.request, stranger)).toMatchObject({
        status: 428,
        body: { ok: false, error: PROOF_NEEDED },
      });
    },
    60_000,
  );
});
