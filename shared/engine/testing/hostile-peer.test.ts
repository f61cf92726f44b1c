import { beforeAll, describe, expect, it } from 'vitest';
import { createAnyInfo, type AnyTorrentInfo } from '../../codec/metainfo-v2';
import { sha1, sha1Sync } from '../../testing/sha1';
import { sha256, sha256Sync } from '../../testing/sha256';
import { DEFAULT_CHOKE_POLICY } from '../choke/policies';
import { PEER_WORK_BURST, PEER_WORK_PER_SECOND } from '../peer/message-budget';
import { nodeHashOf } from '../verify/file-tree';
import { PieceLayers } from '../v2/piece-layers';
import { EVERY_KIND, PIECES_KINDS, type HostileView } from './hostile-messages';
import { HostilePeer, type HostileOptions } from './hostile-peer';
import { mulberry32, randomBytes } from './random';
import { Swarm } from './swarm';
import { WorkCounter } from './work-counter';

const KiB = 1024;
const PIECE = 16 * KiB;
/** Two files of 128 pieces: each file's piece layer is a hash request of its own. */
const FILE_PIECES = 128;
const PIECES = 2 * FILE_PIECES;
const HOSTILE = 'hostile#0';
const nodeHash = nodeHashOf(sha256Sync);

let hybrid: { info: AnyTorrentInfo; pieceLayers: Map<string, Uint8Array>; data: Uint8Array };

beforeAll(async () => {
  const data = randomBytes(mulberry32(43), PIECES * PIECE);
  const size = FILE_PIECES * PIECE;
  const file = (name: string, start: number) => ({
    path: [name],
    length: size,
    read: async (at: number, length: number) => data.slice(start + at, start + at + length),
  });
  const { info, pieceLayers } = await createAnyInfo([file('a.mp4', 0), file('b.mp4', size)], {
    name: 'films',
    sha1,
    sha256,
    pieceLength: PIECE,
  });
  hybrid = { info, pieceLayers, data };
});

/** A hybrid swarm of two honest seeds and two leechers, the first of which a hostile peer floods. */
function run(seed: number, mode: HostileOptions['mode']) {
  const v1 = hybrid.info.v1!;
  const v2info = hybrid.info.v2!;
  const swarm = new Swarm({ torrent: { info: v1, data: hybrid.data }, sha1: sha1Sync, seed });
  const counter = new WorkCounter(HOSTILE);
  const full = { info: v2info, pieceLayers: hybrid.pieceLayers };
  for (const name of ['seed-a', 'seed-b']) swarm.addNode({ name, seed: true, v2: full });
  // The victim lacks the piece layers: it asks its v2 peers for them, the hostile one too.
  const config = { wishlist: counter.wishlist(), chokePolicy: counter.chokePolicy(DEFAULT_CHOKE_POLICY) };
  const victim = swarm.addNode({ name: 'victim', v2: { info: v2info }, config });
  const other = swarm.addNode({ name: 'other', v2: full });
  const view: HostileView = {
    info: v1,
    data: hybrid.data,
    v2: v2info,
    layers: new PieceLayers(v2info, hybrid.pieceLayers, nodeHash),
    key: HOSTILE,
    asked: [],
    askedHashes: [],
    now: 0,
  };
  const hostile = new HostilePeer(swarm, victim, view, {
    key: HOSTILE,
    seed,
    // A data channel at 8 MiB/s.
    bytesPerMs: 8 * KiB,
    maxMessages: 100_000,
    mode,
  });
  // It connects first, before the honest seeds: the victim asks it for blocks and hashes too.
  hostile.start(1);
  const finished = swarm.run(() => victim.complete && other.complete && hostile.done, 120_000);
  return { finished, victim, other, hostile, counter };
}

/** The most work the budget lets a peer cause from `start` to `end` (ms), besides its opening bitfield. */
const budgetFor = (start: number, end: number) =>
  PEER_WORK_BURST + (PEER_WORK_PER_SECOND * (end - start)) / 1000;

describe('a hostile peer pays for its own messages', () => {
  for (const seed of [1, 2, 3, 4]) {
    for (const mode of ['flood', 'every-kind'] as const) {
      it(`is closed, with bounded work, while the honest downloads finish (seed ${seed}, ${mode})`, () => {
        const { finished, victim, other, hostile, counter } = run(seed, mode);
        expect(finished, 'everyone done').toBe(true);
        expect(victim.complete && other.complete).toBe(true);
        const end = hostile.closed?.at ?? hostile.lastSentAt;
        // Its one opening bitfield or have-all is counted as the whole torrent; everything else within the budget.
        const work = counter.units - PIECES;
        expect(work).toBeLessThanOrEqual(budgetFor(hostile.startedAt, end));
        expect(work / hostile.messages).toBeLessThanOrEqual(4);
        expect(hostile.closed, 'the hostile peer is closed').toBeDefined();
        if (mode === 'flood') {
          expect(hostile.closed?.reason).toMatch(/over its work budget/);
          // Every kind of message but a second bitfield, have-all or have-none reached the engine.
          for (const kind of EVERY_KIND.filter((k) => !PIECES_KINDS.includes(k)))
            expect(hostile.sent.get(kind) ?? 0, kind).toBeGreaterThan(0);
        }
      });
    }
  }
});
