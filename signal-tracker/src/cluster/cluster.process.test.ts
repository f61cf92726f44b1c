// Tracker processes as one tracker over a real redis-server: offers and answers across processes, cluster-wide
// scrape and stats, a process killed with SIGKILL, Redis restarted under running processes, and --workers.
import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { RunningServer } from '../server';
import { TestClient } from '../test-client';
import {
  AnsweringPeer,
  clusterHarness,
  CLUSTER_SWARM as SWARM,
  offerId,
  peerId,
  until,
  type Hybrid,
} from '../testing/cluster';
import { binaryAvailable, REDIS_SERVER, startRedis } from '../testing/daemons';
import { httpGet } from '../testing/harness';

describe.skipIf(!binaryAvailable(REDIS_SERVER))(
  'the tracker as a cluster on Redis (real redis-server)',
  () => {
    const { state, clients, process: process_, childTracker, redisUrl } = clusterHarness();
    async function join(running: RunningServer, tag: string, left = 100, swarm: Hybrid = {}) {
      const peer = await AnsweringPeer.join(running.trackerUrl, tag, left, swarm);
      clients.push(peer.client);
      return peer;
    }

    it('relays offers and answers between peers on two processes, once, and only as offered', async () => {
      const [a, b] = [await process_(), await process_()];
      const onA = await join(a, 'a');
      const onB = await join(b, 'b');
      onB.offer(1, 'b');
      await until(() => onA.offers.length === 1 && onB.answers.length === 1);
      expect(onA.offers[0]).toMatchObject({ peer_id: onB.id, offer_id: offerId('b', 0), info_hash: SWARM });
      expect(onB.answers[0]).toMatchObject({ peer_id: onA.id, offer_id: offerId('b', 0) });
      // A forged answer (an offer id A never received) is refused on A and reaches nobody.
      onA.client.received.length = 0; // what the answering peer already handled
      const forged = await onA.client.request({
        action: 'announce',
        info_hash: SWARM,
        peer_id: onA.id,
        to_peer_id: onB.id,
        offer_id: offerId('forged', 0),
        answer: { type: 'answer', sdp: 'v=0 forged' },
      });
      expect(forged['failure reason']).toMatch(/answer to no offer/);
      // One peer id per connection and swarm holds on every process.
      expect(
        (await onA.client.request({ action: 'announce', info_hash: SWARM, peer_id: peerId('a2') }))[
          'failure reason'
        ],
      ).toMatch(/another peer_id/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(onB.answers).toHaveLength(1);
    });

    it('refuses a peer id owned by another process: the owner keeps its offers, and only it can leave', async () => {
      // Offers per second to one peer as high as the attack's burst of 20 (that limit is not what this tests).
      const limits = { maxOffersPerSecondPerSender: 100, maxOffersPerSecondPerRecipient: 100 };
      const [a, b] = [await process_({ limits }), await process_({ limits })];
      const victim = await join(b, 'victim');
      // The attacker, on another process, announces with the victim's peer id (learnt from an offer).
      const attacker = await TestClient.open(a.trackerUrl);
      const stolen = { action: 'announce', info_hash: SWARM, peer_id: victim.id, left: 100 };
      expect((await attacker.request(stolen))['failure reason']).toMatch(/in use/);
      expect((await attacker.request({ ...stolen, left: 0 }))['failure reason']).toMatch(/in use/);
      const offerer = await join(a, 'offerer');
      for (let n = 0; n < 20; n++) offerer.offer(1, `t${n}`);
      await until(() => victim.offers.length === 20 && offerer.answers.length === 20);
      // The attacker's stopped removes nothing: the victim still gets every offer.
      await attacker.request({ ...stolen, event: 'stopped' });
      attacker.socket.close();
      await attacker.closed;
      for (let n = 0; n < 20; n++) offerer.offer(1, `u${n}`);
      await until(() => victim.offers.length === 40 && offerer.answers.length === 40);
      expect(attacker.received.filter((m) => m.offer)).toEqual([]);
      expect(new Set(offerer.answers.map((m) => m.peer_id))).toEqual(new Set([victim.id]));
      // The victim is still a leecher in Redis: the attacker's `left: 0` changed nothing.
      offerer.client.received.length = 0; // what the answering peer already handled
      const scrape = await offerer.client.request({ action: 'scrape', info_hash: SWARM });
      expect(scrape.files).toEqual({ [SWARM]: { complete: 0, incomplete: 2, downloaded: 0 } });
      // Once the owner leaves, the id is free for whoever announces it next.
      await victim.client.close();
      clients.splice(clients.indexOf(victim.client), 1);
      const next = await TestClient.open(a.trackerUrl);
      await until(async () => !(await next.request(stolen))['failure reason']);
      await next.close();
    });

    it("spreads a victim's offers over client addresses across processes: 40 sockets of one address get their share", async () => {
      const [a, b] = [await process_(), await process_()];
      const opened: TestClient[] = [];
      const member = async (running: RunningServer, from: string, tag: string) => {
        const client = await TestClient.open(running.trackerUrl, { localAddress: from });
        opened.push(client);
        await client.request({ action: 'announce', info_hash: SWARM, peer_id: peerId(tag), left: 100 });
        return client;
      };
      const honest = [];
      for (let i = 0; i < 9; i++) honest.push(await member(i % 2 ? a : b, `127.0.1.${i + 1}`, `h${i}`));
      for (let i = 0; i < 40; i++) await member(i % 2 ? a : b, '127.0.0.3', `s${i}`);
      const victim = await member(b, '127.0.0.5', 'victim');
      let toHonest = 0;
      for (let round = 0; round < 5; round++) {
        const offers = Array.from({ length: 10 }, (_, n) => ({
          offer: { type: 'offer', sdp: 'v=0' },
          offer_id: offerId(`r${round}`, n),
        }));
        victim.send({ action: 'announce', info_hash: SWARM, peer_id: peerId('victim'), numwant: 10, offers });
        await new Promise((resolve) => setTimeout(resolve, 250));
        for (const client of honest) toHonest += (await client.sync()).filter((m) => m.offer).length;
      }
      await Promise.all(opened.map((client) => client.close()));
      // 10 addresses and 10 offers an announce: before, 40 of 49 peers on one address took about 80 % of them.
      expect(toHonest).toBeGreaterThanOrEqual(40);
    });

    it('counts the whole cluster in scrapes, announce replies and the stats', async () => {
      const [a, b] = [await process_(), await process_()];
      const first = await join(a, 's1', 0);
      await join(b, 'l1');
      const last = await join(b, 'l2');
      const scrape = await last.client.request({ action: 'scrape', info_hash: SWARM });
      expect(scrape.files).toEqual({ [SWARM]: { complete: 1, incomplete: 2, downloaded: 0 } });
      const scrapeOnA = await first.client.request({ action: 'scrape', info_hash: SWARM });
      expect(scrapeOnA.files).toEqual({ [SWARM]: { complete: 1, incomplete: 2, downloaded: 0 } });
      await until(async () => JSON.parse((await httpGet(a, '/stats.json')).body).peerCount === 3);
      expect(JSON.parse((await httpGet(a, '/stats.json')).body)).toMatchObject({
        scope: 'cluster',
        swarmCount: 1,
        peerCount: 3,
        seeders: 1,
        leechers: 2,
      });
    });

    it('serves a hybrid torrent as one swarm under both hashes across processes, each peer under its own', async () => {
      const [V1, V2] = ['V'.repeat(19) + '\xf1', 'W'.repeat(19) + '\xf2'];
      const [a, b] = [await process_(), await process_()];
      const webtorrent = await join(a, 'v1', 100, { infoHash: V1 });
      const btmh = await join(b, 'v2', 100, { infoHash: V2 });
      // A hybrid seeder on a third process... here on A, which has never seen V2: the cluster binds.
      const seeder = await join(a, 'seed', 0, { infoHash: V1, alias: V2 });
      expect(seeder.reply).toMatchObject({ info_hash: V1, complete: 1, incomplete: 2, info_hash_alias: V2 });
      btmh.offer(2, 'v2');
      await until(() => btmh.answers.length === 2);
      expect(new Set(btmh.answers.map((m) => `${String(m.peer_id)} ${String(m.info_hash)}`))).toEqual(
        new Set([`${webtorrent.id} ${V2}`, `${seeder.id} ${V2}`]),
      );
      expect(webtorrent.offers).toEqual([expect.objectContaining({ info_hash: V1, peer_id: btmh.id })]);
      expect(seeder.offers).toEqual([expect.objectContaining({ info_hash: V1, peer_id: btmh.id })]);
      // And from the v1 side: the WebTorrent peer's offer reaches the btmh peer under V2 on the other process.
      webtorrent.offer(2, 'v1');
      await until(() => webtorrent.answers.length === 2);
      expect(btmh.offers).toEqual([expect.objectContaining({ info_hash: V2, peer_id: webtorrent.id })]);
      for (const client of [btmh.client, webtorrent.client]) {
        await client.sync();
        const scrape = await client.request({ action: 'scrape', info_hash: [V1, V2] });
        expect(scrape.files).toEqual({
          [V1]: { complete: 1, incomplete: 2, downloaded: 0 },
          [V2]: { complete: 1, incomplete: 2, downloaded: 0 },
        });
      }
    });

    it('never offers the peers of a process killed with SIGKILL once its lease is over', async () => {
      const live = await process_();
      const { child, port } = await childTracker(['--process-lease', '1']);
      const doomed = [];
      for (let i = 0; i < 3; i++)
        doomed.push(await join({ trackerUrl: `ws://127.0.0.1:${port}/` } as RunningServer, `d${i}`));
      const answerers = [await join(live, 'x1'), await join(live, 'x2')];
      child.kill('SIGKILL');
      await once(child, 'exit');
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // the lease (1 s) runs out
      const newcomer = await join(live, 'new');
      const before = live.tracker.counters.offersRelayed;
      newcomer.offer(5, 'n');
      await until(() => newcomer.answers.length === 2);
      // Every offer went to a live peer, and every one was answered.
      expect(live.tracker.counters.offersRelayed - before).toBe(2);
      expect(answerers.map((p) => p.offers.length)).toEqual([1, 1]);
    });

    it('keeps serving its own swarms while Redis is down, and registers its peers again when it is back', async () => {
      const [a, b] = [await process_(), await process_()];
      const first = await join(a, 'a1');
      const second = await join(a, 'a2');
      const port = state.redis!.port;
      await state.redis!.stop();
      // Down: A relays between its own peers from memory.
      await new Promise((resolve) => setTimeout(resolve, 300));
      second.offer(1, 'down');
      await until(() => first.offers.length === 1 && second.answers.length === 1);
      // Back (empty: no persistence): A registers its peers again, and a newcomer on B reaches them.
      state.redis = await startRedis(port);
      const newcomer = await join(b, 'b1');
      let round = 0;
      const answeredBy = () => new Set(newcomer.answers.map((m) => m.peer_id));
      await until(() => {
        if (answeredBy().size === 2) return true;
        newcomer.offer(2, `up${round++}`);
        return false;
      }, 20_000);
      expect(answeredBy()).toEqual(new Set([first.id, second.id]));
    });

    it('--workers 2 serves one port with two processes that relay between each other', async () => {
      const { port } = await childTracker(['--workers', '2']);
      const inspect = new Redis(redisUrl());
      await until(async () => (await inspect.keys('sd:alive:*')).length === 2);
      inspect.disconnect();
      const url = { trackerUrl: `ws://127.0.0.1:${port}/` } as RunningServer;
      const members = [];
      for (let i = 0; i < 4; i++) members.push(await join(url, `w${i}`));
      const newcomer = await join(url, 'wnew');
      newcomer.offer(4, 'w');
      await until(() => newcomer.answers.length === 4);
      expect(members.every((m) => m.offers.length === 1)).toBe(true);
    });
  },
);
