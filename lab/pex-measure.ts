// Measures peer exchange in the lab (lab/experiments/pex-run.ts): the same swarm and seed with the tracker up and with
// it failing 10 s after the start, handing out as many peers as asked or one an announce; prints one JSON row each. `npx tsx lab/pex-measure.ts [peers] [seed] [goal|gone]`.
import { createHash } from 'node:crypto';
import { PEX_DEFAULTS, runPex } from './experiments/pex-run';

const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest());
const peers = Number(process.argv[2] ?? PEX_DEFAULTS.peers);
const seed = Number(process.argv[3] ?? PEX_DEFAULTS.seed);
const params = { ...PEX_DEFAULTS, peers, seed };
const dies = PEX_DEFAULTS.trackerDiesAtMs;
// The tracker up is said outright: the defaults have it fail.
const up = { trackerDiesAtMs: undefined };
const runs = [
  up,
  { trackerDiesAtMs: dies },
  { ...up, trackerOffers: 1 },
  { trackerDiesAtMs: dies, trackerOffers: 1 },
];
// `goal`: only the two runs the goal compares (tracker up, tracker gone at 10 s); `gone`: only the second of them.
const chosen = { goal: runs.slice(0, 2), gone: runs.slice(1, 2) }[process.argv[4] ?? ''] ?? runs;
for (const run of chosen) {
  const started = Date.now();
  const row = runPex({ ...params, ...run }, sha1);
  console.log(JSON.stringify({ ...row, wallSeconds: (Date.now() - started) / 1000 }));
}
