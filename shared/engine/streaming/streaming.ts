// Streaming: the deadlines a player puts on pieces. Two sources, kept apart and merged per piece (the earlier
// deadline wins): the playback window (playback-window.ts: the playhead the page reports, several seconds of media
// ahead, deadlines that tighten as the playhead nears them, re-planned every tick) and the pieces a stream of the
// service worker waits for (`piece-deadlines`). The picker fetches pieces with a deadline first, earliest first, from
// every peer that has them, and asks a second peer for one past its deadline; everything else goes on rarest first.
// A seek moves the window at once and cancels every request for a piece that no longer has a deadline, so the new
// window is not queued behind them (the request ledger tolerates a cancelled block that arrives anyway). A piece a
// stream waits for that turns urgent (due within URGENT_MS, not in hand: the player blocks on it) takes back every
// request but the urgent ones: a peer serves requests about in the order they came, and the pipeline we keep full is
// a second or more of its uplink when that is what limits us; the rest is asked again behind the urgent pieces
// (libtorrent's time-critical pieces likewise go ahead of what a peer has queued). A piece past its deadline that the
// window does not hold (the player is blocked on a read elsewhere) keeps only the stream's urgent pieces' requests.
// That happens at most once a second, except for a jump (a piece urgent as soon as it has a deadline, such as an
// index at the end of the file, or a blocked read outside the window): its one piece would otherwise wait behind the
// whole pipeline. A stream blocked on a read before the window's start, within its seconds of media (an MP4's seek
// reads from the keyframe before its target, by the file's own index), starts the window there; and a seek forgets
// the pieces the streams waited for far from the new window (the player left those reads).
import type { TorrentInfo } from '../../codec/metainfo';
import type { WireMessage } from '../../codec/wire';
import type { EngineEvent } from '../contract/engine-types';
import type { PeerState } from '../peer/peer';
import { PlaybackWindow, type PlayheadReport, type WindowOptions } from './playback-window';
import type { VerifiedView } from '../verify/verified-pieces';
import type { Wishlist } from '../picker/wishlist';

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

/** A piece is urgent when its deadline is this near (ms) and it is not in hand. */
export const URGENT_MS = 2_000;
/** Requests are taken back for urgent pieces at most once in this long (ms)... */
export const URGENT_CANCEL_EVERY_MS = 1_000;
/** ...but for a jump, at most once in this long: a piece a stream waits for that had no deadline before and is
 * urgent at once (a player reading an index at the end of the file, or a fragment's header: its one piece would
 * otherwise wait behind the whole pipeline, about half a second at 20 MB/s). */
export const URGENT_JUMP_CANCEL_MS = 100;

export class Streaming {
  /** The file that plays and its window, while the page reports a playhead. */
  private playing: { file: number; window: PlaybackWindow } | undefined;
  /** Deadlines of the playback window, by piece. */
  private readonly windowAt = new Map<number, number>();
  /** Deadlines of the pieces a stream waits for, by piece. */
  private readonly wantAt = new Map<number, number>();
  /** Urgent pieces the requests were taken back for already, and when that was last done. */
  private readonly urgentServed = new Set<number>();
  /** Pieces a player was blocked on outside the window, served as such already (`jump`): once per piece. */
  private readonly blockedServed = new Set<number>();
  private urgentCancelAt = Number.NEGATIVE_INFINITY;
  /** A jump (see URGENT_JUMP_CANCEL_MS) is waiting for its cancel: the earliest deadline among such jumps (no stream's
   * piece due later keeps its requests). */
  private jumpDue: number | undefined;

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

  /** The pieces with a deadline of ours, the window's and the streams' alike, earliest deadline first: what a player
   * needs, in the order it needs it (a web seed is asked for them so, scheduler.ts). */
  get byDeadline(): number[] {
    const at = new Map(this.windowAt);
    for (const [index, due] of this.wantAt)
      if (!this.have.get(index)) at.set(index, Math.min(due, at.get(index) ?? due));
    return [...at.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([index]) => index);
  }

  /** A player waits: a piece it needs is due within URGENT_MS and not in hand. */
  waiting(now: number): boolean {
    const dueSoon = (deadlines: ReadonlyMap<number, number>) =>
      [...deadlines].some(([index, at]) => at - now <= URGENT_MS && !this.have.get(index));
    return dueSoon(this.windowAt) || dueSoon(this.wantAt);
  }

  /** Some piece has a deadline of ours (a player or a stream waits). */
  get active(): boolean {
    return this.windowAt.size > 0 || this.wantAt.size > 0;
  }

  /** Does the piece have a deadline of ours? */
  hasDeadline(index: number): boolean {
    return this.windowAt.has(index) || this.wantAt.has(index);
  }

  /** Pieces a stream waits for, by these times; `replace` (a stream that starts mid-file) forgets the earlier ones
   * and cancels what was asked for pieces without a deadline. */
  /** One of the session's streaming events. */
  handle(event: StreamingEvent, now: number): void {
    if (event.type === 'piece-deadlines') {
      // A jump: a piece without a deadline so far, due so soon that it is urgent now; or one past due, whatever
      // deadline it had (the player is blocked on it: a read the window put behind other pieces).
      for (const { index, at } of event.deadlines) {
        if (this.have.get(index) || at - now > URGENT_MS) continue;
        const blocked = this.blocksOutsideWindow(index, at, now);
        if (!this.hasDeadline(index) || blocked) this.jump(index, at, blocked);
      }
      this.setDeadlines(event.deadlines, event.replace ?? false);
      this.followRead(event.deadlines, now);
      this.cancelForUrgent(now);
    } else if (event.type === 'playhead') this.playhead(event, now);
    else this.stopPlayback();
  }

