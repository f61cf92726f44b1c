// Figure 6: our tracker against bittorrent-tracker's Server, each in its own process, under the same load of
// simulated WebSocket peers on loopback.
import { readFileSync } from 'node:fs';
import { atLeast, atMost, figure, noGoal, percentile, type Bench, type Figure } from '../lib/figure';
import {
  callsPer,
  cpuSecondsOf,
  logProfiles,
  processCalls,
  spawnTracker,
  startProfiles,
  type Cpu,
  type Memory,
} from './child';
import { CLUSTER_PEERS, clusterFigures } from './cluster';
import {
  Load,
  OFFERS_PER_ANNOUNCE,
  PACED_RATE,
  PACED_SECONDS,
  SATURATE_SECONDS,
  SWARM_SIZE,
  WINDOW,
} from './load';
import type { ChildOptions, TrackerKind } from './server-child';

export interface TrackerRun {
  kind: TrackerKind;
  peers: number;
  /** Announces completed per second of the tracker process's own CPU time (user + system). */
  announcesPerCpuSecond: number;
  /** Announces completed per second of wall time (bounded by the load generator on 2 cores). */
  announcesPerSecond: number;
  /** The tracker's CPU time over the wall time of the phase. */
  cpuShare: number;
  bytesPerPeer: number;
  /** The part of bytesPerPeer already there once the socket is open, before the peer announced. */
  socketBytesPerPeer: number;
  rssPerPeer: number;
  /** The tracker process's resident memory once every peer announced. */
  rss: number;
  p99Ms: number;
  p50Ms: number;
  lost: number;
  failures: number;
}

const heapOf = (m: Memory) => m.usage.heapUsed + m.usage.external;

export async function measure(
  kind: TrackerKind,
  peers: number,
  log: (m: string) => void,
  profile = false,
  options: ChildOptions = {},
): Promise<TrackerRun> {
  const child = await spawnTracker(kind, options);
  const load = new Load(`ws://127.0.0.1:${child.port}/`);
  try {
    const before = await child.request<Memory>('memory');
    const connectStart = performance.now();
    await load.connect(peers);
    const connected = await child.request<Memory>('memory');
    await load.join();
    const after = await child.request<Memory>('memory');
    log(
      `  ${kind} ${peers}: ${peers} peers joined in ${((performance.now() - connectStart) / 1000).toFixed(1)} s`,
    );
    if (profile) await startProfiles([child]);
    const cpuBefore = await child.request<Cpu>('cpu');
    const callsBefore = [processCalls(child.process.pid)];
    const saturated = await load.saturate(SATURATE_SECONDS, WINDOW);
    const cpuAfter = await child.request<Cpu>('cpu');
    const calls = callsPer(callsBefore, [processCalls(child.process.pid)], saturated.completedWithDrain);
    if (profile) await logProfiles([child], `${kind} ${peers}`, log);
    const cpuSeconds = cpuSecondsOf(cpuAfter) - cpuSecondsOf(cpuBefore);
    const systemShare = (cpuAfter.usage.system - cpuBefore.usage.system) / 1e6 / cpuSeconds;
    // Let the backlog of the saturated phase clear (and collect its garbage) before timing single relays.
    await child.request<Memory>('memory');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const paced = await load.paced(PACED_RATE, PACED_SECONDS);
    const run: TrackerRun = {
      kind,
      peers,
      announcesPerCpuSecond: saturated.completedWithDrain / cpuSeconds,
      announcesPerSecond: saturated.completed / saturated.seconds,
      cpuShare: cpuSeconds / saturated.seconds,
      bytesPerPeer: (heapOf(after) - heapOf(before)) / peers,
      socketBytesPerPeer: (heapOf(connected) - heapOf(before)) / peers,
      rssPerPeer: (after.usage.rss - before.usage.rss) / peers,
      rss: after.usage.rss,
      p99Ms: percentile(paced.offerLatenciesMs, 99),
      p50Ms: percentile(paced.offerLatenciesMs, 50),
      lost: saturated.lost + paced.lost,
      failures: load.failures,
    };
    log(
      `  ${kind} ${peers}: ${run.announcesPerCpuSecond.toFixed(0)} announces per CPU-second ` +
        `(${run.announcesPerSecond.toFixed(0)}/s wall, tracker at ${(run.cpuShare * 100).toFixed(0)} % of a core, ` +
        `${(systemShare * 100).toFixed(0)} % of it in the kernel), ` +
        `${(run.bytesPerPeer / 1024).toFixed(1)} KiB/peer heap (${(run.rssPerPeer / 1024).toFixed(1)} KiB rss), ` +
        `p99 ${run.p99Ms.toFixed(1)} ms, lost ${run.lost}, failures ${run.failures}, ` +
        `${load.heldBack} messages held back to stay under the per-connection limit; per announce: ${calls}`,
    );
    return run;
  } finally {
    await load.close();
    await child.stop();
  }
}

