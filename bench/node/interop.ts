// The engine against libtorrent 2.0.8 (Debian's python3-libtorrent) over TCP on loopback: one file from a libtorrent
// seeder to the engine's Node host, and from the host to a libtorrent downloader, each against libtorrent to
// libtorrent measured in the same run on the same machine. Each transfer is timed from the downloader's connect to
// its last piece (libtorrent's `finished` alert, the host's `done`), after both sides have started and checked their
// files. The figure that matters: libtorrent never waits on the engine, counted as libtorrent's own block timeouts
// and snubs of the engine (requests left past its request_timeout, 60 s) in the runs where the engine seeds. A hybrid
// torrent made by libtorrent, 1 MiB pieces, 256 MiB, 3 runs of each (medians, a bootstrap interval of each ratio);
// --tiny: 16 MiB, 1 run.
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { libtorrentMissing, ltCreate, startLtPeer, type LtPeer } from '../../shared/testing/libtorrent';
import { until } from '../../shared/testing/until';
import { NodeHost } from '../../node-host/node-host';
import { Scratch } from '../../node-host/testing/fixtures';
import { failedFigure, figure, median, noGoal, under, type Bench, type Figure } from '../lib/figure';
import { intervalText, ratioInterval } from '../lib/interval';
import { loadLabel } from '../lib/session';

const MiB = 1024 * 1024;
const PIECE_LENGTH = MiB;
const NAME = 'interop.bin';
/** Longest a transfer or a check may take before the run is given up. */
const WAIT_MS = 600_000;
/** How often the bench looks at libtorrent's lines while timing (its alerts come as they happen). */
const POLL_MS = 5;

interface Share {
  source: string;
  torrentPath: string;
  torrent: Uint8Array;
}

/** One run's seconds for each transfer, and libtorrent's waits on the seeder. */
interface Run {
  ltToLt: number;
  ltToEngine: number;
  engineToLt: number;
  /** Block timeouts and snubs libtorrent logged for its seeder: libtorrent, then the engine. */
  ltWaits: number;
  engineWaits: number;
}

async function writeShare(folder: string, bytes: number): Promise<Share> {
  const file = await open(join(folder, NAME), 'w');
  for (let at = 0; at < bytes; at += 16 * MiB) await file.write(randomBytes(Math.min(16 * MiB, bytes - at)));
  await file.close();
  const torrentPath = join(folder, 'interop.torrent');
  await ltCreate(join(folder, NAME), PIECE_LENGTH, 'hybrid', torrentPath);
  return { source: folder, torrentPath, torrent: new Uint8Array(await readFile(torrentPath)) };
}

const finished = (peer: LtPeer): boolean => peer.events.some((event) => event.event === 'finished');

/** Block timeouts and snubs libtorrent logged (every peer of a downloader's run is its one seeder). */
const waits = (peer: LtPeer): number =>
  peer.events.filter((event) => event.event === 'block_timeout' || event.event === 'peer_snubbed').length;

async function seedingLt(scratch: Scratch, share: Share): Promise<LtPeer> {
  const seeder = scratch.keep(
    await startLtPeer({ torrent: share.torrentPath, savePath: share.source }),
    (p) => p.stop(),
  );
  await until(() => seeder.seeding(), {
    what: 'libtorrent checked its files',
    timeoutMs: WAIT_MS,
  });
  return seeder;
}

/** A libtorrent downloader into a fresh folder, connected to `port` once started; seconds to its last piece. */
async function ltDownload(
  scratch: Scratch,
  share: Share,
  port: number,
): Promise<{ seconds: number; peer: LtPeer }> {
  const peer = scratch.keep(
    await startLtPeer({ torrent: share.torrentPath, savePath: await scratch.folder() }),
    (p) => p.stop(),
  );
  await until(() => peer.events.some((event) => event.event === 'status'), { what: 'libtorrent started' });
  const start = performance.now();
  peer.connect('127.0.0.1', port);
  await until(() => finished(peer), {
    what: 'libtorrent downloaded',
    timeoutMs: WAIT_MS,
    intervalMs: POLL_MS,
  });
  return { seconds: (performance.now() - start) / 1000, peer };
}

