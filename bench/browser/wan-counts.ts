// What each side of a `wan` transfer sends per MB: the packets the emulator carried each way (the sender's blocks
// and the receiver's requests, haves and acknowledgements), and with `--wan-messages`, the data-channel messages each
// tab sent and the BitTorrent messages in them by type. On a lossy path every packet is one more chance of a loss
// that halves SCTP's window, and every data-channel message the receiver sends is SCTP data the sender must
// acknowledge, so these say what the app adds over the raw channel.
import type { Page } from '@playwright/test';
import type { LinkCounters, RelayStats } from '../../netem';

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
 * the page moved to it) to count messages and the BitTorrent messages in them; each channel's bytes are read as
 * the wire's stream (a 68-byte handshake, then length-prefixed messages, which may cross data-channel messages).
 * A string, not a function: tsx would wrap inner names in a helper the worker lacks.
 */
const COUNT_SENDS = `(() => {
  const scope = globalThis;
  if (scope.benchSends || typeof RTCDataChannel === 'undefined') return;
  const counts = { messages: 0, bytes: 0, controlOnly: 0, types: {} };
  scope.benchSends = counts;
  const names = { 0: 'choke', 1: 'unchoke', 2: 'interested', 3: 'not-interested', 4: 'have', 5: 'bitfield',
    6: 'request', 7: 'piece', 8: 'cancel', 13: 'suggest', 14: 'have-all', 15: 'have-none', 16: 'reject',
    17: 'allowed-fast', 20: 'extended', 21: 'hash-request', 22: 'hashes', 23: 'hash-reject' };
  const streams = new WeakMap();
  const count = (name) => { counts.types[name] = (counts.types[name] || 0) + 1; };
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    let bytes;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes) {
      let s = streams.get(this);
      if (!s) { s = { skip: 68, head: [] }; streams.set(this, s); count('handshake'); }
      counts.messages++;
      counts.bytes += bytes.length;
      let piece = false;
      let at = 0;
      while (at < bytes.length) {
        if (s.skip > 0) { const n = Math.min(s.skip, bytes.length - at); s.skip -= n; at += n; continue; }
        s.head.push(bytes[at++]);
        const h = s.head;
        if (h.length === 4 && h[0] === 0 && h[1] === 0 && h[2] === 0 && h[3] === 0) { count('keep-alive'); s.head = []; continue; }
        if (h.length < 5) continue;
        const length = ((h[0] << 24) >>> 0) + (h[1] << 16) + (h[2] << 8) + h[3];
        const name = names[h[4]] || 'id ' + h[4];
        if (name === 'piece') piece = true;
        count(name);
        s.skip = length - 1;
        s.head = [];
      }
      if (!piece) counts.controlOnly++;
    }
    return send.call(this, data);
  };
})()`;

/** Starts counting the tab's sends (page and engine worker). Call before its connections open. */
export async function countSends(page: Page): Promise<void> {
  await page.evaluate(COUNT_SENDS);
  for (const worker of page.workers()) await worker.evaluate(COUNT_SENDS);
}

/** What the tab sent since countSends, per MB of the file: messages, those without a block, and each type. */
export async function sendsPerMB(page: Page, size: number): Promise<string> {
  const all: SendCounts = { messages: 0, bytes: 0, controlOnly: 0, types: {} };
  const read = (scope: { evaluate<R>(expression: string): Promise<R> }) =>
    scope.evaluate<SendCounts | undefined>('globalThis.benchSends');
  for (const counts of [await read(page), ...(await Promise.all(page.workers().map(read)))]) {
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
