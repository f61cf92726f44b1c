// Play to the first frame with block checks against piece checks, in the engine's simulated swarm
// (shared/engine/testing/swarm.ts, virtual time): a leecher of a hybrid plays a 12 Mbit/s file from its start while
// two v2 seeds serve it at 2.4 times the bitrate each. With block checks (EngineConfig.leavesAhead, the default) the
// playback window's leaf hashes are asked in advance and each of their blocks is checked on arrival; with piece
// checks (leavesAhead 0) each piece is checked once complete. The figure is the virtual time from Play to the first
// piece under the playhead stored (what a first frame waits for), with hashing at SubtleCrypto's pace; the note adds
// the CPU time of the whole simulated download either way (the on-arrival SHA-256 runs in the engine). The page's
// own first frame over real tabs follows (bench/browser/block-checks.ts: a hybrid against a v1-only torrent, two
// Chromium tabs). --tiny: an 8 MiB file and the tabs' smoke video; --browser: the real tabs only.
import { randomBytes } from 'node:crypto';
import { createAnyInfo } from '../../shared/codec/metainfo-v2';
import { sha1, sha1Sync } from '../../shared/testing/sha1';
import { sha256 } from '../../shared/testing/sha256';
import { Swarm } from '../../shared/engine/testing/swarm';
import { atMost, figure, type Bench, type BenchContext, type Figure } from '../lib/figure';
import { tabFigures } from '../browser/block-checks';

const MiB = 1024 * 1024;
/** 12 Mbit/s. */
const BITRATE = 1.5e6;

interface Run {
  firstPieceMs: number;
  completeMs: number;
  cpuMs: number;
  /** Pieces whose leaf hashes the seeds read and hashed to answer. */
  leafAnswers: number;
}

async function hybridOf(size: number) {
  const data = new Uint8Array(randomBytes(size));
  const { info, pieceLayers } = await createAnyInfo(
    [{ path: ['film.mp4'], length: size, read: async (at, length) => data.slice(at, at + length) }],
    { name: 'film.mp4', sha1, sha256, pieceLength: 256 * 1024 },
  );
  const v1 = info.v1!;
  const bytes = new Uint8Array(v1.length);
  bytes.set(data);
  return { torrent: { info: v1, data: bytes }, v2: { info: info.v2!, pieceLayers } };
}

function play(hybrid: Awaited<ReturnType<typeof hybridOf>>, leavesAhead: number): Run {
  const swarm = new Swarm({
    torrent: hybrid.torrent,
    sha1: sha1Sync,
    seed: 26,
    uploadRate: 2.4 * BITRATE,
    hashMsPerMiB: 3, // SubtleCrypto's SHA-256 at about 350 MB/s
  });
  const seeds = [0, 1].map((i) => swarm.addNode({ name: `seed${i}`, seed: true, v2: hybrid.v2 }));
  const leech = swarm.addNode({ name: 'leech', v2: hybrid.v2, config: { leavesAhead } });
  const playAt = 100;
  swarm.schedule(playAt, () =>
    leech.deliver({ type: 'playhead', file: 0, position: 0, bytesPerSecond: BITRATE }),
  );
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const start = cpu();
  if (!swarm.run(() => leech.storage.has(0), 600_000)) throw new Error('the first piece never came');
  const firstPieceMs = swarm.now - playAt;
  if (!swarm.run(() => leech.completedAt !== undefined, 3_600_000))
    throw new Error('the download never ended');
  const pieceLength = hybrid.torrent.info.pieceLength;
  const leafAnswers = seeds.reduce(
    (sum, seed) =>
      sum + seed.reads.filter((read) => read.length > 16384 && read.length <= pieceLength).length,
    0,
  );
  return { firstPieceMs, completeMs: swarm.now - playAt, cpuMs: cpu() - start, leafAnswers };
}

export const blockChecksBench: Bench = {
  name: 'block-checks',
  flags: {
    '--tiny': '8 MiB, one session: a smoke',
    '--browser': 'only the real-tab figures, not the simulated swarm',
  },
  figures: 'Play to the first frame with block checks against piece checks',
  async run(context) {
    const simulated = context.flags.has('--browser') ? [] : await simulatedFigures(context);
    return [...simulated, ...(await tabFigures(context))];
  },
};

async function simulatedFigures(context: BenchContext): Promise<Figure[]> {
  const size = context.flags.has('--tiny') ? 8 * MiB : 64 * MiB;
  const hybrid = await hybridOf(size);
  play(hybrid, 0); // warms up
  const pieces = play(hybrid, 0);
  const blocks = play(hybrid, 4);
  context.log(
    `  block-checks: piece checks ${JSON.stringify(pieces)}; block checks ${JSON.stringify(blocks)}`,
  );
  return [
    figure(
      `block-checks: Play to the first piece stored, ${size / MiB} MiB at 12 Mbit/s, block checks`,
      blocks.firstPieceMs / 1000,
      's',
      { name: 'piece checks', value: pieces.firstPieceMs / 1000 },
      atMost(1.1),
      `simulated swarm, virtual time: two v2 seeds at 2.4x the bitrate, 256 KiB pieces; ${blocks.leafAnswers} ` +
        `pieces' leaves answered; the whole download ${(blocks.completeMs / 1000).toFixed(1)} s against ` +
        `${(pieces.completeMs / 1000).toFixed(1)} s, the simulated swarm's CPU (whole run) ${blocks.cpuMs.toFixed(0)} ms ` +
        `against ${pieces.cpuMs.toFixed(0)} ms`,
    ),
  ];
}
