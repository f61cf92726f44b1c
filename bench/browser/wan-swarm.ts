// A swarm on real network paths: one seeding tab and 8 downloading tabs, each Chromium in its own emulated node
// (netem/, docs/netem.md) with its own round trip, uplink and downlink (wan-swarm-shape.ts), the tracker and the
// pages' server in a node of their own. The time until every tab is done, against seed 001's P2P bound for those
// uplinks (lab/bounds.ts), and against the lab's prediction for the same shape (lab/network-shape.ts), run in the
// same bench run; with what the machine's CPU and the emulated uplinks did meanwhile, to tell which one limited it.
// `--wan-swarm-against=<commit>` runs the app of that commit too, in turns (wan-swarm-against.ts).
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chromiumInNode, startEmulator, type EmulatedTracker, type Emulator } from '../../netem';
import { LAUNCH_OPTIONS } from '../../playwright.config';
import { predictSwarm, shapeBounds, type Prediction } from '../../lab/network-shape';
import { buildAppAt, type Tab } from '../lib/app';
import { emulatedBenchStart, loadLabel } from '../lib/emulated';
import type { Bench, BenchContext, Figure } from '../lib/figure';
import { setUploadLimit } from '../../e2e/helpers';
import { download, openApp, share, waitDone, watchItem } from './app-steps';
import { randomFileOf, withTabs } from './transfer';
import { withServer } from './wan';
import {
  nodeOf,
  shapeLabel,
  trackerNode,
  uploadLimitKib,
  wanSwarmPlan,
  type WanSwarmPlan,
} from './wan-swarm-shape';
import { swarmUsage, type SwarmUsage } from './wan-swarm-usage';
import { swarmFigures, type SwarmRun } from './wan-swarm-figures';
import { firstPeerAt, watchFirstPeer, watchTimeline } from './wan-swarm-timeline';
import { countChannels, watchTransport } from './wan-swarm-transport';
import { againstFigure, engineOrder } from './wan-swarm-against';
import { flagValue } from '../lib/flags';

const MiB = 1024 * 1024;
/** Sharing hashes the file on this machine, off the emulated path. */
const SHARE_TIMEOUT_MS = 180_000;
/** The lab's random choices and file. */
const LAB_SEED = 1;

const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest());

interface SharedFile {
  path: string;
  name: string;
}

/** The pieces the tab's torrent has verified, as its item shows them. */
async function havePieces(tab: Tab): Promise<number> {
  const have = await tab.page
    .locator('li[data-infohash]')
    .first()
    .getAttribute('data-have', { timeout: 1000 });
  return Number(have ?? 0);
}

/** How often the log shows what every peer did (wan-swarm-timeline.ts). */
const TIMELINE_MS = 10_000;

/** The swarm on the tabs (the seed's first): it shares, the others open the app, then all press Download at once. */
async function swarmOnTabs(
  [seed, ...tabs]: Tab[],
  plan: WanSwarmPlan,
  on: { emulator: Emulator; server: EmulatedTracker },
  file: SharedFile,
  timeoutMs: number,
  log: (message: string) => void,
): Promise<Omit<SwarmRun, 'load'>> {
  await openApp(seed.page, on.server.origin);
  const magnet = await share(seed.page, file.path, file.name, SHARE_TIMEOUT_MS);
  const downloaders = plan.shape.peers.filter((peer) => !peer.seed);
  await Promise.all(
    tabs.map(async (tab, i) => {
      await openApp(tab.page, on.server.origin);
      const limit = uploadLimitKib(plan, downloaders[i]);
      if (limit > 0) await setUploadLimit(tab.page, limit);
      await watchItem(tab.page);
      await watchFirstPeer(tab);
    }),
  );
  const usage = await swarmUsage(on.emulator, on.server, [seed, ...tabs], plan.shape.peers);
  if (plan.transport) for (const tab of [seed, ...tabs]) await countChannels(tab);
  const starts = await Promise.all(tabs.map((tab) => download(tab.page, magnet)));
  const stopTimeline = watchTimeline(on.emulator, [seed, ...tabs], plan.shape.peers, TIMELINE_MS, log);
  const everyone = plan.shape.peers.map((peer) => peer.name);
  const stopTransport = plan.transport
    ? watchTransport([seed, ...tabs], everyone, TIMELINE_MS, log)
    : () => {};
  const marks = await Promise.all(tabs.map((tab) => waitDone(tab.page, timeoutMs)));
  stopTimeline();
  stopTransport();
  const firstPeers = await Promise.all(tabs.map((tab) => firstPeerAt(tab)));
  const first = Math.min(...starts);
  const done = marks.map((mark) => mark.done);
  const last = done.every((at) => at !== undefined) ? (Math.max(...(done as number[])) - first) / 1000 : null;
  // What the tabs had when the watch ended: a tab not done counts the pieces it verified.
  const have = await Promise.all(tabs.map((tab) => havePieces(tab)));
  const downloaded = have.reduce(
    (sum, pieces) => sum + Math.min(plan.shape.fileBytes, pieces * plan.shape.pieceBytes),
    0,
  );
  const used: SwarmUsage = await usage.stop(downloaded);
  const names = downloaders.map((peer) => peer.name);
  return {
    last,
    used,
    tabs: marks.map((mark, i) => ({
      name: names[i],
      seconds: mark.done !== undefined ? (mark.done - starts[i]) / 1000 : null,
      firstPiece: mark.first !== undefined ? (mark.first - starts[i]) / 1000 : null,
      firstPeer: firstPeers[i] !== undefined ? (firstPeers[i]! - starts[i]) / 1000 : null,
      ...(mark.done === undefined ? { error: mark.error ?? `not done after ${timeoutMs / 1000} s` } : {}),
    })),
  };
}

