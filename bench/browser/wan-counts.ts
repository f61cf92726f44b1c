// What each side of a `wan` transfer sends per MB: the packets the emulator carried each way (the sender's blocks
// and the receiver's requests, haves and acknowledgements). On a lossy path every packet is one more chance of a
// loss that halves SCTP's window, so these say what the app adds over the raw channel.
import { execFileSync } from 'node:child_process';
import type { EmulatedNode, LinkCounters, RelayStats } from '../../netem';

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
