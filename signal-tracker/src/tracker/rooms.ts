// What the message handlers share: the limits, the counters and the rooms of one tracker.
import type { Admission } from './admission';
import type { ClusterBridge } from './cluster-bridge';
import type { TrackerCounters } from './counters';
import type { TrackerLimits } from './limits';
import type { Relay } from './relay';
import type { SwarmRegistry } from './swarm-registry';

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
