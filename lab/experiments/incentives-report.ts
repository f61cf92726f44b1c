// What the incentives experiment reports from its runs (lab/experiments/incentives-run.ts): each class's finish time
// over the contributors', per policy and size (means over the random seeds); the figures, the headline figures and
// the summary's tables.
import { DEFAULT_CHOKE_POLICY_NAME } from '../../shared/engine/choke/policies';
import type { Figure, Headline, Series } from './types';
import { bytes, completionCurve, mean, rate, round, table } from './common';
import { MIXED, NO_CHOKING, seedsAndSizes } from './incentives-run';
import type { IncentivesParams, Role, Run } from './incentives-run';

/** A policy at a size: the classes' finish times over the contributors' and their uploads, means over the seeds. */
export interface Cell {
  contributor: number;
  freeRider: number;
  strategic: number;
  freeRiderUpload: number;
  strategicUpload: number;
  contributorUpload: number;
}

/** The runs so far and the cells they give, by `${policy}@${size}`. */
export interface Tally {
  runs: Run[];
  cells: Map<string, Cell>;
}

type Rows = Array<Array<string | number>>;

/** The policies other than 'mixed', in order, each once. */
export function singlePolicies(params: IncentivesParams): string[] {
  return [...new Set([...params.policies, ...params.largePolicies])].filter((p) => p !== MIXED);
}

/** Mean finish time of a class in a run (a peer that never finished counts as the end of the run). */
function classTimes(run: Run, role: string): number[] {
  return run.times.filter((_, i) => run.peers[i].role === role).map((t) => t ?? run.endSeconds);
}

/** Mean upload of a class in a run, in copies of the file. */
function classUpload(run: Run, role: string, fileBytes: number): number {
  return mean(run.peers.filter((p) => p.role === role).map((p) => p.bytesSent / fileBytes));
}

/** The cell of a policy at a size, from its runs (undefined: none yet). */
export function cellOf(
  runs: Run[],
  params: IncentivesParams,
  policy: string,
  size: number,
): Cell | undefined {
  const these = runs.filter((r) => r.policy === policy && r.size === size);
  if (these.length === 0) return undefined;
  const per = these.map((run): Cell => {
    const c = mean(classTimes(run, 'contributor'));
    const upload = (role: Role) => classUpload(run, role, params.fileBytes);
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

/** Each class's share of peers finished over time in one run. */
function curves(run: Run, id: string): Figure {
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
}

/** Free riders' and strategic peers' finish times over the contributors', per policy, at one size. */
function ratioFigure(cells: Map<string, Cell>, single: string[], size: number): Figure {
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
}

/** The figures so far: each policy's first run at the first size, then the ratios at each size with a cell. */
export function incentiveFigures(params: IncentivesParams, { runs, cells }: Tally): Figure[] {
  const out: Figure[] = [];
  const single = singlePolicies(params);
  const first = (policy: string) => runs.find((r) => r.policy === policy && r.size === params.peers);
  for (const policy of params.policies) {
    const run = first(policy);
    if (run) out.push(curves(run, `incentives-${policy.replace(/[^a-z0-9]+/gi, '-')}`));
  }
  for (const size of seedsAndSizes(params).sizes)
    if (single.some((p) => cells.has(`${p}@${size}`))) out.push(ratioFigure(cells, single, size));
  return out;
}

/** The headline figures and the main table's rows: every single policy at every size with a cell. */
function headlineAndRows(
  params: IncentivesParams,
  cells: Map<string, Cell>,
): { headline: Headline; rows: Rows } {
  const headline: Headline = { defaultPolicy: DEFAULT_CHOKE_POLICY_NAME };
  const rows: Rows = [];
  for (const size of seedsAndSizes(params).sizes) {
    for (const policy of singlePolicies(params)) {
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
  return { headline, rows };
}

/** The mixed runs' classes (each candidate's contributors apart): mean finish and upload, per size. */
function mixedRows(params: IncentivesParams, runs: Run[]): Rows {
  const rows: Rows = [];
  for (const size of seedsAndSizes(params).sizes) {
    const these = runs.filter((r) => r.policy === MIXED && r.size === size);
    if (these.length === 0) continue;
    const roles = [...new Set(these.flatMap((r) => r.peers.map((p) => p.role)))].sort();
    for (const role of roles) {
      const times = these.map((r) => mean(classTimes(r, role)));
      const upload = these.map((r) => classUpload(r, role, params.fileBytes));
      rows.push([size, role, round(mean(times), 1), round(mean(upload), 2)]);
    }
  }
  return rows;
}

/** Where each class's piece bytes came from, in copies of the file per peer of the class (means over the seeds). */
function sourceRows(params: IncentivesParams, runs: Run[]): Rows {
  const rows: Rows = [];
  for (const policy of singlePolicies(params)) {
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
      rows.push([
        policy,
        to,
        ...['seed', 'contributor', 'strategic', 'free rider'].map((s) => round(from(s), 2)),
      ]);
    }
  }
  return rows;
}

/** The summary's first paragraph: the swarm, its classes and how they play. */
function setting(params: IncentivesParams): string {
  const { seeds, sizes } = seedsAndSizes(params);
  return (
    `${sizes.join(' and ')} leechers (${round(params.freeRiderShare * 100)} % free riders, ${round(params.strategicShare * 100)} % strategic) and one seed; ` +
    `file ${bytes(params.fileBytes)}; seed ${rate(params.seedUpload)}, peers ${rate(params.peerUpload)} up / ${rate(params.peerDownload)} down; ` +
    `random seeds ${seeds.join(', ')} (figures are means over them). Contributors and the seed run the policy; ` +
    `strategic peers (BitTyrant-like) keep twice the connections, unchoke only peers that reciprocate and give each just above what it gives them (${round(params.strategicUploadShare * 100)} % of a contributor's per-slot rate to a peer that gives nothing yet). ` +
    `Finished leechers ${params.lingerSeconds < 0 ? 'stay and seed to the end' : `seed ${params.lingerSeconds} s more, then leave`}. ` +
    `Times of peers that never finished count as the end of the run. The engine's default is ${DEFAULT_CHOKE_POLICY_NAME}.`
  );
}

/** The headline figures and the summary (Markdown) of the whole tally. */
export function incentiveReport(
  params: IncentivesParams,
  { runs, cells }: Tally,
): { headline: Headline; summary: string } {
  const { headline, rows } = headlineAndRows(params, cells);
  const sources = sourceRows(params, runs);
  const mixed = mixedRows(params, runs);
  const summary = [
    setting(params),
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
    ...(sources.length > 0
      ? [
          '',
          `Where the piece bytes came from, ${params.peers} leechers: copies of the file received per peer of the class, by sender.`,
          '',
          table(
            ['policy', 'class', 'from the seed', 'from contributors', 'from strategic', 'from free riders'],
            sources,
          ),
        ]
      : []),
    ...(mixed.length > 0
      ? [
          '',
          'Mixed: the candidates share the contributors of one swarm.',
          '',
          table(['leechers', 'class', 'mean finish (s)', 'uploaded (copies)'], mixed),
        ]
      : []),
  ].join('\n');
  return { headline, summary };
}
