// The keeper with the tracker's TURN relay (a real coturn with the REST-API shared secret): a relay-only sharer, with
// the credential /config.json gives a tab, has its share kept; the keeper's own peer connections allocate relays on
// coturn with credentials the keeper minted (usernames no tab was given); a relay-only newcomer then downloads the
// share from the keeper alone, byte for byte.
import { afterEach, describe, expect, it } from 'vitest';
import { binaryAvailable, startCoturn, TURNSERVER } from '../testing/daemons';
import { askKeep, KeeperScene, untilKept, type TrackerAt } from './testing/keeper-scene';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

const SECRET = 'keeper-relay-secret';

/** The ICE servers /config.json gives a tab now, and the TURN username among them. */
async function tabIceServers(at: TrackerAt): Promise<{ iceServers: unknown[]; username: string }> {
  const config = (await (await fetch(new URL('/config.json', at.url))).json()) as {
    iceServers: Array<{ username?: string }>;
  };
  const username = config.iceServers.find((server) => server.username)?.username;
  if (!username) throw new Error('/config.json gave no TURN credential');
  return { iceServers: config.iceServers, username };
}

/** The usernames coturn allocated a relay for, from its verbose log. */
function allocations(log: string): Set<string> {
  const success = /user <([^>]+)>: incoming packet ALLOCATE processed, success/g;
  return new Set([...log.matchAll(success)].map((match) => match[1]));
}

describe('the keeper behind a TURN relay', () => {
  it.skipIf(!binaryAvailable(TURNSERVER))(
    'allocates relays with credentials of its own and serves relay-only tabs',
    async () => {
      const coturn = await startCoturn(SECRET, ['--allow-loopback-peers', '--verbose']);
      scene.scratch.keep(coturn, (daemon) => daemon.stop());
      let log = '';
      coturn.onOutput((text) => (log += text));
      const turn = { urls: [`turn:127.0.0.1:${coturn.port}?transport=udp`], secret: SECRET, ttlSeconds: 600 };
      const server = await scene.tracker(await scene.folder(), undefined, { turn });
      const share = await scene.share(51);
      const tab = await tabIceServers(server);
      const sharer = await scene.peer(server, share.torrent, share.source, {
        iceServers: tab.iceServers,
        relayOnly: true,
      });
      expect((await askKeep(server, share.request)).status).toBe(200);
      await untilKept(server, share.infoHash);
      const keepers = [...allocations(log)].filter((username) => username !== tab.username);
      expect(keepers.length).toBeGreaterThan(0);
      expect(keepers.every((username) => /^\d+:[\w-]+$/.test(username))).toBe(true);

      await sharer.leave();
      const newcomer = await tabIceServers(server);
      await scene.downloadFromSwarm(server, share, { iceServers: newcomer.iceServers, relayOnly: true });
    },
    60_000,
  );
});
