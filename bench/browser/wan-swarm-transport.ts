// What each tab's data channels carry and hold in the `wan-swarm` and `wan` benches (`--wan-swarm-transport`,
// `--wan-transport`; a diagnosis): in the page and its workers, every channel a tab sends on is counted (bytes
// handed to `send`) and its `bufferedAmount` sampled every 200 ms. Both ends of a connection see the same channel
// label (simple-peer's random one), so a sender's channel names its receiver. Each timeline interval then says, per
// sender and receiver, the rate handed over, what the channel held on average and how often it held a block or
// more: whether a connection's blocks wait in its own association while the sender's others move.
import { evaluateInTab, readFromTab } from './tab-scopes';
import type { Tab } from '../lib/app';

/** A channel's counts since it was first used: its label, bytes handed to `send`, and its samples. */
export interface ChannelCount {
  label: string;
  sent: number;
  /** Sum of the sampled `bufferedAmount`s, and how many samples, and how many at a block (16 KiB) or more. */
  held: number;
  samples: number;
  full: number;
}

/** A string, not a function: tsx would wrap inner names in a helper the worker lacks. */
const COUNT_CHANNELS = `(() => {
  const scope = globalThis;
  if (scope.benchChannels || typeof RTCDataChannel === 'undefined') return;
  const counts = new Map();
  scope.benchChannels = () => [...counts.values()];
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    let count = counts.get(this);
    if (!count) {
      count = { label: this.label, sent: 0, held: 0, samples: 0, full: 0 };
      counts.set(this, count);
    }
    count.sent += typeof data === 'string' ? data.length : data.byteLength ?? data.size ?? 0;
    return send.call(this, data);
  };
  setInterval(() => {
    for (const [channel, count] of counts) {
      if (channel.readyState === 'closed') continue;
      const held = channel.bufferedAmount;
      count.held += held;
      count.samples += 1;
      if (held >= 16384) count.full += 1;
    }
  }, 200);
})()`;

/** Installs the counters in the tab's page and workers (after the app opened: its engine worker exists). */
export async function countChannels(tab: Tab): Promise<void> {
  await evaluateInTab(tab.page, COUNT_CHANNELS);
}

/** Every channel's counts in the tab, its page's and its workers' together. */
export async function readChannels(tab: Tab): Promise<ChannelCount[]> {
  const scopes = await readFromTab<ChannelCount[]>(tab.page, 'globalThis.benchChannels?.()');
  return scopes.flatMap((counts) => counts ?? []);
}

/** "tab 6: tab 1 12 KB/s 14 KB 80 %, tab 8 30 KB/s 9 KB 41 %": per receiver, the rate handed over, the mean held and
 * the share of samples holding a block or more, over the interval between two reads; receivers ranked by rate. */
export function transportLines(
  names: string[],
  before: ChannelCount[][] | undefined,
  after: ChannelCount[][],
  seconds: number,
): string[] {
  const owners = new Map<string, number[]>();
  after.forEach((counts, tab) => {
    for (const count of counts) owners.set(count.label, [...(owners.get(count.label) ?? []), tab]);
  });
  return after.flatMap((counts, tab) => {
    const earlier = new Map((before?.[tab] ?? []).map((count) => [count.label, count]));
    const parts = counts
      .map((count) => {
        const from = earlier.get(count.label);
        const samples = count.samples - (from?.samples ?? 0);
        const other = (owners.get(count.label) ?? []).find((owner) => owner !== tab);
        return {
          to: other === undefined ? count.label.slice(0, 6) : names[other],
          rate: (count.sent - (from?.sent ?? 0)) / seconds,
          held: samples > 0 ? (count.held - (from?.held ?? 0)) / samples : 0,
          full: samples > 0 ? (count.full - (from?.full ?? 0)) / samples : 0,
        };
      })
      .filter((part) => part.rate >= 1000 || part.held >= 1000)
      .sort((a, b) => b.rate - a.rate);
    if (parts.length === 0) return [];
    const kb = (bytes: number) => Math.round(bytes / 1000);
    const text = parts.map(
      (part) => `${part.to} ${kb(part.rate)} KB/s ${kb(part.held)} KB ${Math.round(part.full * 100)} %`,
    );
    return [`${names[tab]}: ${text.join(', ')}`];
  });
}

/** Logs `transportLines` for `tabs` (named by `names`) every `everyMs` until the returned function is called. */
export function watchTransport(
  tabs: Tab[],
  names: string[],
  everyMs: number,
  log: (message: string) => void,
): () => void {
  let last: { at: number; counts: ChannelCount[][] } | undefined;
  const timer = setInterval(() => {
    void Promise.all(tabs.map((tab) => readChannels(tab).catch(() => []))).then((counts) => {
      const at = Date.now();
      const before = last;
      last = { at, counts };
      if (!before) return;
      for (const line of transportLines(names, before.counts, counts, (at - before.at) / 1000))
        log(`      transport: ${line}`);
    });
  }, everyMs);
  return () => clearInterval(timer);
}
