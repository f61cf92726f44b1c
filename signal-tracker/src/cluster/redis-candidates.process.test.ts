// How the announce script picks offer candidates, against a real redis-server: one random peer per client
// address first, never the announcer, even when it shares its address with others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryAvailable, REDIS_SERVER, startRedis, type Daemon } from '../testing/daemons';
import { RedisDirectory } from './redis-directory';

const [IH, IH2] = ['cc'.repeat(10), 'dd'.repeat(10)];

describe.skipIf(!binaryAvailable(REDIS_SERVER))('offer candidates (real redis-server)', () => {
  let daemon: Daemon;
  let directory: RedisDirectory;

  beforeAll(async () => {
    daemon = await startRedis();
    const url = `redis://127.0.0.1:${daemon.port}`;
    directory = new RedisDirectory({ url, process: 'proc-a', peerTimeoutMs: 60_000, onMessage: () => {} });
    await directory.start();
  });
  afterAll(async () => {
    await directory.close();
    await daemon.stop();
  });

  // Each peer on its own connection, named by its peer id.
  const join = (peerId: string, address: string, want = 0, infoHash = IH) =>
    directory.announce({ infoHash, peerId, connection: peerId, complete: false, now: 1000, want, address });

  it("picks the other peer of the announcer's own address, never the announcer", async () => {
    await join('me', 'home');
    await join('sibling', 'home');
    for (let i = 0; i < 20; i++) {
      const { candidates } = await join('me', 'home', 4);
      expect(candidates).toEqual([{ peerId: 'sibling', process: 'proc-a' }]);
    }
  });

  it('gives an address with many peers one candidate among the first, as one with a single peer', async () => {
    for (let i = 0; i < 6; i++) await join(`many-${i}`, 'crowd', 0, IH2);
    await join('solo-1', 'one', 0, IH2);
    await join('solo-2', 'two', 0, IH2);
    for (let i = 0; i < 20; i++) {
      const { candidates } = await join('asker', 'elsewhere', 3, IH2);
      const firstThree = candidates.slice(0, 3).map((c) => c.peerId);
      expect(firstThree.filter((id) => id.startsWith('many-'))).toHaveLength(1);
      expect(firstThree.filter((id) => id.startsWith('solo-')).sort()).toEqual(['solo-1', 'solo-2']);
    }
  });
});
