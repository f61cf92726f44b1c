// Peer exchange (sd_pex) in the simulated swarm, in virtual time: a swarm whose tracker is gone once each peer has
// one neighbour grows to its target through gossip and signalling relayed by neighbours; a peer that leaves is
// known to have left; a hostile neighbour is closed and changes nothing else.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import { decodePexMessage, encodePexMessage } from '../../codec/pex';
import { toHex } from '../../codec/hex';
import type { PeerKey } from '../contract/engine-types';
import { ROUND_MS } from '../pex/bucket';
import type { PeerExchange } from '../pex/exchange';
import { SD_PEX_ID } from '../peer/peer-wire';
import { mulberry32 } from './random';
import { Swarm, randomTorrent, type SwarmNode, type SwarmOptions } from './swarm';

const KiB = 1024;
const torrent = randomTorrent(68, 512 * KiB, { sha1: sha1Sync, pieceLength: 16 * KiB });
const TARGET = 5;
/** Every node reports its uplink's queue, as the browser's adapter does (the engine then paces its upload). Unpaced,
 * a node uploading 24 KiB/s holds its peers' request pipelines in each channel, tens of seconds of blocks, and the
 * sd_pex messages it sends (gossip, relayed offers and answers) wait behind them past MEET_TIMEOUT_MS. */
const PACED = { reportUploadQueue: true };

/** A swarm with no tracker: the test introduces each peer to one other, and the rest is peer exchange. */
class NoTrackerSwarm extends Swarm {
  /** The most connections each node held at once. */
  readonly peak = new Map<SwarmNode, number>();

  protected override findPeers(): void {}

  sample(): void {
    for (const node of this.nodes)
      if (node.alive) this.peak.set(node, Math.max(this.peak.get(node) ?? 0, node.neighbours.size));
    this.schedule(this.now + 500, () => this.sample());
  }
}

function swarmOf(count: number, seed: number, options: Partial<SwarmOptions> = {}): NoTrackerSwarm {
  const swarm = new NoTrackerSwarm({
    torrent,
    sha1: sha1Sync,
    seed,
    uploadRate: 24 * KiB,
    config: { targetPeers: TARGET },
    ...PACED,
    ...options,
  });
  swarm.addNode({ name: 'seed', seed: true });
  for (let i = 1; i < count; i++) swarm.addNode({ name: `p${i}` });
  return swarm;
}

/** Each peer meets one earlier peer (a random tree): the one neighbour a tracker's single offer would give it. */
function introduceOnce(swarm: NoTrackerSwarm, seed: number): void {
  const random = mulberry32(seed);
  swarm.nodes.forEach((node, i) => {
    if (i > 0) swarm.connect(node, swarm.nodes[Math.floor(random() * i)]);
  });
  swarm.sample();
}

function finishedIntact(node: SwarmNode): void {
  expect(node.complete, `${node.name} complete`).toBe(true);
  expect(Buffer.compare(Buffer.from(node.bytes()), Buffer.from(torrent.data)), `${node.name}'s bytes`).toBe(
    0,
  );
  expect(node.errors).toEqual([]);
}

/** The peers a node heard of (the session's peer exchange, read for the test). */
const heardOf = (node: SwarmNode) => (node.session as unknown as { pex?: PeerExchange }).pex?.heard;
const peerIdOf = (node: SwarmNode) => {
  const at = [...node.neighbours.keys()][0];
  const key = [...at.connections.values()].find((c) => c.remote === node)?.key ?? '';
  return at.session.stats(node.swarm.now).peerStats.find((p) => p.peer === key)?.peerId ?? '';
};
const pexCloses = (node: SwarmNode) => node.closes.filter((c) => /sd_pex|swarm/.test(c.reason));

describe('peer exchange in a swarm without its tracker', () => {
  it('every peer reaches its target neighbours through gossip and relayed signalling, and all finish intact', () => {
    const swarm = swarmOf(8, 1);
    introduceOnce(swarm, 1);
    const done = swarm.run(() => swarm.nodes.every((n) => n.complete), 600_000);
    expect(done).toBe(true);
    for (const node of swarm.nodes) {
      finishedIntact(node);
      expect(swarm.peak.get(node), `${node.name}'s most neighbours`).toBeGreaterThanOrEqual(TARGET);
      expect(pexCloses(node)).toEqual([]);
    }
    expect(swarm.meetings.made.connections).toBeGreaterThan(0);
  });

  it('a peer that leaves is known to have left by every peer that knew of it within three rounds', () => {
    const swarm = swarmOf(8, 2);
    introduceOnce(swarm, 2);
    swarm.runFor(6 * ROUND_MS);
    const leaver = swarm.node('p3');
    const id = peerIdOf(leaver);
    const knew = swarm.nodes.filter((n) => n !== leaver && (n.neighbours.has(leaver) || heardOf(n)?.get(id)));
    expect(knew.length).toBeGreaterThan(2);
    swarm.vanish(leaver);
    swarm.runFor(3 * ROUND_MS);
    for (const node of knew) expect(heardOf(node)?.departed(id), node.name).toBe(true);
  });
});

/** Rewrites what one node sends over sd_pex (the hostile neighbour's ways). */
class HostileSwarm extends NoTrackerSwarm {
  hostile: SwarmNode | undefined;
  /** It behaves until the other peers are joined without it (closing it then cuts no peer off), then turns. */
  turnedAt: number | undefined;
  mode: 'forge' | 'strangers' | 'flood' = 'forge';
  private ids: Uint8Array[] = [];