/** Open files a process may have here (the soft RLIMIT_NOFILE, from /proc; Infinity where unknown). */
function openFileLimit(): number {
  try {
    const match = /Max open files\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match && match[1] !== 'unlimited' ? Number(match[1]) : Infinity;
  } catch {
    return Infinity;
  }
}

const LARGE_RUN_PEERS = 50_000;
/** Messages the tracker sends per announce of the load: its response, the offers, and the answers to them. */
const MESSAGES_PER_ANNOUNCE = 1 + 2 * OFFERS_PER_ANNOUNCE;
/** Published anchors: wt-tracker holds 100,000 peers in 1.2 GB; aquatic_ws sends about 120,000 responses/s on a core. */
const WT_TRACKER_BYTES_PER_PEER = 1.2e9 / 100_000;
const AQUATIC_WS_RESPONSES_PER_CORE_SECOND = 120_000;

/**
 * `--peers-50k`: our tracker alone with 50,000 peers on one process (every abuse limit at its default; the
 * total connection cap raised to fit). Each socket is an open file in the tracker and one in this process, so
 * where `ulimit -n` is lower the run holds as many peers as it allows, and says so.
 */
async function largeRun(log: (m: string) => void): Promise<Figure[]> {
  const limit = openFileLimit();
  const peers = Math.min(LARGE_RUN_PEERS, Math.floor((limit - 1000) / SWARM_SIZE) * SWARM_SIZE);
  const label = `${Math.round(peers / 1000)}k`;
  const capped =
    peers < LARGE_RUN_PEERS
      ? ` Only ${peers} peers: a process may open ${limit} files here (ulimit -n); ${LARGE_RUN_PEERS} need about ` +
        `${LARGE_RUN_PEERS + 1000}.`
      : '';
  const run = await measure('ours', peers, log, false, { maxConnections: peers + 1000 });
  const lost = run.lost || run.failures ? ` ${run.lost} announces lost, ${run.failures} failures.` : '';
  return [
    figure(
      `tracker rss/peer, ${label} peers on one process`,
      run.rssPerPeer / 1024,
      'KiB',
      { name: 'wt-tracker (published: 100k peers in 1.2 GB)', value: WT_TRACKER_BYTES_PER_PEER / 1024 },
      noGoal,
      `rss ${(run.rss / 2 ** 20).toFixed(0)} MiB with every peer announced; heap + external ` +
        `${(run.bytesPerPeer / 1024).toFixed(1)} KiB/peer.${capped}${lost}`,
    ),
    figure(
      `tracker messages sent/CPU-s, ${label} peers on one process`,
      run.announcesPerCpuSecond * MESSAGES_PER_ANNOUNCE,
      'messages/CPU-s',
      {
        name: 'aquatic_ws (published: responses/s on one core)',
        value: AQUATIC_WS_RESPONSES_PER_CORE_SECOND,
      },
      noGoal,
      `${run.announcesPerCpuSecond.toFixed(0)} announces/CPU-s, each ${MESSAGES_PER_ANNOUNCE} messages sent ` +
        `(response, ${OFFERS_PER_ANNOUNCE} offers, ${OFFERS_PER_ANNOUNCE} answers); wall clock ` +
        `${run.announcesPerSecond.toFixed(0)} announces/s at ${(run.cpuShare * 100).toFixed(0)} % CPU.${capped}${lost}`,
    ),
  ];
}

