// Every experiment of the lab, by name (the CLI's and the Lab page's list).
import type { Experiment } from './types';
import { churn } from './churn';
import { gossip } from './gossip';
import { incentives } from './incentives';
import { pieces } from './pieces';
import { scalability } from './scalability';
import { webseeds } from './webseeds';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const EXPERIMENTS: Array<Experiment<any>> = [scalability, pieces, gossip, incentives, churn, webseeds];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function experiment(name: string): Experiment<any> {
  const found = EXPERIMENTS.find((e) => e.name === name);
  if (!found)
    throw new Error(`unknown experiment "${name}"; known: ${EXPERIMENTS.map((e) => e.name).join(', ')}, all`);
  return found;
}