  protected override outgoing(node: SwarmNode, peer: PeerKey, data: Uint8Array): readonly Uint8Array[] {
    const pex = node === this.hostile && this.turnedAt !== undefined ? sdPexPayload(data) : undefined;
    if (!pex) return [data];
    const message = decodePexMessage(pex);
    if (message.t === 'peers') this.ids.push(...message.added.map((a) => a.id));
    if (this.mode === 'flood' && message.t === 'peers') return Array.from({ length: 20 }, () => data);
    if (this.mode === 'forge' && message.t === 'signal') {
      const forged = this.ids.find((id) => toHex(id) !== toHex(message.from));
      return forged ? [frame({ ...message, from: forged })] : [data];
    }
    if (this.mode === 'strangers' && message.t === 'peers') {
      const stranger = new Uint8Array(20).fill(0xee);
      const signal = frame({ t: 'signal', from: stranger, kind: 'offer', payload: new Uint8Array([1]) });
      void peer;
      return [data, signal];
    }
    return [data];
  }

  override sample(): void {
    if (this.turnedAt === undefined && this.joinedWithoutHostile()) this.turnedAt = this.now;
    super.sample();
  }

  private joinedWithoutHostile(): boolean {
    const reached = new Set<SwarmNode>([this.nodes[0]]);
    for (const node of reached)
      for (const next of node.neighbours.keys()) if (next !== this.hostile) reached.add(next as SwarmNode);
    return this.nodes.every((n) => n === this.hostile || reached.has(n));
  }
}

function sdPexPayload(data: Uint8Array): Uint8Array | undefined {
  return data.length > 6 && data[4] === 20 && data[5] === SD_PEX_ID ? data.subarray(6) : undefined;
}

function frame(message: Parameters<typeof encodePexMessage>[0]): Uint8Array {
  const payload = encodePexMessage(message);
  const out = new Uint8Array(6 + payload.length);
  new DataView(out.buffer).setUint32(0, 2 + payload.length);
  out[4] = 20;
  out[5] = SD_PEX_ID;
  out.set(payload, 6);
  return out;
}

describe('a hostile neighbour', () => {
  const why = { forge: /forged/, strangers: /never named/, flood: /peers messages than its share/ };
  for (const mode of ['forge', 'strangers', 'flood'] as const) {
    it(`(${mode}) is closed for it, and every other peer still finishes intact with no honest peer closed`, () => {
      const swarm = new HostileSwarm({
        torrent,
        sha1: sha1Sync,
        seed: 3,
        uploadRate: 24 * KiB,
        // Every peer wants every other: meetings, and signals for the hostile relay to forge, go on.
        config: { targetPeers: 7 },
        ...PACED,
      });
      swarm.addNode({ name: 'seed', seed: true });
      for (let i = 1; i < 8; i++) swarm.addNode({ name: `p${i}` });
      swarm.hostile = swarm.node('p1');
      swarm.mode = mode;
      introduceOnce(swarm, 3);
      const honest = swarm.nodes.filter((n) => n !== swarm.hostile);
      swarm.run(() => honest.every((n) => n.complete), 600_000);
      const closedHostile = honest.some((n) =>
        n.closes.some((c) => c.peer.startsWith('p1#') && why[mode].test(c.reason)),
      );
      expect(closedHostile).toBe(true);
      for (const node of honest) {
        finishedIntact(node);
        expect(
          pexCloses(node).filter((c) => !c.peer.startsWith('p1#')),
          node.name,
        ).toEqual([]);
      }
    });
  }
});

/** A tracker that is down until `trackerUp`. */
class TrackerBackSwarm extends Swarm {
  trackerUp = false;

  protected override findPeers(node: SwarmNode, count: number): void {
    if (this.trackerUp) super.findPeers(node, count);
  }
}

describe('an island its bridge left', () => {
  it('starved at its target, asks for peers again and finishes once the tracker is back', () => {
    // Each peer holds its target of two: three peers in a ring, joined to the seed's side by one bridge.
    const swarm = new TrackerBackSwarm({
      torrent,
      sha1: sha1Sync,
      seed: 4,
      uploadRate: 24 * KiB,
      config: { targetPeers: 2 },
      ...PACED,
    });
    const seed = swarm.addNode({ name: 'seed', seed: true });
    const [m1, m2, bridge, i1, i2, i3] = ['m1', 'm2', 'bridge', 'i1', 'i2', 'i3'].map((name) =>
      swarm.addNode({ name }),
    );
    for (const [a, b] of [
      [seed, m1],
      [seed, m2],
      [m1, m2],
      [seed, bridge],
      [bridge, i1],
      [i1, i2],
      [i2, i3],
      [i3, i1],
    ])
      swarm.connect(a, b);
    const island = [i1, i2, i3];
    swarm.run(() => island.some((n) => n.storage.size > 0), 60_000);
    swarm.vanish(bridge);
    // Without a tracker the island cannot meet anyone: nobody outside it is heard of any more.
    swarm.runFor(120_000);
    expect(island.every((n) => n.complete)).toBe(false);
    swarm.trackerUp = true;
    const done = swarm.run(() => island.every((n) => n.complete), 600_000);
    expect(done).toBe(true);
    for (const node of [...island, m1, m2]) finishedIntact(node);
  });
});
