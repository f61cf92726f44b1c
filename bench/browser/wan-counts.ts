// What each side of a `wan` transfer sends per MB: the packets the emulator carried each way (the sender's blocks
// and the receiver's requests, haves and acknowledgements), and with `--wan-messages`, the data-channel messages each
// tab sent and the BitTorrent messages in them by type. On a lossy path every packet is one more chance of a loss
// that halves SCTP's window, and every data-channel message the receiver sends is SCTP data the sender must
// acknowledge, so these say what the app adds over the raw channel.
import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import type { EmulatedNode, LinkCounters, RelayStats } from '../../netem';
import { evaluateInTab, readFromTab } from './tab-scopes';
import { WIRE_SCAN } from './wire-scan';

const MB = 1e6;

/** The packets one node sent, per MB of the file, and their mean size. */
function perMB(label: string, before: LinkCounters, after: LinkCounters, size: number): string {
  const packets = after.packets - before.packets;
  const bytes = after.bytes - before.bytes;
  const mean = packets > 0 ? Math.round(bytes / packets) : 0;
  return `${label} ${((packets * MB) / size).toFixed(0)} packets per MB (mean ${mean} B)`;
}

/** Packets per MB of the file each way between two readings of the relay's counters. */
export function trafficPerMB(before: RelayStats, after: RelayStats, size: number): string {
  const node = (stats: RelayStats, name: string) => stats.nodes[name].up;
  return [
    perMB('sender', node(before, 'seeder'), node(after, 'seeder'), size),
    perMB('receiver', node(before, 'downloader'), node(after, 'downloader'), size),
  ].join(', ');
}

/**
 * The datagrams the node's UDP sockets dropped because their receive buffer was full (the kernel's `RcvbufErrors`
 * in the node's namespace): the path delivered them, the browser did not read its socket in time, and SCTP takes
 * each such drop for congestion.
 */
export function socketDrops(node: EmulatedNode): number {
  const snmp = execFileSync('ip', ['netns', 'exec', node.netns, 'cat', '/proc/net/snmp'], {
    encoding: 'utf8',
  });
  const [names, values] = snmp
    .split('\n')
    .filter((line) => line.startsWith('Udp:'))
    .map((line) => line.trim().split(/\s+/));
  const at = names?.indexOf('RcvbufErrors') ?? -1;
  if (at < 0 || !values) throw new Error(`no UDP counters in ${node.netns}'s /proc/net/snmp`);
  return Number(values[at]);
}

/** The counters the injected code keeps in a page or a worker. */
interface SendCounts {
  messages: number;
  bytes: number;
  /** Data-channel messages that carried no `piece` message (the reverse direction's own). */
  controlOnly: number;
  types: Record<string, number>;
}

/**
 * Wraps RTCDataChannel's `send` where it is defined (the page, and the engine's worker, which holds the channels
 * the page moved to it) to count messages and the BitTorrent messages in them (wire-scan.ts).
 */
const COUNT_SENDS = `${WIRE_SCAN}
(() => {
  const scope = globalThis;
  if (scope.benchSends || typeof RTCDataChannel === 'undefined') return;
  const counts = { messages: 0, bytes: 0, controlOnly: 0, types: {} };
  scope.benchSends = counts;
  const scan = scope.benchWireScanner();
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    let piece = false;
    const bytes = scan(this, data, (name) => {
      counts.types[name] = (counts.types[name] || 0) + 1;
      if (name === 'piece') piece = true;
    });
    if (bytes) {
      counts.messages++;
      counts.bytes += data.byteLength;
      if (!piece) counts.controlOnly++;
    }
    return send.call(this, data);
  };
})()`;

/** Starts counting the tab's sends (page and engine worker). Call before its connections open. */
export async function countSends(page: Page): Promise<void> {
  await evaluateInTab(page, COUNT_SENDS);
}

/** What the tab sent since countSends, per MB of the file: messages, those without a block, and each type. */
export async function sendsPerMB(page: Page, size: number): Promise<string> {
  const all: SendCounts = { messages: 0, bytes: 0, controlOnly: 0, types: {} };
  for (const counts of await readFromTab<SendCounts>(page, 'globalThis.benchSends')) {
    if (!counts) continue;
    all.messages += counts.messages;
    all.bytes += counts.bytes;
    all.controlOnly += counts.controlOnly;
    for (const [name, n] of Object.entries(counts.types)) all.types[name] = (all.types[name] ?? 0) + n;
  }
  const per = (n: number) => ((n * MB) / size).toFixed(1);
  const types = Object.entries(all.types)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${per(n)}`)
    .join(', ');
  return `${per(all.messages)} data-channel messages per MB (${per(all.controlOnly)} without a block; ${types})`;
}
