// The hook the benches and tests use: peers (and a tracker) on one emulated path.
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator';
import { linksForPath, type NodeSpec, type PathSpec } from './spec';

export interface PathOptions extends EmulatorOptions {
  /**
   * Nodes in the core of the network, as a TURN relay in a data center is: no delay, rate or loss of their own,
   * so a path relayed through one is the path `spec` between the two peers' access links.
   */
  core?: string[];
}

/**
 * An emulator with one node per name, every pair of them on the path `spec` (each direction: half the round
 * trip, the loss, the sender's uplink rate then the receiver's downlink rate, the queue in front of each), and the
 * `core` nodes after them.
 */
export function startPath(spec: PathSpec, names: string[], options: PathOptions = {}): Promise<Emulator> {
  const { core = [], ...emulatorOptions } = options;
  const links = linksForPath(spec);
  const nodes: NodeSpec[] = [
    ...names.map((name) => ({ name, ...links })),
    ...core.map((name) => ({ name, up: { delayMs: 0 }, down: { delayMs: 0 } })),
  ];
  return startEmulator(nodes, emulatorOptions);
}
