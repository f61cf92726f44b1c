// Messages between the Lab page and its worker.
import type { ExperimentResult, Figure } from '../../../lab/experiments/types';

export interface RunRequest {
  type: 'run';
  experiment: string;
  /** Form values, as typed (parsed in the worker with the CLI's rules). */
  values: Record<string, string>;
}

export type LabReply =
  | { type: 'progress'; figures: Figure[]; note: string }
  | { type: 'done'; result: ExperimentResult; seconds: number }
  | { type: 'error'; message: string };
