// The shape the `wan-swarm` bench had (docs/decisions/0003-swarm-on-emulated-paths.md) in the lab alone, no browser
// (lab/network-shape.ts): one seed and 8 peers, round trips from 20 to 200 ms and uplinks from 2 to 20 Mbit/s
// (downlinks 10x), half-second queues; the time until every peer is done against seed 001's P2P bound, and the share
// of its rate the seed's uplink carried in each 10 s, for one or more of the lab's random seeds. A few seconds a run;
// what docs/lab.md's figures for the shape with its queues come from.
// `--wan-swarm-rate=P` scales every rate to P % (100), `--wan-swarm-mib=N` sets the file (64 MiB).
// `--timeline` adds where the time went (lab/shape-timeline.ts): each uplink's use per 10 s and why it idled, where
// each peer's bytes came from, how long a piece took to spread (a run then takes about three times as long).
// `--lab-policy=NAME` runs every peer under one of the engine's choke policies (shared/engine/choke/policies.ts).
//   npx tsx lab/shape-run.ts --wan-swarm-rate=25 --wan-swarm-mib=16 --lab-seeds=1,2,3 [--timeline]
import { createHash } from 'node:crypto';
import { predictSwarm, shapeBounds, type ShapedPeer, type SwarmShape } from './network-shape';
import { formatTimeline, ShapeTimeline } from './shape-timeline';
import { choosePieceLength } from '../shared/codec/metainfo';
import { CHOKE_POLICIES, type ChokePolicyName } from '../shared/engine/choke/policies';
import { parseArgs } from './options';

const MiB = 1024 * 1024;
const TABS = 8;
/** A home router's queue: half a second at the link's rate. */
const QUEUE_MS = 500;
const SAMPLE_MS = 10_000;
const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest());

/** `count` values from `low` to `high`, evenly spread on a log scale (the ends included), rounded to `digits`. */
function logSpread(low: number, high: number, count: number, digits = 1): number[] {
  const factor = 10 ** digits;
  return Array.from(
    { length: count },
    (_, i) => Math.round(low * (high / low) ** (i / (count - 1)) * factor) / factor,
  );
}

/** The nine peers: round trips spread over all of them, the middle one to the seed (as fast as the fastest tab, so
 * the tabs' uplinks set the bound); tab i taking the round trip (3 i mod 8) of the eight left, so that neither fast
 * uplinks nor short round trips bunch together. `ratePercent` scales every rate. */
function swarmPeers(ratePercent: number): ShapedPeer[] {
  const scale = ratePercent / 100;
  const rtts = logSpread(20, 200, TABS + 1, 0);
  const middle = TABS / 2;
  const left = rtts.filter((_, i) => i !== middle);
  const peer = (name: string, rttMs: number, upMbit: number): ShapedPeer => ({
    name,
    rttMs,
    queueMs: QUEUE_MS,
    upMbit: upMbit * scale,
    downMbit: upMbit * 10 * scale,
  });
  return [
    { ...peer('seed', rtts[middle], 20), seed: true },
    ...logSpread(2, 20, TABS).map((up, i) => peer(`tab ${i + 1}`, left[(3 * i) % TABS], up)),
  ];
}

const { options } = parseArgs(process.argv.slice(2));
const option = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
const ratePercent = Number(option('wan-swarm-rate') ?? 100);
const fileBytes = Number(option('wan-swarm-mib') ?? 64) * MiB;
const shape: SwarmShape = {
  peers: swarmPeers(ratePercent),
  fileBytes,
  pieceBytes: choosePieceLength(fileBytes),
};
const seeds = (option('lab-seeds') ?? '1').split(',').map(Number);
const policyName = option('lab-policy');
if (policyName !== undefined && !(policyName in CHOKE_POLICIES))
  throw new Error(`no choke policy ${policyName}`);
const config = policyName ? { chokePolicy: CHOKE_POLICIES[policyName as ChokePolicyName] } : undefined;
const bound = shapeBounds(shape).p2p;
for (const seed of seeds) {
  const shares: number[] = [];
  const timeline = options.timeline ? new ShapeTimeline() : undefined;
  const prediction = predictSwarm(shape, {
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
    `rate ${ratePercent} %, seed ${seed}: all done ${last}${ratio} (${bound.toFixed(1)} s); seed's uplink % per 10 s: ${uplink}`,
  );
  if (timeline) console.log(formatTimeline(timeline.report()).join('\n'));
}
