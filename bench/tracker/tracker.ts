// The tracker: ours against bittorrent-tracker's Server, each alone in a child process under the same load of
// simulated WebSocket peers on loopback (load.ts); a cluster of one and two processes on one Redis against one
// process in memory; and ours alone with 50,000 peers on one process, against published figures of other trackers.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startRedis, type Daemon } from '../../signal-tracker/src/testing/daemons';
import { atLeast, atMost, figure, noGoal, percentile, type Bench, type Figure } from '../lib/figure';
import { wantsPart } from '../lib/flags';
import {
  callsPer,
  cpuSecondsOf,
  logProfiles,
  processCalls,
  spawnTracker,
  startProfiles,
  type Child,
  type Cpu,
  type Memory,
} from './child';
import {
  Load,
  OFFERS_PER_ANNOUNCE,
  PACED_RATE,
  PACED_SECONDS,
  SATURATE_SECONDS,
  SWARM_SIZE,
  WINDOW,
} from './load';
import type { TrackerKind } from './server-child';

interface TrackerRun {
  kind: TrackerKind;
  /** Announces completed per second of the trackers' own CPU time (user + system), Redis's included. */
  announcesPerCpuSecond: number;
  /** Announces completed per second of wall time (bounded by the load generator on 2 cores). */
  announcesPerSecond: number;
  /** The trackers' CPU time over the wall time of the phase, and Redis's share of it. */
  cpuShare: number;
  redisShare: number;
  /** Heap + external per peer after GC, and the part of it there once the socket is open (one process only). */
  bytesPerPeer: number;
  socketBytesPerPeer: number;
  rssPerPeer: number;
  /** The tracker process's resident memory once every peer announced. */
  rss: number;
  p99Ms: number;
  p50Ms: number;
  /** Announces lost and failures, in words, or '' for none. */
  lost: string;
}

const heapOf = (m: Memory) => m.usage.heapUsed + m.usage.external;

