// Whole swarms of TorrentSessions over simulated links, on a virtual clock, with seeded randomness.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import { freeRider } from '../../../lab/sim/strategy';
import { randomTorrent, Swarm, type SwarmNode, type TestTorrent } from '../testing/swarm';

const KiB = 1024;
const MiB = 1024 * KiB;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

function expectFinishedIntact(nodes: SwarmNode[], torrent: TestTorrent): void {
  for (const node of nodes) {
    expect(node.completedAt, `${node.name} completed`).toBeDefined();
    expect(sameBytes(node.bytes(), torrent.data), `${node.name} has the right bytes`).toBe(true);
    expect(node.errors).toEqual([]);
    expect(node.session.stats(node.swarm.now).state).toBe('seeding');
  }
}

/** Every piece is stored by at least one of these nodes. */
function covered(nodes: SwarmNode[], pieceCount: number): boolean {
  for (let i = 0; i < pieceCount; i++) if (!nodes.some((n) => n.session.have?.get(i))) return false;
  return true;
}

// The swarms' time goes to the messages each piece brings (requests, blocks, a `have` to every peer), so each test's
// torrent is as small as its claim allows; rates are in proportion, so that a swarm's virtual timeline stays the same.
const torrent8 = randomTorrent(1, 8 * MiB, { sha1: sha1Sync, pieceLength: 32 * KiB });
const torrent4 = randomTorrent(6, 4 * MiB, { sha1: sha1Sync, pieceLength: 32 * KiB });
const torrent2 = randomTorrent(2, 2 * MiB, { sha1: sha1Sync, pieceLength: 16 * KiB });

