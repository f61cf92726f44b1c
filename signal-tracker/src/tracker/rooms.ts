// What the message handlers share: the limits, the counters and the rooms of one tracker, built together.
import { Admission } from './admission';
import { ClusterBridge } from './cluster-bridge';
import type { TrackerCounters } from './counters';
import type { TrackerLimits } from './limits';
import { Relay } from './relay';
import { SwarmRegistry } from './swarm-registry';

export interface TrackerRooms {
  readonly limits: TrackerLimits;
  readonly counters: TrackerCounters;
  /** The announce interval clients are told, in whole seconds. */
  readonly intervalSeconds: number;
  readonly swarms: SwarmRegistry;
  readonly admission: Admission;
  readonly relay: Relay;
  readonly cluster: ClusterBridge;
}

export interface RoomSettings {
  limits: TrackerLimits;
  counters: TrackerCounters;
  intervalSeconds: number;
  /** An offer relayed to a peer can be answered for this long. */
  offerTtlMs: number;
  /** A connection that has not announced this long after connecting is closed. */
  announceDeadlineMs: number;
  /** Random number in [0, 1), for choosing the peers that get offers. */
  random: () => number;
}

export function createRooms(settings: RoomSettings): TrackerRooms {
  const { limits, counters, intervalSeconds } = settings;
  const swarms = new SwarmRegistry();
  const admission = new Admission(limits, counters, swarms, settings.announceDeadlineMs);
  const relay = new Relay(limits, counters, settings.offerTtlMs, settings.random);
  const fail = admission.fail.bind(admission);
  const cluster = new ClusterBridge(swarms, relay, counters, intervalSeconds, fail);
  return { limits, counters, intervalSeconds, swarms, admission, relay, cluster };
}
