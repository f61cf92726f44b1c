// The hook the benches and tests use: peers (and a tracker) on one emulated path.
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator';
import { linksForPath, type NodeSpec, type PathSpec } from './spec';

/**
 * An emulator with one node per name, every pair of them on the path `spec` (each direction: half the round
 * trip, the loss, the sender's uplink rate then the receiver's downlink rate, the queue in front of each).
 */
export function startPath(spec: PathSpec, names: string[], options?: EmulatorOptions): Promise<Emulator> {
  const links = linksForPath(spec);
  const nodes: NodeSpec[] = names.map((name) => ({ name, ...links }));
  return startEmulator(nodes, options);
}
