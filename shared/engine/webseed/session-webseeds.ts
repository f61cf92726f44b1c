// The session's web seeds: the URLs and budget it was given, and once the torrent is known the scheduler
// (scheduler.ts) wired to the download: its claims and pieces go through the downloader's source room, its window
// is what a player needs (the playback window and the service worker's reads, earliest deadline first). The session
// hands it the web seed events, its clock ticks, a player's reads and playhead, and pause or stop. A player's read
// or playhead is acted on at once, not at the next tick: a player's first read comes before it knows the duration,
// so before any playback window, and a tick is a quarter of a second.
import type { TorrentInfo } from '../../codec/metainfo';
import type { EngineAction, EngineEvent, SessionStats } from '../contract/engine-types';
import type { Downloader } from '../download/downloader';
import { WebSeedScheduler } from './scheduler';

type WebSeedEvent = Extract<
  EngineEvent,
  { type: 'webseed-data' | 'webseed-end' | 'webseed-failed' | 'webseed-budget' }
>;

export class SessionWebSeeds {
  private scheduler: WebSeedScheduler | undefined;

  constructor(
    private readonly urls: readonly string[],
    private budget: number | undefined,
    private readonly act: (action: EngineAction) => void,
    private readonly random: () => number,
  ) {}

  /** The torrent is known: the seeds can be scheduled. */
  start(info: TorrentInfo, downloader: Downloader): void {
    if (this.urls.length === 0) return;
    const { sources, streaming } = downloader;
    const scheduler: WebSeedScheduler = new WebSeedScheduler(info, this.urls, this.budget, {
      claim: (key, pieces, now) => sources.claim(key, pieces, now),
      release: (key, pieces) => sources.release(key, pieces),
      peerAvailability: (index) => sources.availability(index),
      needs: (index) => sources.needs(index),
      window: () => streaming.byDeadline,
      waiting: (now) => streaming.waiting(now),
      early: () => downloader.early,
      missing: () => sources.wantedMissing,
      unsettled: () => sources.unsettled,
      buffer: (size) => sources.buffer(size),
      piece: (seed, index, data) =>
        sources.piece({ key: seed.key, bad: (bad) => scheduler.pieceBad(seed, bad) }, index, data),
      act: this.act,
      random: this.random,
    });
    this.scheduler = scheduler;
  }

  handle(event: WebSeedEvent, now: number): void {
    if (event.type === 'webseed-budget') {
      this.budget = event.bytes;
      return this.scheduler?.setBudget(event.bytes);
    }
    if (event.type === 'webseed-data') return this.scheduler?.data(event.request, event.data, now);
    if (event.type === 'webseed-end') return this.scheduler?.end(event.request, now);
    this.scheduler?.failed(event.request, event, now);
  }

  /** Time passed: while downloading, the seeds are asked for what they should bring; otherwise they stop. */
  tick(downloading: boolean, now: number): void {
    if (downloading) this.scheduler?.pump(now);
    else this.scheduler?.abortAll();
  }

  /** A piece was stored: while downloading, runs held back for room start. */
  stored(downloading: boolean, now: number): void {
    if (downloading) this.scheduler?.settled(now);
  }

  /** A player's read (`piece-deadlines`) or playhead: a seek stops the requests made for the old window, and while
   * downloading the seeds are asked at once for what the player needs now. */
  player(event: 'piece-deadlines' | 'playhead', downloading: boolean, now: number): void {
    if (event === 'playhead') this.scheduler?.windowMoved();
    if (downloading) this.scheduler?.pump(now);
  }

  stop(): void {
    this.scheduler?.abortAll();
  }

  /** The seeds' part of the session's stats (none before the torrent is known or without seeds). */
  stats(now: number): Pick<SessionStats, 'webSeeds' | 'webSeedBudgetSpent'> {
    const scheduler = this.scheduler;
    if (!scheduler) return {};
    return { webSeeds: scheduler.stats(now), ...(scheduler.budgetSpent ? { webSeedBudgetSpent: true } : {}) };
  }
}
