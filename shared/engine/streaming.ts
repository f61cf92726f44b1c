// Streaming: the deadlines a player puts on pieces. Two sources, kept apart and merged per piece (the earlier
// deadline wins): the playback window (playback-window.ts: the playhead the page reports, several seconds of media
// ahead, deadlines that tighten as the playhead nears them, re-planned every tick) and the pieces a stream of the
// service worker waits for (`piece-deadlines`). The picker fetches pieces with a deadline first, earliest first, from
// every peer that has them, and asks a second peer for one past its deadline; everything else goes on rarest first.
// A seek moves the window at once and cancels every request for a piece that no longer has a deadline, so the new
// window is not queued behind them (the request ledger tolerates a cancelled block that arrives anyway); so does a
// stream that waits for a piece, whose wish would otherwise queue behind a full pipeline of rarest-first requests.
import type { TorrentInfo } from '../metainfo';
import type { WireMessage } from '../wire';
import type { EngineEvent } from './types';
import type { PeerState } from './peer';
import { PlaybackWindow, type PlayheadReport, type WindowOptions } from './playback-window';
import type { VerifiedView } from './verified-pieces';
import type { Wishlist } from './wishlist';

/** What streaming needs of the downloader around it. */
export interface StreamingPorts {
  peers(): Iterable<PeerState>;
  send(peer: PeerState, message: WireMessage): void;
  /** Hand the changed deadlines out to the peers at the next flush. */
  refill(): void;
}

/** The session's events that streaming takes. */
export type StreamingEvent = Extract<
  EngineEvent,
  { type: 'piece-deadlines' | 'playhead' | 'playback-stopped' }
>;

/** Where a file plays: the file (in info order) and the playhead in it. */
export interface Playhead extends PlayheadReport {
  file: number;
}

export class Streaming {
  /** The file that plays and its window, while the page reports a playhead. */
  private playing: { file: number; window: PlaybackWindow } | undefined;
  /** Deadlines of the playback window, by piece. */
  private readonly windowAt = new Map<number, number>();
  /** Deadlines of the pieces a stream waits for, by piece. */
  private readonly wantAt = new Map<number, number>();

  constructor(
    private readonly info: TorrentInfo,
    private readonly wishlist: Wishlist,
    private readonly have: VerifiedView,
    private readonly ports: StreamingPorts,
    private readonly options: WindowOptions = {},
  ) {}

  /** The pieces of the playback window now, in order (for tests and the UI). */
  get window(): number[] {
    return [...this.windowAt.keys()];
  }

  /** Does the piece have a deadline of ours? */
  hasDeadline(index: number): boolean {
    return this.windowAt.has(index) || this.wantAt.has(index);
  }

  /** One of the session's streaming events. */
  handle(event: StreamingEvent, now: number): void {
    if (event.type === 'piece-deadlines') this.setDeadlines(event.deadlines, event.replace ?? false);
    else if (event.type === 'playhead') this.playhead(event, now);
    else this.stopPlayback();
  }

  /** Pieces a stream waits for, by these times, and what was asked for pieces without a deadline is cancelled;
   * `replace` (a stream that starts mid-file) forgets the earlier ones. */
  setDeadlines(deadlines: ReadonlyArray<{ index: number; at: number }>, replace: boolean): void {
    for (const { index } of deadlines) {
      if (!Number.isInteger(index) || index < 0 || index >= this.info.pieceCount) {
        throw new RangeError(`no piece ${index}`);
      }
    }
    const before = replace ? [...this.wantAt.keys()] : [];
    if (replace) this.wantAt.clear();
    for (const { index, at } of deadlines) this.wantAt.set(index, Math.min(at, this.wantAt.get(index) ?? at));
    for (const index of before) this.apply(index);
    for (const { index } of deadlines) this.apply(index);
    // A stream waits: what was asked for pieces without a deadline is taken back, so the pieces it waits for are
    // not queued behind it at the peers (a seeder without a limit holds a second of a full pipeline).
    this.cancelUnwanted();
    this.ports.refill();
  }

  /** The page reports where the player is: the window follows, and a seek cancels what it no longer needs. */
  playhead(report: Playhead, now: number): void {
    const file = this.info.files[report.file];
    if (!file || file.length === 0 || !Number.isFinite(report.position)) return;
    if (this.playing?.file !== report.file) {
      const { pieceLength, pieceCount } = this.info;
      this.playing = {
        file: report.file,
        window: new PlaybackWindow(
          { offset: file.offset, length: file.length, pieceLength, pieceCount },
          this.options,
        ),
      };
    }
    const change = this.playing.window.report(report, now);
    this.plan(now);
    // The window moved at once: a seek (or the start) cancels the requests outside it, so it is served first.
    if (change !== 'move') this.cancelUnwanted();
  }

  /** The player closed: the window goes (the pieces a stream waits for stay). */
  stopPlayback(): void {
    this.playing = undefined;
    const pieces = [...this.windowAt.keys()];
    this.windowAt.clear();
    for (const index of pieces) this.apply(index);
  }

  /** Time passed: the window moves on with a playing playhead, its deadlines nearer; verified wishes are forgotten. */
  tick(now: number): void {
    for (const index of this.wantAt.keys()) if (this.have.get(index)) this.wantAt.delete(index);
    if (this.playing) this.plan(now);
  }

  /** Takes back every request from every peer (with a `cancel` each) but those of the pieces `keep` names; a block
   * already on its way is still taken. */
  cancelRequests(keep?: (index: number) => boolean): void {
    for (const peer of this.ports.peers()) {
      for (const request of this.wishlist.releasePeer(peer.key, keep))
        this.ports.send(peer, { type: 'cancel', ...request });
    }
    this.ports.refill();
  }

  private cancelUnwanted(): void {
    this.cancelRequests((index) => this.hasDeadline(index));
  }

  /** The window's pieces and deadlines now, handed to the wishlist where they changed. */
  private plan(now: number): void {
    const next = new Map<number, number>();
    for (const { index, at } of this.playing!.window.pieces(now))
      if (!this.have.get(index)) next.set(index, at);
    const changed: number[] = [];
    for (const index of this.windowAt.keys()) if (!next.has(index)) changed.push(index);
    for (const [index, at] of next) if (this.windowAt.get(index) !== at) changed.push(index);
    this.windowAt.clear();
    for (const [index, at] of next) this.windowAt.set(index, at);
    for (const index of changed) this.apply(index);
    if (changed.length > 0) this.ports.refill();
  }

  /** The piece's deadline in the wishlist: the earlier of the window's and a stream's, or none. */
  private apply(index: number): void {
    const window = this.windowAt.get(index);
    const want = this.wantAt.get(index);
    const at = window === undefined ? want : want === undefined ? window : Math.min(window, want);
    this.wishlist.setDeadline(index, at);
  }
}