/** Seconds of CPU the Redis server has used (user + system), from INFO. */
async function redisCpuSeconds(redis: Redis | undefined): Promise<number> {
  const info = (await redis?.info('cpu')) ?? '';
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/**
 * `processes` tracker processes of `kind` (on one Redis for `ours-redis`), the load spread over them (each swarm
 * spans them all): peers join, then a saturated phase (a closed loop of WINDOW announces in flight) for the CPU, then
 * a paced one for the offer-to-answer latency.
 */
async function measure(
  kind: TrackerKind,
  peers: number,
  log: (m: string) => void,
  {
    profile = false,
    processes = 1,
    maxConnections,
  }: { profile?: boolean; processes?: number; maxConnections?: number } = {},
): Promise<TrackerRun> {
  const daemon: Daemon | undefined = kind === 'ours-redis' ? await startRedis() : undefined;
  const redisUrl = daemon && `redis://127.0.0.1:${daemon.port}`;
  const redis = redisUrl ? new Redis(redisUrl) : undefined;
  const children: Child[] = [];
  let load: Load | undefined;
  try {
    for (let i = 0; i < processes; i++) children.push(await spawnTracker(kind, { redisUrl, maxConnections }));
    const [child] = children;
    load = new Load(children.map((c) => `ws://127.0.0.1:${c.port}/`));
    const before = await child.request<Memory>('memory');
    const connectStart = performance.now();
    await load.connect(peers);
    const connected = await child.request<Memory>('memory');
    await load.join();
    const after = await child.request<Memory>('memory');
    const label = `${kind}${processes > 1 ? ` x ${processes}` : ''} ${peers}`;
    log(`  ${label}: ${peers} peers joined in ${((performance.now() - connectStart) / 1000).toFixed(1)} s`);
    if (profile) await startProfiles(children);
    const cpu = async () => {
      const each = await Promise.all(children.map((c) => c.request<Cpu>('cpu')));
      return {
        trackers: each.reduce((sum, c) => sum + cpuSecondsOf(c), 0),
        redis: await redisCpuSeconds(redis),
      };
    };
    const pids = children.map((c) => c.process.pid);
    const [cpuBefore, callsBefore] = [await cpu(), pids.map(processCalls)];
    const saturated = await load.saturate(SATURATE_SECONDS, WINDOW);
    const [cpuAfter, callsAfter] = [await cpu(), pids.map(processCalls)];
    if (profile) await logProfiles(children, label, log);
    const redisSeconds = cpuAfter.redis - cpuBefore.redis;
    const cpuSeconds = cpuAfter.trackers - cpuBefore.trackers + redisSeconds;
    // Let the backlog of the saturated phase clear (and collect its garbage) before timing single relays.
    await child.request<Memory>('memory');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const paced = await load.paced(PACED_RATE, PACED_SECONDS);
    const lost = saturated.lost + paced.lost;
    const run: TrackerRun = {
      kind,
      announcesPerCpuSecond: saturated.completedWithDrain / cpuSeconds,
      announcesPerSecond: saturated.completed / saturated.seconds,
      cpuShare: cpuSeconds / saturated.seconds,
      redisShare: redisSeconds / cpuSeconds,
      bytesPerPeer: (heapOf(after) - heapOf(before)) / peers,
      socketBytesPerPeer: (heapOf(connected) - heapOf(before)) / peers,
      rssPerPeer: (after.usage.rss - before.usage.rss) / peers,
      rss: after.usage.rss,
      p99Ms: percentile(paced.offerLatenciesMs, 99),
      p50Ms: percentile(paced.offerLatenciesMs, 50),
      lost: lost || load.failures ? ` ${kind}: ${lost} announces lost, ${load.failures} failures.` : '',
    };
    log(
      `  ${label}: ${run.announcesPerCpuSecond.toFixed(0)} announces per CPU-second ` +
        `(${run.announcesPerSecond.toFixed(0)}/s wall, ${(run.cpuShare * 100).toFixed(0)} % of a core, Redis ` +
        `${(run.redisShare * 100).toFixed(0)} % of it), ${(run.bytesPerPeer / 1024).toFixed(1)} KiB/peer heap ` +
        `(${(run.rssPerPeer / 1024).toFixed(1)} KiB rss), p99 ${run.p99Ms.toFixed(1)} ms,${run.lost || ' none lost,'} ` +
        `${load.heldBack} messages held back to stay under the per-connection limit; per announce: ` +
        callsPer(callsBefore, callsAfter, saturated.completedWithDrain),
    );
    return run;
  } finally {
    await load?.close();
    for (const child of children) await child.stop();
    redis?.disconnect();
    await daemon?.stop();
  }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/** Ours against bittorrent-tracker at 1,000 and 10,000 peers. */
async function pairFigures(log: (m: string) => void, profile: boolean): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const peers of [1000, 10_000]) {
    const ours = await measure('ours', peers, log, { profile });
    const theirs = await measure('bittorrent-tracker', peers, log);
    const label = `${peers / 1000}k`;
    const theirsName = { name: 'bittorrent-tracker' };
    figures.push(
      figure(
        `tracker announces/s per core, ${label} peers`,
        ours.announcesPerCpuSecond,
        'announces/CPU-s',
        { ...theirsName, value: theirs.announcesPerCpuSecond },
        atLeast(3),
        `closed loop, ${WINDOW} announces in flight, ${OFFERS_PER_ANNOUNCE} offers each relayed and answered; ` +
          `wall clock ours ${ours.announcesPerSecond.toFixed(0)}/s at ${(ours.cpuShare * 100).toFixed(0)} % CPU, ` +
          `theirs ${theirs.announcesPerSecond.toFixed(0)}/s at ${(theirs.cpuShare * 100).toFixed(0)} % CPU.${ours.lost}${theirs.lost}`,
      ),
      figure(
        `tracker memory/peer, ${label} peers`,
        ours.bytesPerPeer / 1024,
        'KiB',
        { ...theirsName, value: theirs.bytesPerPeer / 1024 },
        atMost(1 / 3),
        `heapUsed + external after GC; of which the open socket alone: ours ${kib(ours.socketBytesPerPeer)} KiB, ` +
          `theirs ${kib(theirs.socketBytesPerPeer)} KiB; rss/peer ours ${kib(ours.rssPerPeer)} KiB, theirs ${kib(theirs.rssPerPeer)} KiB`,
      ),
      figure(
        `tracker p99 offer->answer, ${label} peers`,
        ours.p99Ms,
        'ms',
        { ...theirsName, value: theirs.p99Ms },
        noGoal,
        `at ${PACED_RATE} announces/s x ${OFFERS_PER_ANNOUNCE} offers; p50 ours ${ours.p50Ms.toFixed(2)} ms, theirs ${theirs.p50Ms.toFixed(2)} ms`,
      ),
    );
  }
  return figures;
}

/** Announces per CPU-second each cluster must keep of one process in memory's (1 process, then 2). */
const CLUSTER_GOALS = [0.9, 0.8];

