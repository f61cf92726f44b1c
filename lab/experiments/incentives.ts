// Experiment 4 (seed 000; Cohen 2003; BitTyrant; PropShare; BitThief): contributors, free riders (never upload) and
// strategic peers, under each candidate choke policy of the engine (shared/engine/policies.ts) run by the
// contributors and the seed, and without choking; the download time of each class, over several random seeds and two
// swarm sizes. A mixed run gives each candidate a share of the contributors, in one swarm.
//
// A strategic peer is BitTyrant-like (lab/sim/strategy.ts): it keeps twice the connections, unchokes only peers that
// reciprocate (plus the optimistic one) and caps its upload to each at just above what that peer gives it, through
// the engine's `choker` hook; a peer that gives nothing yet is offered `strategicUploadShare` of a contributor's
// per-slot rate.
import { freeRider, noChoking, strategicChoker } from '../sim/strategy';
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import { DEFAULT_CONFIG } from '../../shared/engine/session/session';
import type { ChokePolicy } from '../../shared/engine/choke/choker';
import { CHOKE_POLICIES, DEFAULT_CHOKE_POLICY_NAME } from '../../shared/engine/choke/policies';
import type { ChokePolicyName } from '../../shared/engine/choke/policies';
import type { Experiment, ExperimentResult, Figure, RunContext, Series } from './types';
import type { SwarmParams } from './common';
import {
  CAPACITIES,
  addOriginalSeed,
  KiB,
  MiB,
  bytes,
  completionCurve,
  completionSeconds,
  labTorrent,
  mean,
  rate,
  round,
  table,
} from './common';

export interface IncentivesParams extends SwarmParams {
  freeRiderShare: number;
  strategicShare: number;
  /** What a strategic peer offers a peer that does not reciprocate yet, as a share of a contributor's per-slot rate. */
  strategicUploadShare: number;
  arrivalSeconds: number;
  /** A leecher keeps seeding this long after it finishes, then leaves (-1: stays to the end). */
  lingerSeconds: number;
  /** A second, larger swarm size (0: none), run with `largePolicies`. */
  largePeers: number;
  largePolicies: string[];
  /** Random seeds: every policy and size runs once per seed (`seed` is the first figures' seed). */
  seeds: number[];
  /** The candidate policies (names in shared/engine/policies.ts), 'no choking', and 'mixed' (the candidates share
   * the contributors of one swarm). */
  policies: string[];
}

type Role = 'contributor' | 'free rider' | 'strategic';
const NO_CHOKING = 'no choking';
const MIXED = 'mixed';

/** One run's outcome, plain data (a run cache may keep it as JSON). */
interface Run {
  policy: string;
  size: number;
  seed: number;
  /** Each leecher's class and the bytes it sent. */
  peers: Array<{ role: string; bytesSent: number }>;
  /** Each leecher's finish time, seconds (null: never finished). */
  times: Array<number | null>;
  endSeconds: number;
  /** Piece bytes delivered, by `sender class>receiver class`. */
  received: Record<string, number>;
}

/** A contributor's rate per unchoked peer (its regular slots and the optimistic one), times the strategic share. */
function probeRate(params: IncentivesParams): number {
  const slots = DEFAULT_CONFIG.uploadSlots + 1;
  return (params.peerUpload / slots) * params.strategicUploadShare;
}

function candidate(name: string): ChokePolicy {
  if (name === NO_CHOKING) return noChoking;
  if (!(name in CHOKE_POLICIES))
    throw new Error(
      `unknown policy "${name}"; known: ${[...Object.keys(CHOKE_POLICIES), NO_CHOKING, MIXED].join(', ')}`,
    );
  return CHOKE_POLICIES[name as ChokePolicyName];
}