  /** A jump to piece `index`, due at `at`; `blocked`: the player is blocked on it outside the window. A piece urgent
   * before (a read's look-ahead, due within URGENT_MS) was served then, its cancel keeping the window's requests
   * ahead of it; blocked on now, the player reads nothing else until it comes (after a seek, Chromium's demuxer
   * finishes the read it is in first), and it is served again, once. */
  private jump(index: number, at: number, blocked: boolean): void {
    this.jumpDue = Math.min(this.jumpDue ?? at, at);
    if (!blocked || this.blockedServed.has(index)) return;
    this.blockedServed.add(index);
    this.urgentServed.delete(index);
  }

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
    if (replace) this.cancelUnwanted();
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
    if (change === 'seek') this.forgetFarWishes(now);
    this.plan(now);
    // The window moved at once: a seek (or the start) cancels the requests outside it, so it is served first.
    if (change !== 'move') this.cancelUnwanted();
  }

  /** A seek: the pieces the streams waited for far from the new playhead go (the player left the read that wished
   * them; the service worker's newest stream replaces the wishes only once its read turns out not to be a probe, a
   * second later, and until then those past-due wishes came first at the seeder, ahead of the seek's pieces). A stream
   * still blocked there asks again (`behind`, stream-wishes.ts). */
  private forgetFarWishes(now: number): void {
    const { window, file } = this.playing!;
    const { offset } = this.info.files[file];
    const { pieceLength } = this.info;
    for (const index of [...this.wantAt.keys()]) {
      const from = index * pieceLength - offset;
      if (window.near(from, from + pieceLength, now)) continue;
      this.wantAt.delete(index);
      this.apply(index);
    }
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
    this.cancelForUrgent(now);
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

  /** A piece a stream waits for that turned urgent since the last time takes back the requests of every piece that
   * is not urgent. */
  private cancelForUrgent(now: number): void {
    const served = this.urgentServed;
    for (const pieces of [served, this.blockedServed])
      for (const index of pieces) if (!this.hasDeadline(index) || this.have.get(index)) pieces.delete(index);
    const since = now - this.urgentCancelAt;
    const jumpDue = this.jumpDue;
    if (since < (jumpDue !== undefined ? URGENT_JUMP_CANCEL_MS : URGENT_CANCEL_EVERY_MS)) return;
    this.jumpDue = undefined;
    // A stream's wishes only: it asks for a piece when the player blocks on it (the window's deadlines are planned
    // ahead, and taking requests back for them every second would starve the pieces asked last).
    let fresh = false;
    let blocked = false;
    for (const [index, at] of this.wantAt) {
      if (at - now > URGENT_MS || served.has(index) || this.have.get(index)) continue;
      served.add(index);
      fresh = true;
      blocked ||= this.blocksOutsideWindow(index, at, now);
    }
    if (!fresh) return;
    this.urgentCancelAt = now;
    // Every request but those of urgent pieces, the window's later ones too: they are asked again behind them. A
    // player blocked on a read (a stream's piece past its deadline: the service worker's first wish is due at once)
    // keeps only the stream's urgent pieces, not the window's first ones: the window places the playhead by time
    // over duration, and the bytes a player reads after a seek may lie before them (an MP4's samples are not spread
    // evenly); they are asked again right behind. A jump keeps only the streams' pieces due no later than it: the
    // player reads the jump's piece now, and the look-ahead of the read it left (past due when the path is slower
    // than a wish's half second a piece) would otherwise come first at the seeder, a seek's index waiting seconds
    // behind it. The window's urgent pieces keep theirs: the playhead is there.
    this.cancelRequests((index) => {
      const want = this.wantAt.get(index) ?? Infinity;
      const window = blocked ? Infinity : (this.windowAt.get(index) ?? Infinity);
      return window - now <= URGENT_MS || (jumpDue === undefined ? want - now <= URGENT_MS : want <= jumpDue);
    });
  }

  /** A stream's wish whose first piece is needed now (urgent), in the playing file and before the window's start:
   * the window starts there (`PlaybackWindow.readsFrom`), and is fetched in order from it. */
  private followRead(deadlines: ReadonlyArray<{ index: number; at: number }>, now: number): void {
    const first = deadlines[0];
    const playing = this.playing;
    if (!playing || !first || first.at - now > URGENT_MS) return;
    const { offset, length } = this.info.files[playing.file];
    const position = first.index * this.info.pieceLength - offset;
    if (position + this.info.pieceLength <= 0 || position >= length) return;
    if (!playing.window.readsFrom(Math.max(0, position), now)) return;
    this.plan(now);
    // The pieces now at the window's start come before the ones asked already (a peer serves requests about in the
    // order they came: the pipeline to a seeder at 2.4 times the bitrate is a second of its uplink): every request
    // but the stream's urgent ones is taken back, and asked again behind them in the window's order.
    this.cancelRequests((index) => (this.wantAt.get(index) ?? Infinity) - now <= URGENT_MS);
  }

  /** A stream's piece past its deadline (the player is blocked on it) that the playback window does not hold: the
   * window, placed by time over duration, is elsewhere in the bytes (a seek in an MP4). One the window holds is
   * fetched in the window's order already, and taking the window's requests back for each would churn the seeder's
   * queue while the player reads at the edge of the download. */
  private blocksOutsideWindow(index: number, at: number, now: number): boolean {
    return at <= now && !this.windowAt.has(index);
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