/** The cluster's figures against one process in memory under the same load, measured just before them. */
async function clusterRun(log: (m: string) => void, profile: boolean): Promise<Figure[]> {
  const single = await measure('ours', CLUSTER_PEERS, log, profile);
  return clusterFigures(single, log, profile);
}

export const trackerBench: Bench = {
  name: 'tracker',
  flags: {
    '--peers-50k': 'only the tracker at 50,000 peers on one process (about a minute)',
    '--cluster': 'only the cluster figures: one process in memory, then one and two on Redis',
    '--profile': "logs where the tracker's process spends its time",
  },
  figures: 'the tracker against bittorrent-tracker, a cluster on Redis',
  async run(context) {
    if (context.flags.has('--peers-50k')) return largeRun(context.log);
    const profile = context.flags.has('--profile');
    if (context.flags.has('--cluster')) return clusterRun(context.log, profile);
    const figures: Figure[] = [];
    for (const peers of [1000, 10_000]) {
      const ours = await measure('ours', peers, context.log, profile);
      const theirs = await measure('bittorrent-tracker', peers, context.log);
      const label = peers >= 1000 ? `${peers / 1000}k` : String(peers);
      const lostNote = (run: TrackerRun) =>
        run.lost || run.failures ? ` ${run.kind}: ${run.lost} announces lost, ${run.failures} failures.` : '';
      figures.push(
        figure(
          `tracker announces/s per core, ${label} peers`,
          ours.announcesPerCpuSecond,
          'announces/CPU-s',
          { name: 'bittorrent-tracker', value: theirs.announcesPerCpuSecond },
          atLeast(3),
          `closed loop, ${WINDOW} announces in flight, ${OFFERS_PER_ANNOUNCE} offers each relayed and answered; ` +
            `wall clock ours ${ours.announcesPerSecond.toFixed(0)}/s at ${(ours.cpuShare * 100).toFixed(0)} % CPU, ` +
            `theirs ${theirs.announcesPerSecond.toFixed(0)}/s at ${(theirs.cpuShare * 100).toFixed(0)} % CPU.` +
            lostNote(ours) +
            lostNote(theirs),
        ),
        figure(
          `tracker memory/peer, ${label} peers`,
          ours.bytesPerPeer / 1024,
          'KiB',
          { name: 'bittorrent-tracker', value: theirs.bytesPerPeer / 1024 },
          atMost(1 / 3),
          `heapUsed + external after GC; of which the open socket alone: ours ` +
            `${(ours.socketBytesPerPeer / 1024).toFixed(1)} KiB, theirs ${(theirs.socketBytesPerPeer / 1024).toFixed(1)} KiB; ` +
            `rss/peer ours ${(ours.rssPerPeer / 1024).toFixed(1)} KiB, ` +
            `theirs ${(theirs.rssPerPeer / 1024).toFixed(1)} KiB`,
        ),
        figure(
          `tracker p99 offer->answer, ${label} peers`,
          ours.p99Ms,
          'ms',
          { name: 'bittorrent-tracker', value: theirs.p99Ms },
          noGoal,
          `at ${PACED_RATE} announces/s x ${OFFERS_PER_ANNOUNCE} offers; p50 ours ${ours.p50Ms.toFixed(2)} ms, theirs ${theirs.p50Ms.toFixed(2)} ms`,
        ),
      );
    }
    figures.push(...(await clusterRun(context.log, profile)));
    return figures;
  },
};
