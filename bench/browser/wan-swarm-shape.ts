// The shape of the `wan-swarm` bench (docs/performance.md, "A swarm on real network paths"): one seed and 8
// downloading tabs, each in its own emulated node, round trips from 20 to 200 ms and uplinks from 2 to 20 Mbit/s
// (downlinks 10x), spread over the nodes by a fixed rule; and what its flags make of it.
import type { NodeSpec, QueueSpec } from '../../netem';
import type { ShapedPeer, SwarmShape } from '../../lab/network-shape';
import { choosePieceLength } from '../../shared/codec/metainfo';
import { countFlag } from '../lib/flags';

const MiB = 1024 * 1024;

export const TABS = 8;
const MIN_RTT_MS = 20;
const MAX_RTT_MS = 200;
const MIN_UP_MBIT = 2;
const MAX_UP_MBIT = 20;
const DOWN_PER_UP = 10;
/** The seed uploads as fast as the fastest tab: the swarm's uplinks, not the seed's, set the bound. */
const SEED_UP_MBIT = MAX_UP_MBIT;
/** A home router's queue: half a second at the link's rate. */
const QUEUE_MS = 500;
export const QUEUE: QueueSpec = { ms: QUEUE_MS };
/** The tracker (and the pages' server): 50 ms away, no rate limit of its own. */
export const TRACKER_RTT_MS = 50;

/** `count` values from `low` to `high`, evenly spread on a log scale (the ends included), rounded to `digits`. */
export function logSpread(low: number, high: number, count: number, digits = 1): number[] {
  const factor = 10 ** digits;
  return Array.from(
    { length: count },
    (_, i) => Math.round(low * (high / low) ** (i / (count - 1)) * factor) / factor,
  );
}

/**
 * The nine nodes: round trips spread over all of them, the middle one to the seed; the tabs' uplinks spread from
 * 2 to 20 Mbit/s, tab i (from 0) taking the round trip (3 i mod 8) of the eight left, so that neither fast uplinks
 * nor short round trips bunch together. `ratePercent` scales every rate (100: the issue's).
 */
export function swarmPeers(ratePercent = 100): ShapedPeer[] {
  const scale = ratePercent / 100;
  const rtts = logSpread(MIN_RTT_MS, MAX_RTT_MS, TABS + 1, 0);
  const middle = TABS / 2;
  const left = rtts.filter((_, i) => i !== middle);
  const ups = logSpread(MIN_UP_MBIT, MAX_UP_MBIT, TABS);
  const peer = (name: string, rttMs: number, upMbit: number): ShapedPeer => ({
    name,
    rttMs,
    queueMs: QUEUE_MS,
    upMbit: upMbit * scale,
    downMbit: upMbit * DOWN_PER_UP * scale,
  });
  return [
    { ...peer('seed', rtts[middle], SEED_UP_MBIT), seed: true },
    ...ups.map((up, i) => peer(`tab ${i + 1}`, left[(3 * i) % TABS], up)),
  ];
}

/** A peer's node: a quarter of its round trip on each access link, its rates, the queue in front of each. */
export function nodeOf(peer: ShapedPeer): NodeSpec {
  const delayMs = peer.rttMs / 4;
  return {
    name: peer.name,
    up: { delayMs, rateMbit: peer.upMbit, queue: QUEUE },
    down: { delayMs, rateMbit: peer.downMbit, queue: QUEUE },
  };
}

/** The `Upload limit` (KiB/s, 0 for none) a downloading tab on `peer`'s uplink sets under `plan`. */
export function uploadLimitKib(plan: WanSwarmPlan, peer: ShapedPeer): number {
  if (plan.uploadLimitPercent === 0) return 0;
  return Math.max(1, Math.round((peer.upMbit * 1e6 * plan.uploadLimitPercent) / 100 / 8 / 1024));
}

/** The tracker's node, unlimited. */
export function trackerNode(): NodeSpec {
  const delayMs = TRACKER_RTT_MS / 4;
  return { name: 'tracker', up: { delayMs }, down: { delayMs } };
}

export interface WanSwarmPlan {
  shape: SwarmShape;
  runs: number;
  ratePercent: number;
  /** Each downloading tab's `Upload limit` at this share of its uplink's rate, in per cent (0: none). */
  uploadLimitPercent: number;
  /** Log what each tab's data channels carry and hold (wan-swarm-transport.ts). */
  transport: boolean;
}

/** 64 MiB at the rates: the bound about 50 s, five of the engine's choke rounds, as 16 MiB at a quarter of
 * them (the start, over paths up to 200 ms, the same share of it). */
export const DEFAULT_MIB = 64;
/** The rates (2 to 20 Mbit/s up). On two cores nine Chromiums cannot carry them (docs/performance.md):
 * `--wan-swarm-rate=25` scales every rate to a quarter, where the engine rather than the CPU sets the pace sooner. */
export const DEFAULT_RATE_PERCENT = 100;
const TINY_MIB = 4;

/**
 * `--wan-swarm-mib=N` sets the file (64 MiB), `--wan-swarm-runs=N` the runs (3; the figure is the median run),
 * `--wan-swarm-rate=P` every rate at P % of the (100); `--wan-swarm-upload-limit=P` sets each downloading
 * tab's `Upload limit` to P % of its uplink's rate (none by default: an experiment on what a full uplink costs the
 * tab's own download); `--wan-swarm-transport` logs what each tab's data channels carry and hold (a diagnosis);
 * `--tiny`: 4 MiB, one run, a smoke.
 */
export function wanSwarmPlan(flags: Set<string>): WanSwarmPlan {
  const tiny = flags.has('--tiny');
  const mib = countFlag(flags, 'wan-swarm-mib', tiny ? TINY_MIB : DEFAULT_MIB);
  const runs = countFlag(flags, 'wan-swarm-runs', tiny ? 1 : 3);
  const ratePercent = countFlag(flags, 'wan-swarm-rate', DEFAULT_RATE_PERCENT);
  const fileBytes = mib * MiB;
  return {
    shape: { peers: swarmPeers(ratePercent), fileBytes, pieceBytes: choosePieceLength(fileBytes) },
    runs,
    ratePercent,
    uploadLimitPercent: countFlag(flags, 'wan-swarm-upload-limit', 0),
    transport: flags.has('--wan-swarm-transport'),
  };
}

/** How the figures name the shape, e.g. "1 seed + 8 tabs, 64 MiB, 20-200 ms, 2-20 Mbit/s up". */
export function shapeLabel(plan: WanSwarmPlan): string {
  const tabs = plan.shape.peers.filter((peer) => !peer.seed);
  const ups = tabs.map((peer) => peer.upMbit);
  const rtts = plan.shape.peers.map((peer) => peer.rttMs);
  const mbit = (value: number) => Number(value.toFixed(1));
  return (
    `1 seed + ${tabs.length} tabs, ${plan.shape.fileBytes / MiB} MiB, ${Math.min(...rtts)}-${Math.max(...rtts)} ms, ` +
    `${mbit(Math.min(...ups))}-${mbit(Math.max(...ups))} Mbit/s up`
  );
}
