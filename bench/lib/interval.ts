// Intervals for noisy figures: a figure taken from a few runs is a median, and the interval says how far the true
// median could be from it, so a goal is decided by the interval rather than by one lucky or unlucky run.
// - the median of one sample: its order-statistic interval, which assumes nothing of the distribution;
// - a ratio of two samples' medians (ours against a rival's): a percentile bootstrap (each sample resampled with
//   replacement, the ratio of the resamples' medians, the middle `confidence` of those ratios), with a fixed seed so
//   the same runs give the same interval.
import { mulberry32 } from '../../shared/engine/testing/random';
import { median } from './figure';

export interface Interval {
  low: number;
  high: number;
  /** The share of the time such an interval holds the true value. */
  confidence: number;
}

/** The default confidence of every interval of the benches. */
export const CONFIDENCE = 0.95;

/** P(X < k) for X ~ Binomial(n, 1/2). */
function binomialBelow(n: number, k: number): number {
  let term = 2 ** -n; // P(X = 0)
  let sum = 0;
  for (let i = 0; i < k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * The median's order-statistic interval: the k-th smallest and the k-th largest value, for the largest k whose
 * coverage (1 - 2 P(Binomial(n, 1/2) < k)) is at least `confidence`. Fewer values than that allows (under 6 for 95 %)
 * give the whole range, with the coverage it has.
 */
export function medianInterval(values: number[], confidence = CONFIDENCE): Interval {
  if (values.length === 0) throw new Error('no values');
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let k = 1;
  while (k + 1 <= n / 2 && 1 - 2 * binomialBelow(n, k + 1) >= confidence) k++;
  return { low: sorted[k - 1], high: sorted[n - k], confidence: 1 - 2 * binomialBelow(n, k) };
}

function resample(values: number[], random: () => number): number[] {
  return values.map(() => values[Math.floor(random() * values.length)]);
}

export interface BootstrapOptions {
  confidence?: number;
  resamples?: number;
  seed?: number;
}

/** The percentile bootstrap interval of median(ours) / median(theirs). */
export function ratioInterval(ours: number[], theirs: number[], options: BootstrapOptions = {}): Interval {
  if (ours.length === 0 || theirs.length === 0) throw new Error('no values');
  const { confidence = CONFIDENCE, resamples = 4000, seed = 1 } = options;
  const random = mulberry32(seed);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++)
    ratios.push(median(resample(ours, random)) / median(resample(theirs, random)));
  ratios.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const low = ratios[Math.floor(tail * resamples)];
  const high = ratios[Math.min(resamples - 1, Math.ceil((1 - tail) * resamples) - 1)];
  return { low, high, confidence };
}

/** What an interval of a ratio says of a goal "at most `limit`" (e.g. no slower than a rival: at most 1). */
export type Verdict = 'met' | 'missed' | 'not told apart';

/** Met when the whole interval is at or under the limit, missed when it is wholly over, else not told apart: the
 * runs cannot say, and more runs narrow the interval. */
export function verdictAtMost(interval: Interval, limit: number): Verdict {
  if (interval.high <= limit) return 'met';
  if (interval.low > limit) return 'missed';
  return 'not told apart';
}

/** Met when the whole interval is at or over the limit, missed when it is wholly under, else not told apart. */
export function verdictAtLeast(interval: Interval, limit: number): Verdict {
  if (interval.low >= limit) return 'met';
  if (interval.high < limit) return 'missed';
  return 'not told apart';
}

/** A figure's `met` from a verdict: null where the runs cannot tell. */
export function metOf(verdict: Verdict): boolean | null {
  return verdict === 'met' ? true : verdict === 'missed' ? false : null;
}

/** "0.91 to 1.01 (95 %)". */
export function intervalText(interval: Interval, digits = 2): string {
  const { low, high, confidence } = interval;
  return `${low.toFixed(digits)} to ${high.toFixed(digits)} (${Math.round(confidence * 100)} %)`;
}
