// Experiment 6: web seeds (BEP 19). N peers whose torrent names a web seed (an HTTP server with its own upload and
// round trip, shared/engine/testing/web-seed-server.ts), each with a byte budget for it, a share of the file: with the
// web seed the only seeder, and with a seeding tab too. What each run gives: the time for every peer to finish, and
// how many copies of the file the web seed served (the rest the peers gave each other); its bound is N times the
// budget.
import { LabSwarm, type LabPeer } from '../sim/swarm';
import type { Experiment, ExperimentResult, Figure, RunContext } from './types';
import { CAPACITIES, KiB, MiB, addOriginalSeed, labTorrent, round, table, type SwarmParams } from './common';

export interface WebSeedsParams extends SwarmParams {
  /** Each peer's budget for the web seed, as shares of the file (1: the whole file, no bound in effect). */
  budgetShares: number[];
  /** The web seed's upload capacity, bytes/s (`seedUpload` is the seeding tab's). */
  webSeedUpload: number;
  /** One-way latency of the web seed's access link, ms. */
  webSeedLatencyMs: number;
}

const URL = 'https://files.example.org/lab.bin';
const SETUPS = ['web seed alone', 'web seed and a seeding tab'] as const;
type Setup = (typeof SETUPS)[number];

export interface Run {
  setup: Setup;
  share: number;
  /** Seconds for every peer to finish; undefined when some did not within the run's cap. */
  allDoneSeconds: number | undefined;
  finished: number;
  /** Bytes the web seed served over the file's size. */
  servedCopies: number;
  requests: number;
}

export function runOnce(params: WebSeedsParams, setup: Setup, share: number, context: RunContext): Run {
  if (!(share > 0)) throw new RangeError(`budget shares must be > 0, got ${share}`);
  const torrent = labTorrent(params.fileBytes, params.pieceLength, context.hash, params.seed);
  const swarm = new LabSwarm({ torrent, hash: context.hash, seed: params.seed });
  const server = swarm.addTorrentWebSeed({
    url: URL,
    upload: params.webSeedUpload,
    latencyMs: params.webSeedLatencyMs,
  });
  if (setup !== 'web seed alone') addOriginalSeed(swarm, params);
  const budget = Math.ceil(share * params.fileBytes);
  const peers: LabPeer[] = [];
  for (let i = 0; i < params.peers; i++)
    peers.push(
      swarm.addPeer({
        upload: params.peerUpload,
        download: params.peerDownload,
        webSeeds: [URL],
        webSeedBudget: budget,
      }),
    );
  // Generous: ten times what the web seed alone would take to send every peer the whole file, and ten minutes.
  const capMs = 10 * ((params.peers * params.fileBytes * 1000) / params.webSeedUpload) + 600_000;
  const done = swarm.runUntil(capMs, () => swarm.allDone(peers));
  const finished = peers.filter((peer) => peer.complete).length;
  const last = Math.max(...peers.map((peer) => peer.completedAt ?? 0));
  return {
    setup,
    share,
    allDoneSeconds: done ? last / 1000 : undefined,
    finished,
    servedCopies: server.bytesServed / params.fileBytes,
    requests: server.requests.length,
  };
}

function webSeedsFigures(runs: Run[], peers: number): Figure[] {
  const series = (y: (run: Run) => number | undefined) =>
    SETUPS.map((setup, color) => ({
      name: setup,
      color,
      points: runs
        .filter((run) => run.setup === setup && y(run) !== undefined)
        .map((run): [number, number] => [run.share, round(y(run)!, 3)]),
    }));
  const shares = [...new Set(runs.map((run) => run.share))].sort((a, b) => a - b);
  const bound = {
    name: 'bound: N × budget',
    dashed: true,
    color: 2,
    points: shares.map((s): [number, number] => [s, s * peers]),
  };
  return [
    {
      id: 'webseeds-time',
      title: 'Time for every peer to finish against the budget for the web seed',
      xLabel: "each peer's budget (shares of the file)",
      yLabel: 'seconds',
      series: series((run) => run.allDoneSeconds),
    },
    {
      id: 'webseeds-served',
      title: 'Copies of the file the web seed served against the budget',
      xLabel: "each peer's budget (shares of the file)",
      yLabel: 'copies of the file',
      series: [...series((run) => run.servedCopies), bound],
    },
  ];
}

function webSeedsReport(params: WebSeedsParams, runs: Run[]) {
  const alone = runs.filter((run) => run.setup === 'web seed alone');
  const widest = alone.reduce((a, b) => (b.share > a.share ? b : a));
  const narrowest = alone.reduce((a, b) => (b.share < a.share ? b : a));
  const headline = {
    servedCopiesAloneWidestBudget: round(widest.servedCopies, 3),
    servedCopiesAloneNarrowestBudget: round(narrowest.servedCopies, 3),
    allFinishedEveryRun: runs.every((run) => run.allDoneSeconds !== undefined),
    withinBudgetEveryRun: runs.every((run) => run.servedCopies <= run.share * params.peers + 1e-9),
  };
  const rows = runs.map((run) => [
    run.setup,
    run.share,
    run.allDoneSeconds === undefined ? `${run.finished} of ${params.peers} finished` : run.allDoneSeconds,
    run.servedCopies,
    run.share * params.peers,
    run.requests,
  ]);
  const summary =
    `${params.peers} peers, a ${round(params.fileBytes / KiB, 1)} KiB file; the web seed uploads ` +
    `${round(params.webSeedUpload / KiB, 1)} KiB/s at ${params.webSeedLatencyMs} ms, each peer ` +
    `${round(params.peerUpload / KiB, 1)} KiB/s up and ${round(params.peerDownload / KiB, 1)} KiB/s down.\n\n` +
    table(
      ['setup', 'budget (files)', 'all done (s)', 'web seed served (files)', 'bound (files)', 'requests'],
      rows,
    );
  return { headline, summary };
}

export const webseeds: Experiment<WebSeedsParams> = {
  name: 'webseeds',
  title: 'Web seeds: a swarm fed by an HTTP server, within a budget',
  defaults: {
    peers: 20,
    fileBytes: 1 * MiB,
    ...CAPACITIES,
    webSeedUpload: 256 * KiB,
    webSeedLatencyMs: 40,
    budgetShares: [0.125, 0.25, 0.5, 1],
    seed: 1,
  },
  small: {
    peers: 8,
    fileBytes: 256 * KiB,
    ...CAPACITIES,
    webSeedUpload: 256 * KiB,
    webSeedLatencyMs: 40,
    budgetShares: [0.25, 0.5, 1],
    seed: 1,
  },
  run(params: WebSeedsParams, context: RunContext): ExperimentResult {
    const runs: Run[] = [];
    for (const setup of SETUPS)
      for (const share of params.budgetShares) {
        runs.push(runOnce(params, setup, share, context));
        context.progress?.(webSeedsFigures(runs, params.peers), `${setup}, budget ${share}`);
      }
    const { headline, summary } = webSeedsReport(params, runs);
    return {
      experiment: 'webseeds',
      params: { ...params },
      figures: webSeedsFigures(runs, params.peers),
      headline,
      summary,
    };
  },
};