/** One run on a freshly made emulated network: the tracker's node, then one node per peer of the shape. */
async function runSwarm(
  plan: WanSwarmPlan,
  staticDir: string,
  file: SharedFile,
  seed: number,
  timeoutMs: number,
  log: (message: string) => void,
): Promise<SwarmRun> {
  const load = loadLabel();
  try {
    const emulator = await startEmulator([trackerNode(), ...plan.shape.peers.map(nodeOf)], { seed });
    try {
      const run = await withServer(emulator, staticDir, (server) => {
        const launches = plan.shape.peers.map((peer) =>
          chromiumInNode(emulator.node(peer.name), LAUNCH_OPTIONS, [server.origin]),
        );
        return withTabs(
          launches.length,
          (tabs) => swarmOnTabs(tabs, plan, { emulator, server }, file, timeoutMs, log),
          { log, launches },
        );
      });
      return { ...run, load: load() };
    } finally {
      await emulator.stop();
    }
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    log(`  the run failed: ${message}`);
    return { last: null, tabs: [], load: load(), error: message };
  }
}

/** The lab's prediction for the shape, logged with what it took to compute. */
function labPrediction(plan: WanSwarmPlan, log: (message: string) => void): Prediction {
  const started = Date.now();
  const prediction = predictSwarm(plan.shape, { hash: sha1, seed: LAB_SEED });
  log(
    `  the lab on the same shape: all done at ${prediction.last?.toFixed(1) ?? 'never'} s ` +
      `(computed in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return prediction;
}

/** What a run did, each tab's times, in the log. */
function logRun(result: SwarmRun, log: (message: string) => void): void {
  log(
    `  all done in ${result.last?.toFixed(1) ?? '-'} s; ` +
      result.tabs
        .map(
          (tab) =>
            `${tab.name} ${tab.seconds?.toFixed(1) ?? tab.error} (first peer ${tab.firstPeer?.toFixed(1) ?? '-'}, ` +
            `first piece ${tab.firstPiece?.toFixed(1) ?? '-'})`,
        )
        .join(', '),
  );
  if (result.used) log(`  ${result.used.note}; ${result.load}`);
}

/** The app of each engine, served as built: ours, and `--wan-swarm-against`'s commit when named. */
interface Engines {
  ours: string;
  against?: { commit: string; staticDir: string };
}

/** The plan's runs of each engine, in turns, each pair on the same emulator seed. */
async function runsInTurns(
  context: BenchContext,
  plan: WanSwarmPlan,
  engines: Engines,
  file: SharedFile,
  timeoutMs: number,
): Promise<Record<'ours' | 'against', SwarmRun[]>> {
  const runs: Record<'ours' | 'against', SwarmRun[]> = { ours: [], against: [] };
  for (let run = 0; run < plan.runs; run++) {
    const order = engines.against ? engineOrder(run) : (['ours'] as const);
    for (const engine of order) {
      const which = engine === 'ours' ? '' : ` (the app of ${engines.against!.commit})`;
      context.log(`  run ${run + 1} of ${plan.runs}${which}`);
      const staticDir = engine === 'ours' ? engines.ours : engines.against!.staticDir;
      const result = await runSwarm(plan, staticDir, file, 2000 + run, timeoutMs, context.log);
      logRun(result, context.log);
      runs[engine].push(result);
    }
  }
  return runs;
}

export const wanSwarmBench: Bench = {
  name: 'wan-swarm',
  figures:
    'a swarm of 1 seed and 8 tabs on emulated paths of their own, against the P2P bound and the lab on the same shape',
  onlyWhenNamed: true,
  async run(context: BenchContext): Promise<Figure[]> {
    const staticDir = await emulatedBenchStart(context);
    if (staticDir === undefined) return [];
    const plan = wanSwarmPlan(context.flags);
    const label = shapeLabel(plan);
    const bounds = shapeBounds(plan.shape);
    context.log(
      `  ${label}: P2P bound ${bounds.p2p.toFixed(1)} s, for whole pieces ${bounds.discrete.toFixed(1)} s`,
    );
    const prediction = labPrediction(plan, context.log);
    const commit = flagValue(context.flags, 'wan-swarm-against');
    const engines: Engines = {
      ours: staticDir,
      ...(commit === undefined ? {} : { against: { commit, staticDir: buildAppAt(commit, context.log) } }),
    };
    const name = `wan-swarm-${plan.shape.fileBytes / MiB}MiB.bin`;
    const { dir, path } = randomFileOf(plan.shape.fileBytes, name);
    // Ten times the bound and two minutes for the start: a swarm that needs more has stalled.
    const timeoutMs = Math.round(bounds.p2p * 10_000) + 120_000;
    try {
      const runs = await runsInTurns(context, plan, engines, { path, name }, timeoutMs);
      const figures = swarmFigures({ label, plan, bounds, prediction, runs: runs.ours });
      if (commit === undefined) return figures;
      return [...figures, againstFigure(label, commit, runs.ours, runs.against)];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
