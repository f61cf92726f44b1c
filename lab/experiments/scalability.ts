// Experiment 1 (seeds 001 and 003): the time for N peers to all have the file, when only the original seed uploads
// (client-server) and when every peer uploads too (the swarm), against the bounds of seed 001. One run is in
// scalability-run.ts, what the runs give in scalability-report.ts.
import type { Experiment, ExperimentResult, RunContext } from './types';
import { CAPACITIES, KiB, MiB } from './common';
import { runOnce, type Row, type ScalabilityParams } from './scalability-run';
import { scalabilityFigures, scalabilityReport } from './scalability-report';

export type { ScalabilityParams };

export const scalability: Experiment<ScalabilityParams> = {
  name: 'scalability',
  title: 'Scalability: distribution time against N, client-server and swarm, with the bounds',
  defaults: {
    peers: [1, 2, 5, 10, 20, 50, 100, 200, 1000],
    fileBytes: 1 * MiB,
    ...CAPACITIES,
    latencyMs: 25,
    clientServerMaxPeers: 1000,
    superSeed: false,
    seed: 1,
  },
  small: {
    peers: [1, 2, 5, 10, 20, 40],
    fileBytes: 512 * KiB,
    ...CAPACITIES,
    latencyMs: 25,
    clientServerMaxPeers: 40,
    superSeed: false,
    seed: 1,
  },
  run(params: ScalabilityParams, context: RunContext): ExperimentResult {
    const rows: Row[] = [];
    for (const n of params.peers) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`peer counts must be integers >= 1, got ${n}`);
      rows.push(runOnce(params, n, 'swarm', context));
      context.progress?.(scalabilityFigures(rows), `swarm N=${n}`);
      if (n <= params.clientServerMaxPeers) {
        rows.push(runOnce(params, n, 'client-server', context));
        context.progress?.(scalabilityFigures(rows), `client-server N=${n}`);
      }
    }
    const { headline, summary } = scalabilityReport(params, rows);
    return {
      experiment: 'scalability',
      params: { ...params },
      figures: scalabilityFigures(rows),
      headline,
      summary,
    };
  },
};
