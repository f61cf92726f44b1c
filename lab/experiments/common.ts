// Helpers shared by the experiments: the test torrent, number formatting and Markdown tables.
import { randomTorrent } from '../../shared/engine/testing/swarm';
import type { TestTorrent } from '../../shared/engine/testing/swarm';
import type { SyncHash } from '../sim/hash';
import type { LabPeer, LabSwarm } from '../sim/swarm';

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** What every engine experiment's swarm is made of: N leechers and one original seed. Rates in bytes/s. */
export interface SwarmParams {
  peers: number;
  fileBytes: number;
  pieceLength: number;
  seedUpload: number;
  peerUpload: number;
  peerDownload: number;
  seed: number;
}

/** The default capacities: the seed uploads 4 times faster than a peer, which downloads 4 times faster than it uploads. */
export const CAPACITIES = {
  pieceLength: 16 * KiB,
  seedUpload: 64 * KiB,
  peerUpload: 16 * KiB,
  peerDownload: 64 * KiB,
};

export function labTorrent(
  fileBytes: number,
  pieceLength: number,
  hash: SyncHash,
  seed: number,
): TestTorrent {
  if (!Number.isInteger(fileBytes) || fileBytes <= 0)
    throw new RangeError(`file size must be a positive integer, got ${fileBytes}`);
  if (!Number.isInteger(pieceLength) || pieceLength < 16 * KiB || pieceLength % (16 * KiB) !== 0) {
    throw new RangeError(`piece length must be a multiple of 16 KiB, got ${pieceLength}`);
  }
  return randomTorrent(seed, fileBytes, { sha1: hash, pieceLength, name: 'lab.bin' });
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function bytes(n: number): string {
  if (n >= MiB) return `${round(n / MiB, 2)} MiB`;
  if (n >= KiB) return `${round(n / KiB, 1)} KiB`;
  return `${n} B`;
}

export function rate(n: number): string {
  return `${bytes(n)}/s`;
}

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) =>
    `| ${cells.map((c) => (typeof c === 'number' ? String(round(c)) : c)).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** Seconds from the start to each peer's completion (undefined: did not complete). */
export function completionSeconds(peers: readonly LabPeer[], start = 0): Array<number | undefined> {
  return peers.map((peer) =>
    peer.completedAt === undefined ? undefined : (peer.completedAt - start) / 1000,
  );
}

/** The fraction of `peers` complete at each sample time: a step curve as [seconds, fraction] points. */
export function completionCurve(
  times: Array<number | undefined>,
  total = times.length,
): Array<[number, number]> {
  const done = times.filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  const points: Array<[number, number]> = [[0, 0]];
  done.forEach((t, i) => points.push([round(t, 3), round((i + 1) / Math.max(1, total), 4)]));
  return points;
}

/** Per piece, how many of `peers` (alive) hold it. */
export function pieceCopies(peers: readonly LabPeer[], pieceCount: number): Int32Array {
  const copies = new Int32Array(pieceCount);
  for (const peer of peers) {
    const have = peer.alive ? peer.have : undefined;
    if (!have) continue;
    for (let i = 0; i < pieceCount; i++) if (have.get(i)) copies[i]++;
  }
  return copies;
}

/** The original seed of an experiment's swarm: every piece, the seed's upload, a peer's download. */
export function addOriginalSeed(swarm: LabSwarm, params: Omit<SwarmParams, 'fileBytes'>): LabPeer {
  return swarm.addPeer({
    name: 'seed',
    seed: true,
    upload: params.seedUpload,
    download: params.peerDownload,
  });
}
