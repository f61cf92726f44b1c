// Who holds a peer id in a swarm across a cluster on a real redis-server: two tracker processes on one Redis, and
// the one-port cluster (--workers 2). A stranger binds a junk hash J to a victim's hash H through one process and
// announces J with the victim's peer id on another, or on the victim's own; it must not get the victim's offers,
// and its stopped must not end the victim's claim. One connection holds one peer id in a bound swarm.
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { peerClient } from '../tracker/peer-client';
import { TestClient, type Json } from '../test-client';
import { AnsweringPeer, clusterHarness, peerId } from '../testing/cluster';
import { binaryAvailable, REDIS_SERVER } from '../testing/daemons';

const H = 'H'.repeat(19) + '\xe1';
const J = 'J'.repeat(19) + '\xe2';
const K = 'K'.repeat(19) + '\xe3';
const IN_USE = 'peer_id is in use in this swarm by another connection';
const SECOND_ID = 'this connection already has another peer_id in this swarm';

const announce = (infoHash: string, id: string, extra: Json = {}) => ({
  action: 'announce',
  info_hash: infoHash,
  peer_id: id,
  left: 100,
  ...extra,
});

describe.skipIf(!binaryAvailable(REDIS_SERVER))(
  'ownership of a peer id across a cluster (real redis-server)',
  () => {
    const { clients, process: process_, childTracker, redisUrl } = clusterHarness();

    async function connect(url: string): Promise<TestClient> {
      const client = await TestClient.open(url);
      clients.push(client);
      return client;
    }

    /** A peer on a new connection to `url` that answers every offer, announced in `infoHash`. */
    async function member(
      url: string,
      tag: string,
      infoHash: string,
      extra: Json = {},
    ): Promise<AnsweringPeer> {
      const client = await connect(url);
      const peer = AnsweringPeer.fromClient(client, peerId(tag), infoHash);
      const reply = await client.request(announce(infoHash, peer.id, extra));
      expect(reply['failure reason']).toBeUndefined();
      return peer;
    }

    /** `rounds` announces of `offerer` with two offers each (the swarm's two other peers), each answered. */
    async function offerRounds(offerer: AnsweringPeer, rounds: number, tag: string): Promise<void> {
      const before = offerer.answers.length;
      for (let round = 0; round < rounds; round++) {
        offerer.offer(2, `${tag}${round}`);
        await offerer.answered(before + 2 * (round + 1));
      }
    }

    it("refuses a stranger's claim of a victim's peer id through two processes; the victim keeps every offer", async () => {
      // Offers per second to one peer above the test's ten (that limit is not what this tests).
      const limits = { maxOffersPerSecondPerSender: 100, maxOffersPerSecondPerRecipient: 100 };
      const [one, two] = [await process_({ limits }), await process_({ limits })];
      const victim = await member(one.trackerUrl, 'victim', H);
      // The stranger binds J to H through process 2, then announces J with the victim's id on the victim's process.
      const binder = await member(two.trackerUrl, 'binder', J, { info_hash_alias: H });
      const thief = await connect(one.trackerUrl);
      expect((await thief.request(announce(J, victim.id)))['failure reason']).toBe(IN_USE);
      // On the other process too, under either hash; then its stopped, under either hash, on both processes.
      const thief2 = await connect(two.trackerUrl);
      expect((await thief2.request(announce(H, victim.id)))['failure reason']).toBe(IN_USE);
      for (const client of [thief, thief2])
        for (const hash of [H, J]) await client.request(announce(hash, victim.id, { event: 'stopped' }));
      // A rebinding with the victim's id (K for H) is refused as well, and binds K nowhere.
      const rebind = await thief2.request(announce(H, victim.id, { info_hash_alias: K }));
      expect(rebind['failure reason']).toBe(IN_USE);
      const other = await connect(one.trackerUrl);
      const L = 'L'.repeat(19) + '\xe4';
      expect(await other.request(announce(K, peerId('k'), { info_hash_alias: L }))).toMatchObject({
        info_hash_alias: L,
      });
      const offerer = await member(two.trackerUrl, 'offerer', H);
      await offerRounds(offerer, 5, 'a');
      expect(victim.offers).toHaveLength(5);
      expect(victim.offers.every((m) => m.info_hash === H)).toBe(true);
      expect(binder.offers).toHaveLength(5);
      // The victim is still in Redis after the stranger's stopped and its connections' close.
      await Promise.all([thief.close(), thief2.close()]);
      await offerer.client.sync(); // the replies to its announces
      expect(await offerer.client.request({ action: 'scrape', info_hash: [H, J] })).toMatchObject({
        files: { [H]: { incomplete: 3 }, [J]: { incomplete: 3 } },
      });
      await offerRounds(offerer, 5, 'b');
      expect(victim.offers).toHaveLength(10);
    });

    it('binds an alias in no memory when Redis refused the claim', async () => {
      const [one, two] = [await process_(), await process_()];
      await member(one.trackerUrl, 'victim', H);
      await member(two.trackerUrl, 'binder', J, { info_hash_alias: H });
      // On process 1, which has not seen J: a claim of K for H, which Redis has bound to J already.
      const claimant = await connect(one.trackerUrl);
      const reply = await claimant.request(announce(K, peerId('k'), { info_hash_alias: H }));
      expect(reply['failure reason']).toBeUndefined();
      expect(reply).not.toHaveProperty('info_hash_alias');
      const bound = one.tracker.swarmStats(peerClient).filter((swarm) => swarm.alias !== undefined);
      expect(bound.map((swarm) => [swarm.infoHash, swarm.alias].sort())).not.toContainEqual(
        [K, H].map((hash) => Buffer.from(hash, 'latin1').toString('hex')).sort(),
      );
    });

    it('holds one peer id per connection in a swarm bound through another process', async () => {
      const [one, two] = [await process_(), await process_()];
      const sybil = await connect(one.trackerUrl);
      expect((await sybil.request(announce(H, peerId('one'))))['failure reason']).toBeUndefined();
      await member(two.trackerUrl, 'binder', J, { info_hash_alias: H });
      expect((await sybil.request(announce(J, peerId('two'))))['failure reason']).toBe(SECOND_ID);
      // Nor does a binding join two swarms in which one connection holds a peer id each.
      expect(await sybil.request(announce(K, peerId('three'), { info_hash_alias: H }))).not.toHaveProperty(
        'info_hash_alias',
      );
      const other = await connect(two.trackerUrl);
      expect(await other.request({ action: 'scrape', info_hash: [H, J, K] })).toMatchObject({
        files: { [H]: { incomplete: 2 }, [J]: { incomplete: 2 }, [K]: { incomplete: 1 } },
      });
    });

    it('--workers 2: no stranger takes a victim claim on either worker, whatever connection it lands on', async () => {
      const { port } = await childTracker(['--workers', '2']);
      const inspect = new Redis(redisUrl());
      await expect.poll(async () => (await inspect.keys('sd:alive:*')).length, { timeout: 15_000 }).toBe(2);
      inspect.disconnect();
      const url = `ws://127.0.0.1:${port}/`;
      const hashes = ['P', 'Q', 'R'].map((c) => [c.repeat(19) + '\xe4', c.toLowerCase().repeat(19) + '\xe5']);
      const refusals: unknown[] = [];
      const victims: AnsweringPeer[] = [];
      for (const [i, [h, j]] of hashes.entries()) {
        const victim = await member(url, `victim${i}`, h);
        victims.push(victim);
        // The connections alternate between the workers: one idle connection between the victim's and the
        // stranger's shifts which worker each lands on; each attack is tried from both.
        if (i === 1) await connect(url);
        await member(url, `binder${i}`, j, { info_hash_alias: h });
        for (let n = 0; n < 2; n++) {
          const thief = await connect(url);
          refusals.push((await thief.request(announce(j, victim.id)))['failure reason']);
          await thief.request(announce(j, victim.id, { event: 'stopped' }));
        }
      }
      expect(refusals).toEqual(Array(6).fill(IN_USE));
      for (const [i, [h]] of hashes.entries()) {
        const offerer = await member(url, `offerer${i}`, h);
        await offerRounds(offerer, 3, `w${i}`);
        expect(victims[i].offers).toHaveLength(3);
      }
    });
  },
);
