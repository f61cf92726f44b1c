// Super-seeding (upload/super-seed.ts) in a swarm in virtual time: what the original seeder uploads before the
// others hold every piece between them, with and without it, and peers that never announce what they got.
import { describe, expect, it } from 'vitest';
import { sha1Sync } from '../../testing/sha1';
import type { EngineAction, EngineConfig } from '../contract/engine-types';
import { randomTorrent, Swarm, type SwarmNode } from './swarm';

const KiB = 1024;
// Pieces of one block: a read of the seed's storage is one upload of a piece.
const torrent = randomTorrent(16, 512 * KiB, { sha1: sha1Sync, pieceLength: 16 * KiB });
const PIECES = torrent.info.pieceCount;

function finishedIntact(node: SwarmNode): void {
  expect(node.completedAt, `${node.name} completed`).toBeDefined();
  const same = Buffer.compare(Buffer.from(node.bytes()), Buffer.from(torrent.data));
  expect(same, `${node.name}'s bytes`).toBe(0);
  expect(node.errors).toEqual([]);
}

/** Every piece is held by one of `nodes`. */
function covered(nodes: SwarmNode[]): boolean {
  for (let i = 0; i < PIECES; i++) if (!nodes.some((n) => n.session.have?.get(i))) return false;
  return true;
}

/** Its session never sends a `have` (a peer that lies about its pieces, or a client that leaves them out). */
function silence(node: SwarmNode): void {
  const session = node.session;
  const handle = session.handle.bind(session);
  const isHave = (a: EngineAction) => a.type === 'send' && a.data.length === 9 && a.data[4] === 4;
  session.handle = (event, now) => handle(event, now).filter((action) => !isHave(action));
}

interface Run {
  /** Uploads of each piece by the seed before the leechers held every piece. */
  uploads: number[];
  leechers: SwarmNode[];
}

/** A seed at 64 KiB/s and eight leechers at 32 KiB/s, all at once; the seed stays until everyone is done. */
function run(seedConfig: Partial<EngineConfig>, silent = 0): Run {
  const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 3, uploadRate: 32 * KiB, tickMs: 500 });
  const seed = swarm.addNode({ name: 'seed', seed: true, uploadRate: 64 * KiB, config: seedConfig });
  const leechers = Array.from({ length: 8 }, (_, i) => swarm.addNode({ name: `leech${i}` }));
  for (const node of leechers.slice(0, silent)) silence(node);
  expect(swarm.run(() => covered(leechers), 600_000)).toBe(true);
  const uploads = new Array<number>(PIECES).fill(0);
  for (const read of seed.reads) uploads[read.index]++;
  expect(swarm.run(() => leechers.every((n) => n.completedAt !== undefined), 600_000)).toBe(true);
  return { uploads, leechers };
}

const total = (uploads: number[]) => uploads.reduce((a, b) => a + b, 0);

describe('super-seeding in a swarm', () => {
  it('the seed uploads each piece about once before the others hold them all; without it, more', () => {
    const on = run({ superSeed: true });
    const off = run({ superSeed: false });
    for (const node of [...on.leechers, ...off.leechers]) finishedIntact(node);
    // Each piece a few times at most: once every piece left, the seed keeps its unchoked peers' slots busy with the
    // pieces fewest hold (or are on their way to), while their holders' `have`s cross uplinks queued with blocks.
    expect(Math.max(...on.uploads)).toBeLessThanOrEqual(3);
    expect(total(on.uploads)).toBeLessThanOrEqual(1.5 * PIECES);
    expect(total(off.uploads)).toBeGreaterThan(total(on.uploads));
  });

  it('peers that never announce what they got do not stall the offers: they and the others finish', () => {
    const { leechers } = run({ superSeed: true }, 3);
    for (const node of leechers) finishedIntact(node);
  });

  it('with only silent downloaders, the offers still bring each the whole file', () => {
    const swarm = new Swarm({ torrent, sha1: sha1Sync, seed: 5, uploadRate: 32 * KiB, tickMs: 500 });
    swarm.addNode({ name: 'seed', seed: true, uploadRate: 64 * KiB, config: { superSeed: true } });
    const leechers = Array.from({ length: 3 }, (_, i) => swarm.addNode({ name: `silent${i}` }));
    for (const node of leechers) silence(node);
    expect(swarm.run(() => leechers.every((n) => n.completedAt !== undefined), 900_000)).toBe(true);
    for (const node of leechers) finishedIntact(node);
  });
});
