// The tracker's statistics as /stats and /stats.json serve them: totals for anyone, every swarm and peer only
// for the holder of the stats token, each computed at most once a second however often they are asked for.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClusterTotals } from './cluster/directory';
import { peerClient } from './tracker/peer-client';
import type { Tracker, TrackerStats, TrackerTotals } from './tracker/tracker';

export interface PublicStats extends TrackerTotals {
  /** Messages received per second, over the time since the previous computation. */
  messagesPerSecond: number;
  /** Whose swarms and peers are counted: the whole cluster (with --redis, Redis up), or this process. */
  scope: 'cluster' | 'process';
}

export type PrivateStats = PublicStats & Pick<TrackerStats, 'swarms'>;

/** Computes the stats at most once per `minIntervalMs`; every request in between gets the same object. */
export class StatsCache {
  private publicAt = -Infinity;
  private publicStats: PublicStats | null = null;
  private privateAt = -Infinity;
  private privateStats: PrivateStats | null = null;
  private lastMessages: number;
  private lastMessagesAt: number;

  constructor(
    private readonly tracker: Tracker,
    now: number,
    private readonly minIntervalMs = 1000,
    private readonly cluster: () => ClusterTotals | undefined = () => undefined,
  ) {
    this.lastMessages = tracker.counters.messages;
    this.lastMessagesAt = now;
  }

  totals(now: number): PublicStats {
    if (this.publicStats && now - this.publicAt < this.minIntervalMs) return this.publicStats;
    const messages = this.tracker.counters.messages;
    const elapsed = now - this.lastMessagesAt;
    const rate =
      elapsed > 0
        ? ((messages - this.lastMessages) * 1000) / elapsed
        : (this.publicStats?.messagesPerSecond ?? 0);
    this.lastMessages = messages;
    this.lastMessagesAt = now;
    this.publicAt = now;
    const totals = this.tracker.totals();
    const cluster = this.cluster();
    this.publicStats = {
      ...totals,
      ...(cluster && {
        swarmCount: cluster.swarms,
        peerCount: cluster.peers,
        seeders: cluster.seeders,
        leechers: Math.max(0, cluster.peers - cluster.seeders),
      }),
      messagesPerSecond: Math.round(rate * 10) / 10,
      scope: cluster ? 'cluster' : 'process',
    };
    return this.publicStats;
  }

  full(now: number): PrivateStats {
    if (this.privateStats && now - this.privateAt < this.minIntervalMs) return this.privateStats;
    this.privateAt = now;
    this.privateStats = { ...this.totals(now), swarms: this.tracker.swarmStats(peerClient) };
    return this.privateStats;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Whether a request carries `Authorization: Bearer <token>` with the configured stats token. Compared in
 * constant time (over digests, so the lengths match too). No token configured: nobody is.
 */
export function hasStatsToken(headers: IncomingHttpHeaders, token: string | undefined): boolean {
  if (!token) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1]), digest(token));
}
