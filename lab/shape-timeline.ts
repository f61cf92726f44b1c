// Where a shaped swarm's time goes (lab/network-shape.ts): every 10 s, the share of each peer's uplink it used and,
// for the time it idled, why (nobody wanted its pieces, it choked a peer that wanted them, every peer that wanted them
// was unchoked and its requests were on their way, or none asked); where each downloading peer's bytes came from (the
// seed or the other peers); and how long a piece took to spread from the first downloading peer that held it to all
// of them. Sampled on the virtual clock, from what the sessions report (`stats`) and what the network carries.
import type { LabPeer, LabSwarm } from './sim/swarm';

/** Why an uplink had nothing to send. */
export const IDLE_CAUSES = [
  'nobody wants',
  'choked a peer that wants',
  'requests on the way',
  'none asked',
] as const;
export type IdleCause = (typeof IDLE_CAUSES)[number];

/** The cause of an idle uplink, from its session's view of each peer: interested in us, choked by us, and whether the
 * peer has requests out to us (`asking`). */
export function idleCause(
  peers: readonly { interested: boolean; choked: boolean; asking: boolean }[],
): IdleCause {
  const wanting = peers.filter((peer) => peer.interested);
  if (wanting.length === 0) return 'nobody wants';
  if (wanting.some((peer) => peer.choked)) return 'choked a peer that wants';
  return wanting.some((peer) => peer.asking) ? 'requests on the way' : 'none asked';
}

export interface TimelineReport {
  /** The peers, in the order they joined (the seed first in a shape). */
  names: string[];
  /** Per peer, per column: the share of its uplink's rate it used (0 to 1). */
  uplink: number[][];
  /** Per peer, over the run: the share of the looks at which its uplink idled, by cause. */
  idle: Record<IdleCause, number>[];
  /** Per peer, per column: the share of the piece bytes it received that came from the seed (NaN: none came). */
  fromSeed: number[][];
  /** Seconds from the first downloading peer holding a piece to all of them holding it: median and 10th and 90th
   * percentiles over the pieces. */
  spread: { median: number; p10: number; p90: number };
}

const percent = (share: number) => (Number.isNaN(share) ? '-' : String(Math.round(share * 100))).padStart(4);

/** The report as text: a row per peer for each table. */
export function formatTimeline(report: TimelineReport): string[] {
  const width = Math.max(...report.names.map((name) => name.length)) + 1;
  const row = (name: string, cells: readonly number[]) =>
    `${name.padEnd(width)}${cells.map(percent).join('')}`;
  return [
    'uplink used, % of its rate per 10 s:',
    ...report.names.map((name, i) => row(name, report.uplink[i])),
    `uplink idle over the run, % of the time: ${IDLE_CAUSES.join(' | ')}`,
    ...report.names.map((name, i) =>
      row(
        name,
        IDLE_CAUSES.map((cause) => report.idle[i][cause]),
      ),
    ),
    'piece bytes from the seed, % of what each received per 10 s:',
    ...report.names.flatMap((name, i) => (i === 0 ? [] : [row(name, report.fromSeed[i])])),
    `a piece from the first downloading peer to all: median ${report.spread.median.toFixed(1)} s ` +
      `(10th percentile ${report.spread.p10.toFixed(1)} s, 90th ${report.spread.p90.toFixed(1)} s)`,
  ];
}

export interface TimelineOptions {
  /** The width of a column, ms (default 10 s). */
  bucketMs?: number;
  /** How often the uplinks are looked at, ms (default 100). */
  sampleMs?: number;
}

/** A piece message (BitTorrent id 7) sent alone: its payload bytes, else 0. */
function pieceBytes(data: Uint8Array): number {
  return data.length >= 13 && data[4] === 7 ? data.length - 13 : 0;
}

export class ShapeTimeline {
  private readonly bucketMs: number;
  private readonly sampleMs: number;
  private swarm: LabSwarm | undefined;
  /** Per column, per peer: the uplink's bytes, and the idle looks by cause. */
  private readonly sent: number[][] = [];
  private readonly idle: Map<IdleCause, number>[][] = [];
  private readonly looks: number[][] = [];
  /** Per column, per downloading peer: payload bytes from the seed, from the others. */
  private readonly fromSeed: number[][] = [];
  private readonly fromPeers: number[][] = [];
  /** Per piece, when each downloading peer first held it. */
  private readonly held = new Map<number, Map<LabPeer, number>>();

  constructor(options: TimelineOptions = {}) {
    this.bucketMs = options.bucketMs ?? 10_000;
    this.sampleMs = options.sampleMs ?? 100;
  }