/** The engine downloading from a libtorrent seeder on `port`; seconds to its last piece. */
async function engineDownload(scratch: Scratch, share: Share, port: number): Promise<number> {
  const host = scratch.keep(new NodeHost(), (h) => h.stop());
  const torrent = await host.add({ torrent: share.torrent, folder: await scratch.folder() });
  const done = new Promise<void>((resolve) => torrent.once('done', resolve));
  const start = performance.now();
  await torrent.connect('127.0.0.1', port);
  await done;
  return (performance.now() - start) / 1000;
}

async function oneRun(share: Share): Promise<Run> {
  const scratch = new Scratch('swarmdrop-bench-interop');
  try {
    const seeder = await seedingLt(scratch, share);
    const baseline = await ltDownload(scratch, share, seeder.port);
    const ltToEngine = await engineDownload(scratch, share, seeder.port);
    const host = scratch.keep(new NodeHost(), (h) => h.stop());
    await host.add({ torrent: share.torrent, folder: share.source });
    const fromEngine = await ltDownload(scratch, share, await host.listen(0));
    return {
      ltToLt: baseline.seconds,
      ltToEngine,
      engineToLt: fromEngine.seconds,
      ltWaits: waits(baseline.peer),
      engineWaits: waits(fromEngine.peer),
    };
  } finally {
    await scratch.cleanup();
  }
}

function figures(runs: Run[], mib: number, load: string): Figure[] {
  const lt = runs.map((run) => mib / run.ltToLt);
  const baseline = { name: 'libtorrent to libtorrent', value: median(lt) };
  const throughput = (name: string, seconds: (run: Run) => number, limits: string): Figure => {
    const ours = runs.map((run) => mib / seconds(run));
    const interval = intervalText(ratioInterval(ours, lt));
    const note = `median of ${runs.length} run(s), ratio interval ${interval}; ${limits}; ${load}`;
    return figure(
      `interop: ${mib} MiB ${name} over TCP on loopback`,
      median(ours),
      'MiB/s',
      baseline,
      noGoal,
      note,
    );
  };
  const engineWaits = runs.reduce((sum, run) => sum + run.engineWaits, 0);
  return [
    throughput(
      'from libtorrent to the engine',
      (run) => run.ltToEngine,
      "limited by the engine's one thread (SHA-1 of each piece, the session, the disk writes)",
    ),
    throughput(
      'from the engine to libtorrent',
      (run) => run.engineToLt,
      "limited by the engine's reads and sends on one thread and libtorrent's request pipeline",
    ),
    figure(
      'interop: libtorrent requests to the engine left past its request timeout',
      engineWaits,
      'requests',
      {
        name: 'the same against a libtorrent seeder',
        value: runs.reduce((sum, run) => sum + run.ltWaits, 0),
      },
      under(0),
      `libtorrent's block_timeout and peer_snubbed alerts for the engine over ${runs.length} download(s) of ` +
        `${mib} MiB (its request_timeout is 60 s); ${load}`,
    ),
  ];
}

export const interopBench: Bench = {
  name: 'interop',
  flags: {
    '--tiny': '16 MiB once: a smoke',
  },
  figures:
    'the engine against libtorrent 2.0.8 over TCP on loopback, both ways, and libtorrent never left waiting',
  onlyWhenNamed: true,
  async run(context) {
    const tiny = context.flags.has('--tiny');
    const mib = tiny ? 16 : 256;
    const rounds = tiny ? 1 : 3;
    const name = `interop: ${mib} MiB from libtorrent to the engine over TCP on loopback`;
    if (libtorrentMissing)
      return [failedFigure(name, 'MiB/s', 'libtorrent to libtorrent', noGoal, libtorrentMissing)];
    const scratch = new Scratch('swarmdrop-bench-interop-share');
    try {
      const share = await writeShare(await scratch.folder(), mib * MiB);
      const load = loadLabel();
      const runs: Run[] = [];
      for (let round = 0; round < rounds; round++) {
        const run = await oneRun(share);
        context.log(`  interop run ${round + 1}: ${JSON.stringify(run)}`);
        runs.push(run);
      }
      return figures(runs, mib, load());
    } catch (error) {
      return [failedFigure(name, 'MiB/s', 'libtorrent to libtorrent', noGoal, (error as Error).message)];
    } finally {
      await scratch.cleanup();
    }
  },
};
