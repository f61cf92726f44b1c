// Kept shares announce over a bounded pool of tracker sockets (TrackerSockets), not one socket each: a keeper
// resuming more shares than the tracker takes connections from one address still joins a new share's swarm, and
// fetches it.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../shared/testing/until';
import { KeepStore } from './keep-store';
import { KeeperScene, LIMITS } from './testing/keeper-scene';
import { lonelyKeeper, writeKeptShare } from './testing/lonely-keeper';
import { TRACKER_SOCKETS } from './tracker-sockets';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

/** The tracker's connections from one address: fewer than the shares kept, more than the keeper's pool. */
const CONNECTIONS_PER_ADDRESS = TRACKER_SOCKETS + 8;
const SHARES = CONNECTIONS_PER_ADDRESS + 16;

describe("the keeper's tracker sockets", () => {
  it('hold more shares than the tracker takes connections from its address: a new keep is fetched', async () => {
    const folder = await scene.folder();
    const records = [];
    for (let i = 0; i < SHARES; i++) {
      const share = await scene.share(100 + i, [{ path: 'tiny.bin', length: 1 }]);
      records.push(await writeKeptShare(folder, share, `198.51.100.${i}`));
    }
    await new KeepStore(folder).save(records);
    const limits = { maxConnectionsPerAddress: CONNECTIONS_PER_ADDRESS };
    const { keeper, server, keep } = await lonelyKeeper(scene, folder, LIMITS, { limits });
    for (const record of records)
      expect(keeper.status(record.infoHash, record.stopToken)).toMatchObject({ kept: true });

    const honest = await scene.share(99);
    await scene.peer(server, honest.torrent, honest.source);
    const reply = await keep(honest, '203.0.113.1');
    if (!reply.ok) throw new Error(reply.error);
    await until(() => keeper.status(honest.infoHash, reply.stopToken)?.kept === true, {
      what: 'the keeper fetches the new share',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  });
});
