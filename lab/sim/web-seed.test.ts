import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomTorrent } from '../../shared/engine/testing/swarm';
import { LabSwarm } from './swarm';

const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest());
const KiB = 1024;
const URL = 'https://files.example.org/share.bin';

function seedOnly(seed: number, upload: number) {
  const torrent = randomTorrent(11, 512 * KiB, { sha1, pieceLength: 16 * KiB });
  const swarm = new LabSwarm({ torrent, hash: sha1, seed });
  const server = swarm.addTorrentWebSeed({ url: URL, upload, latencyMs: 40 });
  const peer = swarm.addPeer({ upload: 32 * KiB, download: 1024 * KiB, webSeeds: [URL] });
  return { swarm, server, peer, torrent };
}

describe('a web seed in the lab', () => {
  it('a peer with no other source downloads the whole torrent from the web seed alone', () => {
    const { swarm, server, peer, torrent } = seedOnly(1, 256 * KiB);
    expect(swarm.runUntil(120_000, () => peer.complete)).toBe(true);
    expect(peer.errors).toEqual([]);
    expect(server.bytesServed).toBe(torrent.data.length);
    expect(server.servedTo.get(peer.name)).toBe(torrent.data.length);
    // Merged ranges: far fewer requests than pieces.
    expect(server.requests.length).toBeLessThan(torrent.info.pieceCount / 4);
  });

  it('its upload capacity bounds the download, and the same seed gives the same run', () => {
    const slow = seedOnly(2, 64 * KiB);
    expect(slow.swarm.runUntil(120_000, () => slow.peer.complete)).toBe(true);
    expect(slow.peer.completedAt!).toBeGreaterThanOrEqual((512 * KiB * 1000) / (64 * KiB));
    const again = seedOnly(2, 64 * KiB);
    again.swarm.runUntil(120_000, () => again.peer.complete);
    expect(again.peer.completedAt).toBe(slow.peer.completedAt);
    expect(again.server.requests).toEqual(slow.server.requests);
  });

  it('with peers present and a budget, the seed serves each peer at most its budget, and all finish', () => {
    const torrent = randomTorrent(12, 512 * KiB, { sha1, pieceLength: 16 * KiB });
    const swarm = new LabSwarm({ torrent, hash: sha1, seed: 3 });
    const server = swarm.addTorrentWebSeed({ url: URL, upload: 1024 * KiB, latencyMs: 40 });
    swarm.addPeer({ seed: true, upload: 64 * KiB });
    const budget = 64 * KiB;
    const peers = Array.from({ length: 4 }, () =>
      swarm.addPeer({ upload: 32 * KiB, download: 256 * KiB, webSeeds: [URL], webSeedBudget: budget }),
    );
    expect(swarm.runUntil(600_000, () => swarm.allDone(peers))).toBe(true);
    for (const peer of peers) expect(server.servedTo.get(peer.name) ?? 0).toBeLessThanOrEqual(budget);
    expect(server.bytesServed).toBeGreaterThan(0);
  });

  it('a file the server lacks is answered 404, and the peers still get it from the swarm', () => {
    const torrent = randomTorrent(13, 128 * KiB, { sha1, pieceLength: 16 * KiB });
    const swarm = new LabSwarm({ torrent, hash: sha1, seed: 4 });
    const server = swarm.addTorrentWebSeed({ url: URL, upload: 1024 * KiB, missingFiles: new Set([0]) });
    swarm.addPeer({ seed: true, upload: 64 * KiB });
    const peer = swarm.addPeer({ upload: 32 * KiB, webSeeds: [URL] });
    expect(swarm.runUntil(120_000, () => peer.complete)).toBe(true);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.bytesServed).toBe(0);
  });

  it("two peers fetching at once share the seed's uplink", () => {
    const torrent = randomTorrent(14, 256 * KiB, { sha1, pieceLength: 16 * KiB });
    const swarm = new LabSwarm({ torrent, hash: sha1, seed: 5, config: { targetPeers: 0 } });
    const upload = 64 * KiB;
    const server = swarm.addTorrentWebSeed({ url: URL, upload });
    const peers = [0, 1].map(() => swarm.addPeer({ upload: 32 * KiB, webSeeds: [URL], trackers: [] }));
    expect(swarm.runUntil(120_000, () => swarm.allDone(peers))).toBe(true);
    expect(server.bytesServed).toBe(2 * torrent.data.length);
    // Both answers left one uplink in chunks: neither finished in the time its bytes alone would take.
    for (const peer of peers)
      expect(peer.completedAt!).toBeGreaterThan((torrent.data.length * 1000) / upload);
    expect(Math.max(...peers.map((p) => p.completedAt!))).toBeGreaterThanOrEqual(
      (2 * torrent.data.length * 1000) / upload,
    );
  });

  it('20 peers with the web seed the only source and half a file of budget each all finish: their budgets buy different pieces', () => {
    const { swarm, server, peers, torrent } = crowd(21, 256 * KiB, 16 * KiB, 128 * KiB);
    expect(swarm.runUntil(600_000, () => swarm.allDone(peers))).toBe(true);
    for (const peer of peers) expect(server.servedTo.get(peer.name) ?? 0).toBeLessThanOrEqual(128 * KiB);
    // Ten copies' worth of budget between them, covering the file: the peers gave each other the other ten.
    expect(server.bytesServed).toBeLessThanOrEqual(10 * torrent.data.length);
  });

  it('20 peers with the web seed the only source and no budget: the seed sends far fewer than 20 copies', () => {
    const { swarm, server, peers, torrent } = crowd(22, 4 * 1024 * KiB, 64 * KiB, undefined);
    expect(swarm.runUntil(1_200_000, () => swarm.allDone(peers))).toBe(true);
    expect(server.bytesServed).toBeLessThan(10 * torrent.data.length);
  });
});

/** N peers starting together, holding nothing, with one web seed (256 KiB/s up) as the only source. */
function crowd(seed: number, length: number, pieceLength: number, budget: number | undefined) {
  const torrent = randomTorrent(seed, length, { sha1, pieceLength });
  const swarm = new LabSwarm({ torrent, hash: sha1, seed });
  const server = swarm.addTorrentWebSeed({ url: URL, upload: 256 * KiB, latencyMs: 40 });
  const peers = Array.from({ length: 20 }, () =>
    swarm.addPeer({ upload: 16 * KiB, download: 64 * KiB, webSeeds: [URL], webSeedBudget: budget }),
  );
  return { swarm, server, peers, torrent };
}