/** One and two processes on one Redis against one process in memory under the same load, measured just before. */
async function clusterFigures(log: (m: string) => void, profile: boolean): Promise<Figure[]> {
  const single = await measure('ours', 1000, log, { profile });
  const inMemory = { name: 'one process in memory' };
  const figures: Figure[] = [];
  for (const processes of [1, 2]) {
    const cluster = await measure('ours-redis', 1000, log, { profile, processes });
    const name = `${processes} process${processes > 1 ? 'es' : ''} + Redis`;
    figures.push(
      figure(
        `tracker cluster (${name}) announces/CPU-s, 1k peers`,
        cluster.announcesPerCpuSecond,
        'announces/CPU-s',
        { ...inMemory, value: single.announcesPerCpuSecond },
        atLeast(CLUSTER_GOALS[processes - 1]),
        `CPU of every tracker process and of redis-server counted (Redis ${(cluster.redisShare * 100).toFixed(0)} % ` +
          `of it); wall clock ${cluster.announcesPerSecond.toFixed(0)}/s; swarms of ${SWARM_SIZE} spread over the ` +
          `processes, so with two most offers cross through Redis.${cluster.lost}`,
      ),
      figure(
        `tracker cluster (${name}) p99 offer->answer, 1k peers`,
        cluster.p99Ms,
        'ms',
        { ...inMemory, value: single.p99Ms },
        noGoal,
        `at ${PACED_RATE} announces/s x ${OFFERS_PER_ANNOUNCE} offers; p50 ${cluster.p50Ms.toFixed(2)} ms, in memory ${single.p50Ms.toFixed(2)} ms`,
      ),
    );
  }
  return figures;
}

/** Messages the tracker sends per announce of the load: its response, the offers, and the answers to them. */
const MESSAGES_PER_ANNOUNCE = 1 + 2 * OFFERS_PER_ANNOUNCE;

/**
 * Ours alone with 50,000 peers on one process (every abuse limit at its default, the total connection cap raised to
 * fit), against published figures: wt-tracker holds 100,000 peers in 1.2 GB, aquatic_ws sends about 120,000
 * responses/s on a core. Each socket is an open file here and in the tracker, so where `ulimit -n` is lower the run
 * holds as many peers as it allows, and says so.
 */
async function largeFigures(log: (m: string) => void): Promise<Figure[]> {
  const files = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  const peers = Math.min(50_000, Math.floor((Number(files ?? Infinity) - 1000) / SWARM_SIZE) * SWARM_SIZE);
  const capped =
    peers < 50_000 ? ` Only ${peers} peers: a process may open ${files} files here (ulimit -n).` : '';
  const run = await measure('ours', peers, log, { maxConnections: peers + 1000 });
  const label = `${Math.round(peers / 1000)}k peers on one process`;
  return [
    figure(
      `tracker rss/peer, ${label}`,
      run.rssPerPeer / 1024,
      'KiB',
      { name: 'wt-tracker (published: 100k peers in 1.2 GB)', value: 1.2e9 / 100_000 / 1024 },
      noGoal,
      `rss ${(run.rss / 2 ** 20).toFixed(0)} MiB with every peer announced; heap + external ${kib(run.bytesPerPeer)} KiB/peer.${capped}${run.lost}`,
    ),
    figure(
      `tracker messages sent/CPU-s, ${label}`,
      run.announcesPerCpuSecond * MESSAGES_PER_ANNOUNCE,
      'messages/CPU-s',
      { name: 'aquatic_ws (published: responses/s on one core)', value: 120_000 },
      noGoal,
      `${run.announcesPerCpuSecond.toFixed(0)} announces/CPU-s, each ${MESSAGES_PER_ANNOUNCE} messages sent; wall clock ` +
        `${run.announcesPerSecond.toFixed(0)} announces/s at ${(run.cpuShare * 100).toFixed(0)} % CPU.${capped}${run.lost}`,
    ),
  ];
}

export const trackerBench: Bench = {
  name: 'tracker',
  flags: { '--profile': "logs where the tracker's processes spend their time" },
  parts: {
    pair: 'ours against bittorrent-tracker at 1,000 and 10,000 peers',
    cluster: 'one process in memory, then one and two on Redis',
    'peers-50k': 'ours alone at 50,000 peers on one process (about a minute; only when named)',
  },
  figures: 'the tracker against bittorrent-tracker, a cluster on Redis',
  async run({ flags, log }) {
    const profile = flags.has('--profile');
    return [
      ...(wantsPart(flags, 'pair') ? await pairFigures(log, profile) : []),
      ...(wantsPart(flags, 'cluster') ? await clusterFigures(log, profile) : []),
      ...(wantsPart(flags, 'peers-50k', false) ? await largeFigures(log) : []),
    ];
  },
};
