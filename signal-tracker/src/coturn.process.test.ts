// A relay set up as docs/deploying.md says (coturn with coturnPeerFlags), reached with a credential from the
// tracker's /config.json: a real coturn on loopback and a small TURN client that allocates a relay and asks for
// permissions. A permission is only state on the relay: nothing is sent to any peer address here.
import { afterEach, describe, expect, it } from 'vitest';
import { coturnPeerFlags } from './coturn-flags';
import { startCoturn, type Daemon } from './testing/daemons';
import { httpGet, trackerHarness } from './testing/harness';
import { TurnClient } from './testing/turn-client';

const SECRET = 'coturn-test-secret';
const { server } = trackerHarness();
const daemons: Daemon[] = [];
const clients: TurnClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
});

/** Addresses a relay must never reach: the relay host itself, the networks behind it, multicast. */
const INSIDE = [
  '127.0.0.1',
  '127.1.2.3',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.1',
  '224.0.0.1',
  '255.255.255.255',
];
/** A documentation address (RFC 5737): outside, and never routed, so a permission to it proves the relay works. */
const OUTSIDE = '198.51.100.7';

describe('a relay set up as the deployment guide says', () => {
  it('refuses a relayed allocation every loopback, private, link-local and multicast peer (403)', async () => {
    const coturn = await startCoturn(SECRET, coturnPeerFlags());
    daemons.push(coturn);
    const tracker = await server({
      turn: { urls: [`turn:127.0.0.1:${coturn.port}?transport=udp`], secret: SECRET, ttlSeconds: 3600 },
    });
    const config = JSON.parse((await httpGet(tracker, '/config.json')).body) as {
      iceServers: Array<{ username: string; credential: string }>;
    };
    const { username, credential } = config.iceServers[0];

    const client = await TurnClient.open('127.0.0.1', coturn.port);
    clients.push(client);
    expect(await client.allocate(username, credential)).toMatchObject({ success: true });
    expect(await client.createPermission(OUTSIDE)).toMatchObject({ success: true });
    const codes: Record<string, number> = {};
    for (const address of INSIDE) codes[address] = (await client.createPermission(address)).code;
    expect(codes).toEqual(Object.fromEntries(INSIDE.map((address) => [address, 403])));
  });
});
