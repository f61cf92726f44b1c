// The `wan-swarm` shape in the lab alone, no browser (lab/network-shape.ts): the time until every peer is done
// against seed 001's P2P bound, and the share of its rate the seed's uplink carried in each 10 s, for one or more of
// the lab's random seeds. A few seconds a run; what docs/lab.md's figures for the shape with its queues come from.
// `--timeline` adds where the time went (lab/shape-timeline.ts): each uplink's use per 10 s and why it idled, where
// each peer's bytes came from, how long a piece took to spread (a run then takes about three times as long).
// `--lab-policy=NAME` runs every peer under one of the engine's choke policies (shared/engine/choke/policies.ts).
//   npx tsx bench/browser/wan-swarm-lab.ts --wan-swarm-rate=25 --wan-swarm-mib=16 --lab-seeds=1,2,3 [--timeline]
import { createHash } from 'node:crypto';
import { predictSwarm, shapeBounds } from '../../lab/network-shape';
import { formatTimeline, ShapeTimeline } from '../../lab/shape-timeline';
import { CHOKE_POLICIES, type ChokePolicyName } from '../../shared/engine/choke/policies';
import { wanSwarmPlan } from './wan-swarm-shape';

const SAMPLE_MS = 10_000;
const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest());

const flags = new Set(process.argv.slice(2));
const plan = wanSwarmPlan(flags);
const seedsFlag = [...flags].find((flag) => flag.startsWith('--lab-seeds='));
const seeds = (seedsFlag?.slice('--lab-seeds='.length) ?? '1').split(',').map(Number);
const policyFlag = [...flags].find((flag) => flag.startsWith('--lab-policy='));
const policyName = policyFlag?.slice('--lab-policy='.length);
if (policyName !== undefined && !(policyName in CHOKE_POLICIES))
  throw new Error(`no choke policy ${policyName}`);
const config = policyName ? { chokePolicy: CHOKE_POLICIES[policyName as ChokePolicyName] } : undefined;
const bound = shapeBounds(plan.shape).p2p;
for (const seed of seeds) {
  const shares: number[] = [];
  const timeline = flags.has('--timeline') ? new ShapeTimeline() : undefined;
  const prediction = predictSwarm(plan.shape, {
    hash: sha1,
    seed,
    config,
    onDeliver: timeline && ((to, from, data) => timeline.delivered(to, from, data)),
    observe: (swarm) => {
      timeline?.observe(swarm);
      let before = 0;
      swarm.every(SAMPLE_MS, () => {
        const host = swarm.peers[0].host;
        if (swarm.now > 0) shares.push((host.bytesSent - before) / ((host.upload * SAMPLE_MS) / 1000));
        before = host.bytesSent;
      });
    },
  });
  const last = prediction.last === null ? 'not done' : `${prediction.last.toFixed(1)} s`;
  const ratio = prediction.last === null ? '' : `, ${(prediction.last / bound).toFixed(2)}x the bound`;
  const uplink = shares.map((share) => `${Math.round(share * 100)}`).join(' ');
  console.log(
    `rate ${plan.ratePercent} %, seed ${seed}: all done ${last}${ratio} (${bound.toFixed(1)} s); seed's uplink % per 10 s: ${uplink}`,
  );
  if (timeline) console.log(formatTimeline(timeline.report()).join('\n'));
}
