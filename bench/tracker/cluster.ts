// The cluster figures: one process in memory (the baseline) against one and two processes on one Redis, under
// the same load, counting the CPU of every tracker process and of redis-server.
import { Redis } from 'ioredis';
import { atLeast, figure, noGoal, percentile, type Figure } from '../lib/figure';
import { startRedis } from '../../signal-tracker/src/testing/daemons';
import {
  callsPer,
  cpuSecondsOf,
  logProfiles,
  processCalls,
  spawnTracker,
  startProfiles,
  type Child,
  type Cpu,
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

export const CLUSTER_PEERS = 1000;

/** What the cluster figures compare against: one process in memory under the same load. */
export interface SingleRun {
  announcesPerCpuSecond: number;
  p99Ms: number;
  p50Ms: number;
}

export interface ClusterRun {
  processes: number;
  peers: number;
  /** Announces completed per CPU-second of every tracker process and of Redis together. */
  announcesPerCpuSecond: number;
  announcesPerSecond: number;
  /** Redis's share of that CPU. */
  redisCpuShare: number;
  /** Redis's used_memory per peer once every peer announced. */
  redisBytesPerPeer: number;
  /** Redis commands per completed announce over the saturated phase, most first, as "name calls". */
  commandsPerAnnounce: string[];
  /** Bytes Redis read and wrote per completed announce over the saturated phase. */
  bytesPerAnnounce: { read: number; written: number };
  /** System calls and wake-ups per announce, of the trackers together and of Redis. */
  calls: string[];
  p99Ms: number;
  p50Ms: number;
  lost: number;
  failures: number;
}

/** Seconds of CPU the Redis server has used (user + system), from INFO. */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Redis's used_memory in bytes, from INFO. */
async function redisUsedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
}

/**
 * Commands Redis ran since the last CONFIG RESETSTAT, per announce, most first: what a script calls inside counts
 * too (as its own command), so the list shows both the round trips and the script's work.
 */
async function commandsPer(redis: Redis, announces: number): Promise<string[]> {
  const info = await redis.info('commandstats');
  const rows = [...info.matchAll(/cmdstat_([a-z|]+):calls=(\d+),usec=(\d+)/g)].map((m) => ({
    name: m[1],
    calls: Number(m[2]),
    usec: Number(m[3]),
  }));
  const usec = rows.reduce((sum, row) => sum + row.usec, 0) || 1;
  return rows
    .sort((a, b) => b.calls - a.calls)
    .map(
      (row) =>
        `${row.name} ${(row.calls / Math.max(1, announces)).toFixed(2)} ` +
        `(${((100 * row.usec) / usec).toFixed(0)} % of Redis's command time)`,
    );
}

/** Bytes Redis read from and wrote to its clients since the last CONFIG RESETSTAT, per announce. */
async function bytesPer(redis: Redis, announces: number): Promise<{ read: number; written: number }> {
  const info = await redis.info('stats');
  const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? 0);
  const per = Math.max(1, announces);
  return { read: field('total_net_input_bytes') / per, written: field('total_net_output_bytes') / per };
}