  /** Watches `swarm` (pass to `predictSwarm`'s `observe`). */
  observe(swarm: LabSwarm): void {
    this.swarm = swarm;
    const before = swarm.peers.map(() => 0);
    swarm.every(this.bucketMs, () => {
      if (swarm.now > 0)
        this.sent.push(swarm.peers.map((peer, i) => peer.host.sentBy(swarm.now) - before[i]));
      swarm.peers.forEach((peer, i) => (before[i] = peer.host.sentBy(swarm.now)));
    });
    swarm.every(this.sampleMs, () => this.look(swarm));
  }

  /** Counts a message reaching a peer (pass to `predictSwarm`'s `onDeliver`). */
  delivered(to: LabPeer, from: LabPeer, data: Uint8Array): void {
    const bytes = pieceBytes(data);
    if (bytes === 0 || !this.swarm) return;
    const column = this.column();
    const i = this.swarm.peers.indexOf(to);
    const table = from.spec.seed ? this.fromSeed : this.fromPeers;
    const row = (table[column] ??= []);
    row[i] = (row[i] ?? 0) + bytes;
  }

  /** What was seen, once the run is over. */
  report(): TimelineReport {
    const swarm = this.swarm;
    if (!swarm) throw new Error('the timeline watched no swarm');
    const peers = swarm.peers;
    const seconds = this.bucketMs / 1000;
    const uplink = peers.map((peer, i) => this.sent.map((row) => row[i] / (peer.host.upload * seconds)));
    const idle = peers.map((_, i) => {
      const looks = this.looks.reduce((sum, row) => sum + (row?.[i] ?? 0), 0);
      const shares = {} as Record<IdleCause, number>;
      for (const cause of IDLE_CAUSES) {
        const count = this.idle.reduce((sum, row) => sum + (row?.[i]?.get(cause) ?? 0), 0);
        shares[cause] = looks > 0 ? count / looks : 0;
      }
      return shares;
    });
    const columns = Math.max(this.fromSeed.length, this.fromPeers.length);
    const fromSeed = peers.map((_, i) =>
      Array.from({ length: columns }, (_, column) => {
        const seed = this.fromSeed[column]?.[i] ?? 0;
        const all = seed + (this.fromPeers[column]?.[i] ?? 0);
        return all > 0 ? seed / all : NaN;
      }),
    );
    return { names: peers.map((peer) => peer.name), uplink, idle, fromSeed, spread: this.spread(peers) };
  }

  /** Seconds from the first downloading peer holding a piece to all of them holding it, over the pieces all hold. */
  private spread(peers: readonly LabPeer[]): { median: number; p10: number; p90: number } {
    const downloading = peers.filter((peer) => !peer.spec.seed).length;
    const spreads: number[] = [];
    for (const holders of this.held.values()) {
      if (holders.size < downloading) continue;
      const times = [...holders.values()];
      spreads.push((Math.max(...times) - Math.min(...times)) / 1000);
    }
    spreads.sort((a, b) => a - b);
    const at = (p: number) => (spreads.length > 0 ? spreads[Math.floor(p * (spreads.length - 1))] : NaN);
    return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
  }

  private column(): number {
    return Math.floor((this.swarm?.now ?? 0) / this.bucketMs);
  }

  private look(swarm: LabSwarm): void {
    const column = this.column();
    const idle = (this.idle[column] ??= []);
    const looks = (this.looks[column] ??= []);
    for (const [i, peer] of swarm.peers.entries()) {
      if (!peer.session || !peer.alive) continue;
      looks[i] = (looks[i] ?? 0) + 1;
      this.noteHeld(peer, swarm.now);
      const host = peer.host;
      if (host.sendingSize > 0 || swarm.network.queuedBytes(host) > 0) continue;
      const cause = idleCause(this.viewOf(peer, swarm.now));
      const causes = (idle[i] ??= new Map());
      causes.set(cause, (causes.get(cause) ?? 0) + 1);
    }
  }

  /** Each connected peer as `peer`'s session sees it, and whether it has requests out to `peer`. */
  private viewOf(peer: LabPeer, now: number): { interested: boolean; choked: boolean; asking: boolean }[] {
    return peer.session.stats(now).peerStats.map((stats) => {
      const connection = peer.connections.get(stats.peer);
      const remote = connection?.remote as LabPeer | undefined;
      const back = remote?.session
        ?.stats(now)
        .peerStats.find((other) => other.peer === connection?.remoteKey);
      return {
        interested: stats.peerInterested,
        choked: stats.amChoking,
        asking: (back?.requestsInFlight ?? 0) > 0,
      };
    });
  }

  private noteHeld(peer: LabPeer, now: number): void {
    const have = peer.have;
    if (peer.spec.seed || !have) return;
    for (let index = 0; index < have.length; index++) {
      if (!have.get(index)) continue;
      const holders = this.held.get(index) ?? new Map<LabPeer, number>();
      if (!holders.has(peer)) holders.set(peer, now);
      this.held.set(index, holders);
    }
  }
}
