// One run of the incentives experiment (lab/experiments/incentives.ts): a swarm of contributors, free riders and
// strategic peers under one choke policy, at one size and random seed, and its outcome as plain data.
//
// A strategic peer is BitTyrant-like (lab/sim/strategy.ts): it keeps twice the connections, unchokes only peers that
// reciprocate (plus the optimistic one) and caps its upload to each at just above what that peer gives it, through
// the engine's `choker` hook; a peer that gives nothing yet is offered `strategicUploadShare` of a contributor's
// per-slot rate.
import { freeRider, noChoking, strategicChoker } from '../sim/strategy';
import { LabSwarm } from '../sim/swarm';
import type { LabPeer, PeerSpec } from '../sim/swarm';
import { DEFAULT_CONFIG } from '../../shared/engine/session/session';
import type { ChokePolicy } from '../../shared/engine/choke/choker';
import { CHOKE_POLICIES, DEFAULT_CHOKE_POLICY_NAME } from '../../shared/engine/choke/policies';
import type { ChokePolicyName } from '../../shared/engine/choke/policies';
import type { RunContext } from './types';
import type { SwarmParams } from './common';
import { addOriginalSeed, completionSeconds, labTorrent } from './common';

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
  /** The candidate policies (names in shared/engine/choke/policies.ts), 'no choking', and 'mixed' (the candidates
   * share the contributors of one swarm). */
  policies: string[];
}

export type Role = 'contributor' | 'free rider' | 'strategic';
export const NO_CHOKING = 'no choking';
export const MIXED = 'mixed';

/** One run's outcome, plain data (a run cache may keep it as JSON). */
export interface Run {
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

/** The choke policy of a name: one of the engine's, or no choking; throws on an unknown name. */
export function candidate(name: string): ChokePolicy {
  if (name === NO_CHOKING) return noChoking;
  if (!(name in CHOKE_POLICIES))
    throw new Error(
      `unknown policy "${name}"; known: ${[...Object.keys(CHOKE_POLICIES), NO_CHOKING, MIXED].join(', ')}`,
    );
  return CHOKE_POLICIES[name as ChokePolicyName];
}

/** The leechers' classes in arrival order, interleaved (a shuffle on the swarm's random) so none arrives first. */
function arrivalOrder(params: IncentivesParams, size: number, swarm: LabSwarm): Role[] {
  const freeRiders = Math.round(size * params.freeRiderShare);
  const strategic = Math.round(size * params.strategicShare);
  const order: Role[] = [];
  for (let i = 0; i < size; i++) {
    order.push(i < freeRiders ? 'free rider' : i < freeRiders + strategic ? 'strategic' : 'contributor');
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(swarm.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Adds the leechers in arrival order, each class with its choke policy; a mixed run deals the candidates out to
 * the contributors in turn. */
function addLeechers(params: IncentivesParams, policy: string, size: number, swarm: LabSwarm): LabPeer[] {
  const mixed = policy === MIXED ? params.policies.filter((p) => p !== MIXED && p !== NO_CHOKING) : [];
  // Without choking nobody chokes, strategic peers included (they still keep twice the connections).
  const strategicPolicy =
    policy === NO_CHOKING ? noChoking : strategicChoker({ probeRate: probeRate(params) });
  let contributors = 0;
  const spec = (role: Role, common: PeerSpec): PeerSpec => {
    if (role === 'free rider') return { ...common, role, config: { chokePolicy: freeRider } };
    if (role === 'strategic')
      return { ...common, role, config: { chokePolicy: strategicPolicy, targetPeers: 40, maxPeers: 80 } };
    if (mixed.length === 0) return { ...common, role };
    const own = mixed[contributors++ % mixed.length];
    return { ...common, role: `${role} (${own})`, config: { chokePolicy: candidate(own) } };
  };
  return arrivalOrder(params, size, swarm).map((role) => {
    const joinAt = Math.floor(swarm.random() * params.arrivalSeconds * 1000);
    return swarm.addPeer(spec(role, { joinAt, download: params.peerDownload, upload: params.peerUpload }));
  });
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
  const peers = addLeechers(params, policy, size, swarm);
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

/** The random seeds and the swarm sizes the experiment runs. */
export function seedsAndSizes(params: IncentivesParams): { seeds: number[]; sizes: number[] } {
  return {
    seeds: params.seeds.length > 0 ? params.seeds : [params.seed],
    sizes: [params.peers, ...(params.largePeers > 0 ? [params.largePeers] : [])],
  };
}

/** The policies run at a size: the candidates at the first, `largePolicies` at the larger. */
export function policiesAt(params: IncentivesParams, size: number): string[] {
  return size === params.peers ? params.policies : params.largePolicies;
}

/** Every run of the experiment (a policy at a size and a random seed), with its cache key, in the order run. */
export function incentiveTasks(
  params: IncentivesParams,
  context: RunContext,
): Array<{ key: string; policy: string; size: number; seed: number; compute: () => Run }> {
  const { seeds, sizes } = seedsAndSizes(params);
  return sizes.flatMap((size) =>
    policiesAt(params, size).flatMap((policy) =>
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