export function runOnce(
  params: IncentivesParams,
  policy: string,
  size: number,
  seed: number,
  context: RunContext,
  /** Sees every message as it reaches a peer (diagnostics). */
  observe?: (to: LabPeer, from: LabPeer, data: Uint8Array) => void,
): Run {
  const torrent = labTorrent(params.fileBytes, params.pieceLength, context.hash, seed);
  const mixed = policy === MIXED ? params.policies.filter((p) => p !== MIXED && p !== NO_CHOKING) : [];
  const received: Record<string, number> = {};
  const swarm = new LabSwarm({
    torrent,
    hash: context.hash,
    seed,
    // Piece bytes by sender's and receiver's class (message id 7 is `piece`).
    onDeliver: (to, from, data) => {
      observe?.(to, from, data);
      if (data.length <= 13 || data[4] !== 7) return;
      const key = `${from.role}>${to.role}`;
      received[key] = (received[key] ?? 0) + data.length - 13;
    },
    config: { chokePolicy: policy === MIXED ? CHOKE_POLICIES[DEFAULT_CHOKE_POLICY_NAME] : candidate(policy) },
  });
  addOriginalSeed(swarm, params);
  const freeRiders = Math.round(size * params.freeRiderShare);
  const strategic = Math.round(size * params.strategicShare);
  const strategicPolicy =
    policy === NO_CHOKING ? noChoking : strategicChoker({ probeRate: probeRate(params) });
  const peers: LabPeer[] = [];
  // Classes are interleaved in arrival order so that none of them arrives first.
  const order: Role[] = [];
  for (let i = 0; i < size; i++) {
    order.push(i < freeRiders ? 'free rider' : i < freeRiders + strategic ? 'strategic' : 'contributor');
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(swarm.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let contributors = 0;
  for (const role of order) {
    const joinAt = Math.floor(swarm.random() * params.arrivalSeconds * 1000);
    const common = { joinAt, download: params.peerDownload, upload: params.peerUpload };
    if (role === 'free rider')
      peers.push(swarm.addPeer({ ...common, role, config: { chokePolicy: freeRider } }));
    else if (role === 'strategic') {
      // Without choking nobody chokes, strategic peers included (they still keep twice the connections).
      const config = { chokePolicy: strategicPolicy, targetPeers: 40, maxPeers: 80 };
      peers.push(swarm.addPeer({ ...common, role, config }));
    } else if (mixed.length > 0) {
      const own = mixed[contributors++ % mixed.length];
      peers.push(
        swarm.addPeer({ ...common, role: `${role} (${own})`, config: { chokePolicy: candidate(own) } }),
      );
    } else peers.push(swarm.addPeer({ ...common, role }));
  }
  if (params.lingerSeconds >= 0) swarm.leaveWhenDone(peers, params.lingerSeconds * 1000);
  const bound = (size * params.fileBytes) / (params.seedUpload + size * params.peerUpload);
  swarm.runUntil((params.arrivalSeconds + bound * 10 + 600) * 1000, () => swarm.allDone(peers));
  return {
    policy,
    size,
    seed,
    peers: peers.map((p) => ({ role: p.role, bytesSent: p.host.bytesSent })),
    times: completionSeconds(peers).map((t) => t ?? null),
    endSeconds: swarm.now / 1000,
    received,
  };
}

/** Every run of the experiment (a policy at a size and a random seed), with its cache key, in the order run. */
function incentiveTasks(
  params: IncentivesParams,
  context: RunContext,
): Array<{ key: string; policy: string; size: number; seed: number; compute: () => Run }> {
  const seeds = params.seeds.length > 0 ? params.seeds : [params.seed];
  const sizes = [params.peers, ...(params.largePeers > 0 ? [params.largePeers] : [])];
  return sizes.flatMap((size) =>
    (size === params.peers ? params.policies : params.largePolicies).flatMap((policy) =>
      seeds.map((seed) => ({
        key: `incentives ${policy} ${size} ${seed} ${JSON.stringify(params)}`,
        policy,
        size,
        seed,
        compute: () => runOnce(params, policy, size, seed, context),
      })),
    ),
  );
}

/** Mean finish time of a class in a run (a peer that never finished counts as the end of the run). */
function classTimes(run: Run, role: string): number[] {
  return run.times.filter((_, i) => run.peers[i].role === role).map((t) => t ?? run.endSeconds);
}

/** Headline key of a policy: 'tit-for-tat' is 'tft', 'propshare+credit' 'propshareCredit'. */
function policyKey(policy: string): string {
  if (policy === 'tit-for-tat') return 'tft';
  if (policy === NO_CHOKING) return 'noChoke';
  return policy
    .replace(/^tit-for-tat/, 'tft')
    .split(/[^a-zA-Z0-9]+/)
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}

interface Cell {
  contributor: number;
  freeRider: number;
  strategic: number;
  freeRiderUpload: number;
  strategicUpload: number;
  contributorUpload: number;
}

export const incentives: Experiment<IncentivesParams> = {
  name: 'incentives',
  title: 'Incentives: contributors, free riders and strategic peers under each choke policy',
  defaults: {
    peers: 80,
    freeRiderShare: 0.25,
    strategicShare: 0.25,
    strategicUploadShare: 0.5,
    fileBytes: 1 * MiB,
    pieceLength: 16 * KiB,
    seedUpload: 32 * KiB,
    peerUpload: 16 * KiB,
    peerDownload: 64 * KiB,
    arrivalSeconds: 10,
    lingerSeconds: 0,
    seed: 4,
    largePeers: 500,
    // The seed policy too: its edge at 80 leechers is the one to check at 500.
    largePolicies: [...new Set(['tit-for-tat', DEFAULT_CHOKE_POLICY_NAME, 'tft+credit+forward'])],
    seeds: [4, 5, 6],
    policies: [...Object.keys(CHOKE_POLICIES), NO_CHOKING, MIXED],
  },
  small: {
    peers: 24,
    freeRiderShare: 0.25,
    strategicShare: 0.25,
    strategicUploadShare: 0.5,
    fileBytes: 512 * KiB,
    ...CAPACITIES,
    arrivalSeconds: 5,
    lingerSeconds: 0,
    seed: 4,
    largePeers: 0,
    largePolicies: [DEFAULT_CHOKE_POLICY_NAME],
    seeds: [4],
    policies: ['tit-for-tat', DEFAULT_CHOKE_POLICY_NAME, NO_CHOKING].filter(
      (p, i, all) => all.indexOf(p) === i,
    ),
  },
  tasks: (params, context) => incentiveTasks(params, context),
  run(params: IncentivesParams, context: RunContext): ExperimentResult {
    for (const key of ['freeRiderShare', 'strategicShare'] as const) {
      if (!(params[key] >= 0 && params[key] <= 1))
        throw new RangeError(`${key} must be in [0, 1], got ${params[key]}`);
    }
    if (params.freeRiderShare + params.strategicShare > 1)
      throw new RangeError('free riders and strategic peers exceed 100 %');
    if (!(params.strategicUploadShare > 0 && params.strategicUploadShare <= 1)) {
      throw new RangeError(`strategicUploadShare must be in (0, 1], got ${params.strategicUploadShare}`);
    }
    for (const policy of [...params.policies, ...params.largePolicies])
      if (policy !== MIXED) candidate(policy);
    const seeds = params.seeds.length > 0 ? params.seeds : [params.seed];
    const sizes = [params.peers, ...(params.largePeers > 0 ? [params.largePeers] : [])];
    const single = [...new Set([...params.policies, ...params.largePolicies])].filter((p) => p !== MIXED);
    const runs: Run[] = [];
    const cells = new Map<string, Cell>(); // `${policy}@${size}`: means over the seeds
    const cell = (policy: string, size: number): Cell | undefined => {
      const these = runs.filter((r) => r.policy === policy && r.size === size);
      if (these.length === 0) return undefined;
      const per = these.map((run) => {
        const c = mean(classTimes(run, 'contributor'));
        const upload = (role: Role) =>
          mean(run.peers.filter((p) => p.role === role).map((p) => p.bytesSent / params.fileBytes));
        return {
          contributor: c,
          freeRider: mean(classTimes(run, 'free rider')) / c,
          strategic: mean(classTimes(run, 'strategic')) / c,
          freeRiderUpload: upload('free rider'),
          strategicUpload: upload('strategic'),
          contributorUpload: upload('contributor'),
        };
      });
      const avg = (f: (x: Cell) => number) => mean(per.map(f));
      return {
        contributor: avg((x) => x.contributor),
        freeRider: avg((x) => x.freeRider),
        strategic: avg((x) => x.strategic),
        freeRiderUpload: avg((x) => x.freeRiderUpload),
        strategicUpload: avg((x) => x.strategicUpload),
        contributorUpload: avg((x) => x.contributorUpload),
      };
    };
    const curves = (run: Run, id: string): Figure => {
      const roles = [...new Set(run.peers.map((p) => p.role))].sort();
      return {
        id,
        title: `Peers finished over time, ${run.policy} (${run.size} leechers, seed ${run.seed})`,
        xLabel: 'time (s)',
        yLabel: 'fraction of the class complete',
        series: roles.map((role): Series => ({
          name: role,
          points: completionCurve(
            run.times.filter((_, i) => run.peers[i].role === role).map((t) => t ?? undefined),
          ),
        })),
      };
    };
    const ratioFigure = (size: number): Figure => {
      const policies = single.filter((p) => cells.has(`${p}@${size}`));
      const at = (f: (c: Cell) => number) =>
        policies.map((p, i): [number, number] => [i + 1, round(f(cells.get(`${p}@${size}`)!), 3)]);
      const line = (y: number): Array<[number, number]> => [
        [1, y],
        [Math.max(1, policies.length), y],
      ];
      return {
        id: `incentives-ratios-${size}`,
        title: `Finish time over contributors', ${size} leechers (${policies.map((p, i) => `${i + 1} ${p}`).join(', ')})`,
        xLabel: 'policy',
        yLabel: 'mean finish time / contributors’',
        series: [
          { name: 'free riders', points: at((c) => c.freeRider) },
          { name: 'strategic', points: at((c) => c.strategic) },
          { name: 'goal for free riders (1.5)', points: line(1.5), dashed: true, color: 0 },
          { name: 'goal for strategic (1.0)', points: line(1), dashed: true, color: 1 },
        ],
      };
    };
    const figures = (): Figure[] => {
      const out: Figure[] = [];
      const first = (policy: string) => runs.find((r) => r.policy === policy && r.size === params.peers);
      for (const policy of params.policies) {
        const run = first(policy);
        if (run) out.push(curves(run, `incentives-${policy.replace(/[^a-z0-9]+/gi, '-')}`));
      }
      for (const size of sizes)
        if (single.some((p) => cells.has(`${p}@${size}`))) out.push(ratioFigure(size));
      return out;
    };
    const tasks = incentiveTasks(params, context);
    for (const size of sizes) {
      for (const policy of size === params.peers ? params.policies : params.largePolicies) {
        for (const task of tasks.filter((t) => t.policy === policy && t.size === size)) {
          // The CLI's other processes may have run it already (`RunContext.memo`): runs are deterministic.
          runs.push(context.memo ? context.memo(task.key, task.compute) : task.compute());
          context.progress?.(figures(), `${policy}, ${size} leechers, seed ${task.seed}`);
        }
        const c = cell(policy, size);
        if (c && policy !== MIXED) cells.set(`${policy}@${size}`, c);
        context.progress?.(figures(), `${policy}, ${size} leechers`);
      }
    }
    const headline: Record<string, number | string> = { defaultPolicy: DEFAULT_CHOKE_POLICY_NAME };
    const rows: Array<Array<string | number>> = [];
    for (const size of sizes) {
      for (const policy of single) {
        const c = cells.get(`${policy}@${size}`);
        if (!c) continue;
        const suffix = size === params.peers ? '' : `At${size}`;
        const names =
          policy === DEFAULT_CHOKE_POLICY_NAME ? [policyKey(policy), 'default'] : [policyKey(policy)];
        for (const key of names) {
          headline[`${key}ContributorSeconds${suffix}`] = round(c.contributor, 1);
          headline[`${key}FreeRiderVsContributor${suffix}`] = round(c.freeRider, 3);
          headline[`${key}StrategicVsContributor${suffix}`] = round(c.strategic, 3);
        }
        rows.push([
          size,
          policy,
          round(c.contributor, 1),
          round(c.freeRider, 2),
          round(c.strategic, 2),
          round(c.contributorUpload, 2),
          round(c.freeRiderUpload, 2),
          round(c.strategicUpload, 2),
        ]);
      }
    }
    const mixedRows: Array<Array<string | number>> = [];
    for (const size of sizes) {
      const these = runs.filter((r) => r.policy === MIXED && r.size === size);
      if (these.length === 0) continue;
      const roles = [...new Set(these.flatMap((r) => r.peers.map((p) => p.role)))].sort();
      for (const role of roles) {
        const times = these.map((r) => mean(classTimes(r, role)));
        const upload = these.map((r) =>
          mean(r.peers.filter((p) => p.role === role).map((p) => p.bytesSent / params.fileBytes)),
        );
        mixedRows.push([size, role, round(mean(times), 1), round(mean(upload), 2)]);
      }
    }
    // Where each class's piece bytes came from, in copies of the file per peer of the class (means over the seeds).
    const sourceRows: Array<Array<string | number>> = [];
    for (const policy of single) {
      const these = runs.filter((r) => r.policy === policy && r.size === params.peers);
      if (these.length === 0) continue;
      for (const to of ['contributor', 'free rider', 'strategic']) {
        const from = (sender: string) =>
          mean(
            these.map((r) => {
              const count = r.peers.filter((p) => p.role === to).length;
              return (r.received[`${sender}>${to}`] ?? 0) / params.fileBytes / Math.max(1, count);
            }),
          );
        sourceRows.push([
          policy,
          to,
          ...['seed', 'contributor', 'strategic', 'free rider'].map((s) => round(from(s), 2)),
        ]);
      }
    }
    const summary = [
      `${sizes.join(' and ')} leechers (${round(params.freeRiderShare * 100)} % free riders, ${round(params.strategicShare * 100)} % strategic) and one seed; ` +
        `file ${bytes(params.fileBytes)}; seed ${rate(params.seedUpload)}, peers ${rate(params.peerUpload)} up / ${rate(params.peerDownload)} down; ` +
        `random seeds ${seeds.join(', ')} (figures are means over them). Contributors and the seed run the policy; ` +
        `strategic peers (BitTyrant-like) keep twice the connections, unchoke only peers that reciprocate and give each just above what it gives them (${round(params.strategicUploadShare * 100)} % of a contributor's per-slot rate to a peer that gives nothing yet). ` +
        `Finished leechers ${params.lingerSeconds < 0 ? 'stay and seed to the end' : `seed ${params.lingerSeconds} s more, then leave`}. ` +
        `Times of peers that never finished count as the end of the run. The engine's default is ${DEFAULT_CHOKE_POLICY_NAME}.`,
      '',
      table(
        [
          'leechers',
          'policy',
          'contributors (s)',
          'free riders / contributors',
          'strategic / contributors',
          'uploaded: contributors',
          'free riders',
          'strategic (copies)',
        ],
        rows,
      ),
      ...(sourceRows.length > 0
        ? [
            '',
            `Where the piece bytes came from, ${params.peers} leechers: copies of the file received per peer of the class, by sender.`,
            '',
            table(
              ['policy', 'class', 'from the seed', 'from contributors', 'from strategic', 'from free riders'],
              sourceRows,
            ),
          ]
        : []),
      ...(mixedRows.length > 0
        ? [
            '',
            'Mixed: the candidates share the contributors of one swarm.',
            '',
            table(['leechers', 'class', 'mean finish (s)', 'uploaded (copies)'], mixedRows),
          ]
        : []),
    ].join('\n');
    return { experiment: 'incentives', params: { ...params }, figures: figures(), headline, summary };
  },
};