describe('swarm', () => {
  it('one seed and nine leechers of a 4 MiB file all finish with identical bytes', () => {
    const swarm = new Swarm({ torrent: torrent4, sha1: sha1Sync, seed: 7, uploadRate: 1 * MiB });
    const seed = swarm.addNode({ name: 'seed', seed: true });
    const leechers = Array.from({ length: 9 }, (_, i) =>
      swarm.addNode({ name: `leech${i}`, joinAt: 100 * i }),
    );
    expect(swarm.run(() => leechers.every((n) => n.completedAt !== undefined), 300_000)).toBe(true);
    expectFinishedIntact(leechers, torrent4);
    // Downloads came from many peers, not from the seed alone: the seed uploaded well under 9 copies.
    const seedUploaded = seed.session.stats(swarm.now).uploaded;
    expect(seedUploaded).toBeLessThan(5 * torrent4.data.length);
    for (const node of leechers) {
      // From several peers at once, none supplying the bulk.
      const stats = node.session.stats(swarm.now).peerStats;
      const sources = stats.filter((p) => p.downloaded > 0);
      expect(sources.length, `${node.name} downloaded from several peers`).toBeGreaterThanOrEqual(2);
      const top = Math.max(...stats.map((p) => p.downloaded));
      expect(top / torrent4.data.length, `${node.name}'s largest source`).toBeLessThan(0.8);
      expect(node.announces.map((a) => a.event)).toEqual(['started', 'completed']);
      expect(node.badHashes).toBe(0);
    }
  });

  it('a leecher that starts from a magnet link fetches the metadata and finishes', () => {
    const swarm = new Swarm({ torrent: torrent2, sha1: sha1Sync, seed: 11 });
    swarm.addNode({ name: 'seed', seed: true });
    swarm.addNode({ name: 'leech', joinAt: 50 });
    const magnet = swarm.addNode({ name: 'magnet', magnet: true, joinAt: 100 });
    expect(magnet.session.info).toBeUndefined();
    expect(magnet.session.stats(0).state).toBe('fetching-metadata');
    expect(swarm.run(() => magnet.completedAt !== undefined, 120_000)).toBe(true);
    expect(magnet.metadataAt).toBeDefined();
    expect(magnet.metadataAt).toBeLessThan(magnet.completedAt as number);
    expect(sameBytes(magnet.session.info!.infoBytes, torrent2.info.infoBytes)).toBe(true);
    expect(magnet.session.info!.infoHashHex).toBe(torrent2.info.infoHashHex);
    expectFinishedIntact([magnet], torrent2);
  });

  it('the seed leaves once every piece exists elsewhere, and the leechers finish from each other', () => {
    const swarm = new Swarm({ torrent: torrent8, sha1: sha1Sync, seed: 3, uploadRate: 2 * MiB });
    const seed = swarm.addNode({ name: 'seed', seed: true });
    const leechers = Array.from({ length: 6 }, (_, i) =>
      swarm.addNode({ name: `leech${i}`, joinAt: 50 * i }),
    );
    const pieceCount = torrent8.info.pieceCount;
    expect(swarm.run(() => covered(leechers, pieceCount), 300_000)).toBe(true);
    // The test means something only if someone still needs the swarm when the seed goes.
    expect(leechers.filter((n) => n.completedAt === undefined).length).toBeGreaterThan(3);
    swarm.stop(seed);
    expect(seed.announces.at(-1)?.event).toBe('stopped');
    const leftAt = swarm.now;
    expect(swarm.run(() => leechers.every((n) => n.completedAt !== undefined), 300_000)).toBe(true);
    expectFinishedIntact(leechers, torrent8);
    expect(Math.max(...leechers.map((n) => n.completedAt as number))).toBeGreaterThan(leftAt);
  });

  it('bans a peer that corrupts every block it sends, and everyone finishes', () => {
    const swarm = new Swarm({ torrent: torrent2, sha1: sha1Sync, seed: 5, uploadRate: 1 * MiB });
    swarm.addNode({ name: 'seed', seed: true });
    const saboteur = swarm.addNode({ name: 'saboteur', seed: true, corrupt: true });
    const leechers = Array.from({ length: 5 }, (_, i) =>
      swarm.addNode({ name: `leech${i}`, joinAt: 20 * i }),
    );
    expect(swarm.run(() => leechers.every((n) => n.completedAt !== undefined), 300_000)).toBe(true);
    expectFinishedIntact(leechers, torrent2);
    // Corrupt pieces did reach the leechers, and the saboteur was banned by those who got them.
    const victims = leechers.filter((n) => n.badHashes > 0);
    expect(victims.length).toBeGreaterThan(0);
    for (const node of victims) {
      const bans = node.closes.filter((c) => c.peer.startsWith('saboteur#') && c.reason.startsWith('banned'));
      expect(bans.length, `${node.name} banned the saboteur`).toBeGreaterThan(0);
      // Nobody honest was banned.
      expect(
        node.closes.filter((c) => !c.peer.startsWith('saboteur#') && c.reason.startsWith('banned')),
      ).toEqual([]);
    }
    expect(saboteur.errors).toEqual([]);
  });

  it('a free rider finishes later than the median contributor', () => {
    // Tit-for-tat only bites when upload slots are scarce: 16 contributors on slow uplinks. The seed serves everyone in
    // turn, the rider included, so it leaves once the contributors hold every piece; from then on only tit-for-tat
    // decides. One swarm is one draw of luck (whose optimistic slot the rider lands in), so the claim is checked over
    // three seeded swarms: the rider is behind the median contributor in most of them. 128 pieces of one block each,
    // on uplinks of 32 KiB/s (the seed's 128 KiB/s); the sessions tick every 500 ms, as the lab's swarms do.
    const torrent = randomTorrent(4, 2 * MiB, { sha1: sha1Sync, pieceLength: 16 * KiB });
    let behind = 0;
    for (const seed of [1, 2, 3]) {
      const swarm = new Swarm({ torrent, sha1: sha1Sync, seed, uploadRate: 32 * KiB, tickMs: 500 });
      const origin = swarm.addNode({ name: 'seed', seed: true, uploadRate: 128 * KiB });
      const contributors = Array.from({ length: 16 }, (_, i) => swarm.addNode({ name: `leech${i}` }));
      const rider = swarm.addNode({ name: 'rider', config: { chokePolicy: freeRider } });
      const all = [...contributors, rider];
      expect(swarm.run(() => covered(contributors, torrent.info.pieceCount), 600_000)).toBe(true);
      swarm.stop(origin);
      expect(swarm.run(() => all.every((n) => n.completedAt !== undefined), 600_000)).toBe(true);
      expectFinishedIntact(all, torrent);
      expect(rider.session.stats(swarm.now).uploaded).toBe(0);
      expect(contributors.every((n) => n.session.stats(swarm.now).uploaded > 0)).toBe(true);
      const times = contributors.map((n) => n.completedAt as number).sort((a, b) => a - b);
      const median = (times[7] + times[8]) / 2;
      if ((rider.completedAt as number) > median) behind++;
    }
    expect(behind).toBeGreaterThanOrEqual(2);
  });

  it('a peer that disconnects mid-transfer costs nobody a verified piece', () => {
    const swarm = new Swarm({ torrent: torrent8, sha1: sha1Sync, seed: 13, uploadRate: 2 * MiB });
    swarm.addNode({ name: 'seed', seed: true });
    const leechers = Array.from({ length: 5 }, (_, i) =>
      swarm.addNode({ name: `leech${i}`, joinAt: 10 * i }),
    );
    const quitter = leechers[0];
    const others = leechers.slice(1);
    const half = torrent8.info.pieceCount / 2;
    expect(swarm.run(() => (quitter.session.have?.count() ?? 0) >= half, 300_000)).toBe(true);
    const before = others.map((n) => n.session.have!.clone());
    // Pieces in flight from the quitter at that moment: the others were mid-way through blocks from it.
    swarm.vanish(quitter);
    expect(swarm.run(() => others.every((n) => n.completedAt !== undefined), 300_000)).toBe(true);
    expectFinishedIntact(others, torrent8);
    others.forEach((node, i) => {
      for (let p = 0; p < torrent8.info.pieceCount; p++)
        if (before[i].get(p)) expect(node.session.have!.get(p)).toBe(true);
      expect(node.badHashes).toBe(0);
      // They noticed the broken connection and forgot the peer.
      expect(node.session.stats(swarm.now).peerStats.some((p) => p.peer.startsWith('leech0#'))).toBe(false);
    });
  });
});
