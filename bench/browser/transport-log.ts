// What the seeding tab's data channels hold, sampled every 100 ms (`--log-transport`, with `--log-reads`): next to
// the reads logged from a seek, it tells whether the piece a player jumps to waits behind blocks the seeder had
// already handed to its transport, where a `cancel` no longer reaches them.
import type { Page } from '@playwright/test';
import { evaluateInTab, readFromTab } from './tab-scopes';

/** A string, not a function: tsx would wrap inner names in a helper the worker lacks. */
const SAMPLE_TRANSPORT = `(() => {
  const scope = globalThis;
  if (scope.benchTransport || typeof RTCDataChannel === 'undefined') return;
  const channels = new Set();
  const samples = [];
  scope.benchTransport = samples;
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    channels.add(this);
    return send.call(this, data);
  };
  setInterval(() => {
    let held = 0;
    for (const channel of channels) {
      if (channel.readyState === 'closed') channels.delete(channel);
      else held += channel.bufferedAmount;
    }
    samples.push([Date.now(), held]);
    if (samples.length > 20000) samples.splice(0, 10000);
  }, 100);
})()`;

type Sample = [at: number, bytes: number];

/** Starts sampling what `page`'s channels (the page's and its workers') hold; the function returns the samples,
 * the page's and the workers' summed per 100 ms. Call before the connections open. */
export async function sampleTransport(page: Page): Promise<() => Promise<Sample[]>> {
  await evaluateInTab(page, SAMPLE_TRANSPORT);
  return async () => {
    const buckets = new Map<number, number>();
    for (const samples of await readFromTab<Sample[]>(page, 'globalThis.benchTransport'))
      for (const [at, bytes] of samples ?? []) {
        const bucket = Math.floor(at / 100) * 100;
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + bytes);
      }
    return [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  };
}

/** Logs what the seeder's transport held from `from` to `to` (Date.now() times), every 250 ms, in KB, and its
 * largest and mean hold over the `before` ms before `from`. */
export function logTransport(
  log: (message: string) => void,
  samples: Sample[],
  label: string,
  from: number,
  to: number,
  before = 5_000,
): void {
  const kb = (bytes: number) => `${Math.round(bytes / 1000)}`;
  const earlier = samples.filter(([at]) => at >= from - before && at < from).map(([, bytes]) => bytes);
  const mean = earlier.length > 0 ? earlier.reduce((a, b) => a + b, 0) / earlier.length : 0;
  log(
    `  the seeder's transport, KB held, ${label}: over the ${before / 1000} s before, at most ` +
      `${kb(Math.max(0, ...earlier))}, mean ${kb(mean)}; then every 250 ms:`,
  );
  const line: string[] = [];
  let next = from;
  for (const [at, bytes] of samples) {
    if (at < next || at > to) continue;
    line.push(`${((at - from) / 1000).toFixed(2)} ${kb(bytes)}`);
    next = at + 250;
  }
  for (let i = 0; i < line.length; i += 12) log(`    ${line.slice(i, i + 12).join(', ')}`);
}
