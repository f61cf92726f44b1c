// Who holds a peer id in a swarm, on one process without Redis: one connection per peer id under either hash of a
// swarm bound to an alias, one peer id per connection, and nothing a stranger sends moves or ends a victim's claim.
// Real WebSocket clients on loopback; the same attacks across a cluster are in cluster/ownership.process.test.ts.
import { describe, expect, it } from 'vitest';
import { AnsweringPeer, peerId } from './testing/cluster';
import { trackerHarness } from './testing/harness';
import type { RunningServer } from './server';
import type { Json } from './test-client';

const H = 'H'.repeat(19) + '\xe1';
const J = 'J'.repeat(19) + '\xe2';
const K = 'K'.repeat(19) + '\xe3';

const { server, connect } = trackerHarness();

/** A peer on its own connection (closed after the test) that answers every offer. */
async function peer(running: RunningServer, tag: string, infoHash: string): Promise<AnsweringPeer> {
  const client = await connect(running);
  return AnsweringPeer.fromClient(client, peerId(tag), infoHash);
}

const announce = (infoHash: string, id: string, extra: Json = {}) => ({
  action: 'announce',
  info_hash: infoHash,
  peer_id: id,
  left: 100,
  ...extra,
});

describe('ownership of a peer id on one process', () => {
  it("refuses a stranger's announce of a victim's peer id under the alias it bound, and its stopped changes nothing", async () => {
    const running = await server();
    const victim = await peer(running, 'victim', H);
    expect((await victim.client.request(announce(H, victim.id)))['failure reason']).toBeUndefined();
    // The stranger binds its junk hash J to the victim's H, then announces J with the victim's peer id.
    const binder = await peer(running, 'binder', J);
    expect(await binder.client.request(announce(J, binder.id, { info_hash_alias: H }))).toMatchObject({
      info_hash_alias: H,
    });
    const thief = await connect(running);
    expect((await thief.request(announce(J, victim.id)))['failure reason']).toBe(
      'peer_id is in use in this swarm by another connection',
    );
    expect((await thief.request(announce(J, victim.id, { event: 'stopped' })))['failure reason']).toBe(
      'peer_id is in use in this swarm by another connection',
    );
    // Every offer of an honest peer still reaches the victim, under its own hash; none reaches the thief.
    const offerer = await peer(running, 'offerer', H);
    for (let round = 0; round < 5; round++) {
      offerer.offer(2, `r${round}`);
      await offerer.answered(2 * (round + 1));
    }
    expect(victim.offers).toHaveLength(5);
    expect(victim.offers.every((m) => m.info_hash === H)).toBe(true);
    expect((await thief.sync()).filter((m) => m.offer)).toEqual([]);
  });

  it('binds no alias that puts two peer ids of one connection in one swarm', async () => {
    const running = await server();
    const sybil = await connect(running);
    expect((await sybil.request(announce(H, peerId('one'))))['failure reason']).toBeUndefined();
    // The same connection, another peer id, in J named as H's other hash: the peer joins J, the binding is refused.
    const second = await sybil.request(announce(J, peerId('two'), { info_hash_alias: H }));
    expect(second['failure reason']).toBeUndefined();
    expect(second).not.toHaveProperty('info_hash_alias');
    expect(await sybil.request({ action: 'scrape', info_hash: [H, J] })).toMatchObject({
      files: { [H]: { incomplete: 1 }, [J]: { incomplete: 1 } },
    });
    expect(running.tracker.counters.aliasesRefused).toBe(1);
    expect(running.tracker.swarmCount).toBe(2);
  });

  it('refuses a second peer id on one connection under the other hash of a bound swarm, with its reason', async () => {
    const running = await server();
    const member = await connect(running);
    expect((await member.request(announce(H, peerId('one'))))['failure reason']).toBeUndefined();
    const binder = await connect(running);
    expect(await binder.request(announce(J, peerId('bind'), { info_hash_alias: H }))).toMatchObject({
      info_hash_alias: H,
    });
    expect((await member.request(announce(J, peerId('two'))))['failure reason']).toBe(
      'this connection already has another peer_id in this swarm',
    );
    expect(running.tracker.peerCount).toBe(2);
  });

  it("binds nothing for an announce it refuses: a stranger's claim with a victim's peer id names no alias", async () => {
    const running = await server();
    const victim = await connect(running);
    await victim.request(announce(H, peerId('victim')));
    const thief = await connect(running);
    expect(
      (await thief.request(announce(H, peerId('victim'), { info_hash_alias: K })))['failure reason'],
    ).toBe('peer_id is in use in this swarm by another connection');
    expect(running.tracker.counters.aliasesBound).toBe(0);
    // K is still free: another torrent's peer binds it.
    const other = await connect(running);
    expect(await other.request(announce(K, peerId('k'), { info_hash_alias: J }))).toMatchObject({
      info_hash_alias: J,
    });
  });
});