/** `processes` tracker processes on one Redis, the load spread over them (each swarm spans them all). */
export async function measureCluster(
  processes: number,
  peers: number,
  log: (m: string) => void,
  profile = false,
): Promise<ClusterRun> {
  const daemon = await startRedis();
  const url = `redis://127.0.0.1:${daemon.port}`;
  const redis = new Redis(url);
  const children: Child[] = [];
  let load: Load | undefined;
  try {
    for (let i = 0; i < processes; i++) children.push(await spawnTracker('ours-redis', { redisUrl: url }));
    load = new Load(children.map((child) => `ws://127.0.0.1:${child.port}/`));
    const memoryBefore = await redisUsedMemory(redis);
    await load.connect(peers);
    await load.join();
    const redisBytesPerPeer = ((await redisUsedMemory(redis)) - memoryBefore) / peers;
    const cpu = async () =>
      (await Promise.all(children.map((child) => child.request<Cpu>('cpu')))).reduce(
        (sum, c) => sum + cpuSecondsOf(c),
        0,
      );
    if (profile) await startProfiles(children);
    await redis.config('RESETSTAT');
    const pids = [...children.map((child) => child.process.pid), daemon.pid];
    const callsBefore = pids.map(processCalls);
    const [trackerBefore, redisBefore] = [await cpu(), await redisCpuSeconds(redis)];
    const saturated = await load.saturate(SATURATE_SECONDS, WINDOW);
    const [trackerAfter, redisAfter] = [await cpu(), await redisCpuSeconds(redis)];
    const callsAfter = pids.map(processCalls);
    const announces = saturated.completedWithDrain;
    const calls = [
      `trackers ${callsPer(callsBefore.slice(0, -1), callsAfter.slice(0, -1), announces)}`,
      `Redis ${callsPer(callsBefore.slice(-1), callsAfter.slice(-1), announces)}`,
    ];
    const commandsPerAnnounce = await commandsPer(redis, saturated.completedWithDrain);
    const bytesPerAnnounce = await bytesPer(redis, saturated.completedWithDrain);
    const label = `cluster of ${processes} + Redis, ${peers}`;
    if (profile) await logProfiles(children, label, log);
    const redisSeconds = redisAfter - redisBefore;
    const cpuSeconds = trackerAfter - trackerBefore + redisSeconds;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const paced = await load.paced(PACED_RATE, PACED_SECONDS);
    const run: ClusterRun = {
      processes,
      peers,
      announcesPerCpuSecond: saturated.completedWithDrain / cpuSeconds,
      announcesPerSecond: saturated.completed / saturated.seconds,
      redisCpuShare: redisSeconds / cpuSeconds,
      redisBytesPerPeer,
      commandsPerAnnounce,
      bytesPerAnnounce,
      calls,
      p99Ms: percentile(paced.offerLatenciesMs, 99),
      p50Ms: percentile(paced.offerLatenciesMs, 50),
      lost: saturated.lost + paced.lost,
      failures: load.failures,
    };
    log(
      `  ${label}: ${run.announcesPerCpuSecond.toFixed(0)} announces per CPU-second ` +
        `(Redis ${(run.redisCpuShare * 100).toFixed(0)} % of it; ${run.announcesPerSecond.toFixed(0)}/s wall), ` +
        `p99 ${run.p99Ms.toFixed(1)} ms, Redis ${run.redisBytesPerPeer.toFixed(0)} B/peer, lost ${run.lost}, ` +
        `failures ${run.failures}; Redis read ${run.bytesPerAnnounce.read.toFixed(0)} B and wrote ` +
        `${run.bytesPerAnnounce.written.toFixed(0)} B per announce; per announce: ${run.calls.join('; ')}\n  ` +
        `${label}: Redis commands per announce:\n    ` +
        run.commandsPerAnnounce.join('\n    '),
    );
    return run;
  } finally {
    await load?.close();
    for (const child of children) await child.stop();
    redis.disconnect();
    await daemon.stop();
  }
}

/** Announces per CPU-second each cluster must keep of one process in memory's (1 process, then 2). */
const CLUSTER_GOALS = [0.9, 0.8];

/** The cluster's figures of 1 and 2 processes against `single`, one process in memory under the same load. */
export async function clusterFigures(
  single: SingleRun,
  log: (m: string) => void,
  profile: boolean,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const processes of [1, 2]) {
    const cluster = await measureCluster(processes, CLUSTER_PEERS, log, profile);
    const name = `${processes} process${processes > 1 ? 'es' : ''} + Redis`;
    const failed = cluster.lost || cluster.failures;
    figures.push(
      figure(
        `tracker cluster (${name}) announces/CPU-s, 1k peers`,
        cluster.announcesPerCpuSecond,
        'announces/CPU-s',
        { name: 'one process in memory', value: single.announcesPerCpuSecond },
        atLeast(CLUSTER_GOALS[processes - 1]),
        `CPU of every tracker process and of redis-server counted (Redis ${(cluster.redisCpuShare * 100).toFixed(0)} % ` +
          `of it, ${cluster.redisBytesPerPeer.toFixed(0)} B of Redis memory per peer); Redis commands per ` +
          `announce: ${cluster.commandsPerAnnounce.slice(0, 4).join(', ')}; wall clock ` +
          `${cluster.announcesPerSecond.toFixed(0)}/s; swarms of ${SWARM_SIZE} spread over the processes, so ` +
          `with two most offers cross through Redis.${failed ? ` ${cluster.lost} lost, ${cluster.failures} failures.` : ''}`,
      ),
      figure(
        `tracker cluster (${name}) p99 offer->answer, 1k peers`,
        cluster.p99Ms,
        'ms',
        { name: 'one process in memory', value: single.p99Ms },
        noGoal,
        `at ${PACED_RATE} announces/s x ${OFFERS_PER_ANNOUNCE} offers; p50 ${cluster.p50Ms.toFixed(2)} ms, in memory ${single.p50Ms.toFixed(2)} ms`,
      ),
    );
  }
  return figures;
}
