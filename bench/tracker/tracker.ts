// The tracker: ours against bittorrent-tracker's Server, each alone in a child process under the same load of
// simulated WebSocket peers on loopback (load.ts); a cluster of one and two processes on one Redis against one
// process in memory. Ours alone at 50,000 peers is decision 0019.
import { Redis } from 'ioredis';
import { startRedis, type Daemon } from '../../signal-tracker/src/testing/daemons';
import { atLeast, atMost, figure, noGoal, percentile, type Bench, type Figure } from '../lib/figure';
import { wantsPart } from '../lib/flags';
import {
  cpuSecondsOf,
  logProfiles,
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
  { profile = false, processes = 1 }: { profile?: boolean; processes?: number } = {},
): Promise<TrackerRun> {
  const daemon: Daemon | undefined = kind === 'ours-redis' ? await startRedis() : undefined;
  const redisUrl = daemon && `redis://127.0.0.1:${daemon.port}`;
  const redis = redisUrl ? new Redis(redisUrl) : undefined;
  const children: Child[] = [];
  let load: Load | undefined;
  try {
    for (let i = 0; i < processes; i++) children.push(await spawnTracker(kind, { redisUrl }));
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
    const cpuBefore = await cpu();
    const saturated = await load.saturate(SATURATE_SECONDS, WINDOW);
    const cpuAfter = await cpu();
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
      p99Ms: percentile(paced.offerLatenciesMs, 99),
      p50Ms: percentile(paced.offerLatenciesMs, 50),
      lost: lost || load.failures ? ` ${kind}: ${lost} announces lost, ${load.failures} failures.` : '',
    };
    log(
      `  ${label}: ${run.announcesPerCpuSecond.toFixed(0)} announces per CPU-second ` +
        `(${run.announcesPerSecond.toFixed(0)}/s wall, ${(run.cpuShare * 100).toFixed(0)} % of a core, Redis ` +
        `${(run.redisShare * 100).toFixed(0)} % of it), ${(run.bytesPerPeer / 1024).toFixed(1)} KiB/peer heap ` +
        `(${(run.rssPerPeer / 1024).toFixed(1)} KiB rss), p99 ${run.p99Ms.toFixed(1)} ms,${run.lost || ' none lost,'} ` +
        `${load.heldBack} messages held back to stay under the per-connection limit`,
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

/** The p99 from offer to answer of `ours` against `base` (called `baseName`) under the same paced load. */
function latencyFigure(name: string, ours: TrackerRun, base: TrackerRun, baseName: string): Figure {
  return figure(
    name,
    ours.p99Ms,
    'ms',
    { name: baseName, value: base.p99Ms },
    noGoal,
    `at ${PACED_RATE} announces/s x ${OFFERS_PER_ANNOUNCE} offers; p50 ours ${ours.p50Ms.toFixed(2)} ms, ` +
      `${baseName} ${base.p50Ms.toFixed(2)} ms`,
  );
}

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
      latencyFigure(`tracker p99 offer->answer, ${label} peers`, ours, theirs, theirsName.name),
    );
  }
  return figures;
}

/** Announces per CPU-second each cluster must keep of one process in memory's (1 process, then 2). */
const CLUSTER_GOALS = [0.9, 0.8];

/** One and two processes on one Redis against one process in memory under the same load, measured just before. */
async function clusterFigures(log: (m: string) => void, profile: boolean): Promise<Figure[]> {
  const single = await measure('ours', 1000, log, { profile });
  const inMemory = 'one process in memory';
  const figures: Figure[] = [];
  for (const processes of [1, 2]) {
    const cluster = await measure('ours-redis', 1000, log, { profile, processes });
    const name = `tracker cluster (${processes} process${processes > 1 ? 'es' : ''} + Redis)`;
    figures.push(
      figure(
        `${name} announces/CPU-s, 1k peers`,
        cluster.announcesPerCpuSecond,
        'announces/CPU-s',
        { name: inMemory, value: single.announcesPerCpuSecond },
        atLeast(CLUSTER_GOALS[processes - 1]),
        `CPU of every tracker process and of redis-server counted (Redis ${(cluster.redisShare * 100).toFixed(0)} % ` +
          `of it); wall clock ${cluster.announcesPerSecond.toFixed(0)}/s; swarms of ${SWARM_SIZE} spread over the ` +
          `processes, so with two most offers cross through Redis.${cluster.lost}`,
      ),
      latencyFigure(`${name} p99 offer->answer, 1k peers`, cluster, single, inMemory),
    );
  }
  return figures;
}

export const trackerBench: Bench = {
  name: 'tracker',
  flags: { '--profile': "logs where the tracker's processes spend their time" },
  parts: {
    pair: 'ours against bittorrent-tracker at 1,000 and 10,000 peers',
    cluster: 'one process in memory, then one and two on Redis',
  },
  figures: 'the tracker against bittorrent-tracker, a cluster on Redis',
  async run({ flags, log }) {
    const profile = flags.has('--profile');
    return [
      ...(wantsPart(flags, 'pair') ? await pairFigures(log, profile) : []),
      ...(wantsPart(flags, 'cluster') ? await clusterFigures(log, profile) : []),
    ];
  },
};
