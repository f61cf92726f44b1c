// Form fields for an experiment's parameters: their text as shown, and a label a person can read.
import { EXPERIMENTS } from '../../../lab/experiments/index';

export interface ExperimentChoice {
  name: string;
  title: string;
  fields: Array<{ key: string; label: string; value: string }>;
}

/** "peerUpload" → "peer upload"; units noted for sizes and rates. */
export function fieldLabel(key: string): string {
  const words = key.replace(/([A-Z])/g, ' $1').toLowerCase();
  if (/bytes|length/i.test(key)) return `${words} (bytes, k/m suffix)`;
  if (/upload|download/i.test(key) && !/share/i.test(key)) return `${words} (bytes/s, k/m suffix)`;
  return words;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'number' && value >= 1024 && value % 1024 === 0) {
    return value % (1024 * 1024) === 0 ? `${value / (1024 * 1024)}m` : `${value / 1024}k`;
  }
  return String(value);
}

export const CHOICES: ExperimentChoice[] = EXPERIMENTS.map((e) => ({
  name: e.name,
  title: e.title,
  fields: Object.entries(e.small as Record<string, unknown>).map(([key, value]) => ({
    key,
    label: fieldLabel(key),
    value: show(value),
  })),
}));
