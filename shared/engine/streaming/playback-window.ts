// The playback window: while a file plays, the pieces from the playhead forward, over several seconds of
// media (sized from the file's bitrate) and at least a few pieces, each with the time by which it should be in hand.
// A deadline is when the playhead reaches the piece, less a margin for a second peer to bring it, so it tightens as
// the playhead nears the piece. A playhead that leaves the window, or jumps within it (a short clip's window holds all
// of it), is a seek: the window moves at once. Pure: the playhead, the bitrate and the time are passed in;
// `streaming.ts` turns the window into the picker's deadlines.

/** The file that plays, in the torrent's bytes, and the torrent's pieces. */
export interface PlayedFile {
  /** Where the file starts in the torrent. */
  offset: number;
  length: number;
  pieceLength: number;
  pieceCount: number;
}

/** Where the player is. */
export interface PlayheadReport {
  /** The byte of the file the player is at. */
  position: number;
  /** Bytes of the file per second of media (the file's length over its duration), when the player knows it;
   * otherwise the window measures it from how fast the playhead moves. */
  bytesPerSecond?: number;
  /** Paused, seeking or waiting for data: the playhead does not move on its own. */
  paused?: boolean;
}

/** A piece of the window and the time (ms, the caller's clock) by which it should be in hand. */
export interface WindowPiece {
  index: number;
  at: number;
}

export interface WindowOptions {
  /** Media ahead of the playhead in the window, in seconds. Default 10 (never under MIN_AHEAD_SECONDS). */
  aheadSeconds?: number;
  /** Media behind the playhead kept in the window (the playhead is an estimate), in seconds. Default 1. */
  behindSeconds?: number;
  /** The window holds at least this many pieces (when the file has them). Default 4. */
  minPieces?: number;
  /** And at most this many. Default 512. */
  maxPieces?: number;
  /** A piece's deadline comes this long before the playhead reaches it: time for a second peer to bring it when
   * the first is late. Default 1000 ms. */
  marginMs?: number;
  /** The bitrate assumed before the player tells it or it is measured, bytes per second. Default 512 KiB/s. */
  defaultBytesPerSecond?: number;
}

/** However it is configured, the window reaches at least this far ahead. */
export const MIN_AHEAD_SECONDS = 8;
/** The playhead is extrapolated while playing for at most this long after a report. */
const EXTRAPOLATE_MS = 5_000;
/** A playhead this many seconds of media past where playing on would put it, or this far back, jumped: a seek. More
 * than a timeupdate's spacing at any playback rate, so that playing fast or a late report is not taken for one. */
export const SEEK_JUMP_SECONDS = 2;
/** A measured rate needs reports at least this far apart. */
const MEASURE_MIN_MS = 500;
/** Weight of a new measurement in the measured rate. */
const MEASURE_WEIGHT = 0.3;

/** What a report did to the window: the first report, a jump out of it (a seek), or a move within it. */
export type WindowChange = 'start' | 'seek' | 'move';

export class PlaybackWindow {
  private readonly aheadSeconds: number;
  private readonly behindSeconds: number;
  private readonly minPieces: number;
  private readonly maxPieces: number;
  private readonly marginMs: number;
  /** The last report: where, when, playing or not. */
  private last: { position: number; at: number; paused: boolean } | undefined;
  /** The bitrate the player told, or the one measured, bytes per second. */
  private told: number | undefined;
  private measured: number | undefined;
  private readonly defaultRate: number;
  /** The window as last planned, in file bytes [from, to). */
  private span: { from: number; to: number } | undefined;
  /** Where a stream reads, when that is before the window's start (`readsFrom`). */
  private readAt: number | undefined;
  /** Where a stream last read (`readsFrom`), before the window or not. */
  private lastRead: number | undefined;
  /** The bytes the read a seek left may go on through: from where it last read to the end of the window the playhead
   * left (`continuesReadLeft`). */
  private readLeft: { from: number; to: number } | undefined;

  constructor(
    readonly file: PlayedFile,
    options: WindowOptions = {},
  ) {
    if (!(file.length > 0) || !(file.pieceLength > 0)) throw new RangeError('an empty file does not play');
    this.aheadSeconds = Math.max(MIN_AHEAD_SECONDS, options.aheadSeconds ?? 10);
    this.behindSeconds = Math.max(0, options.behindSeconds ?? 1);
    this.minPieces = Math.max(1, options.minPieces ?? 4);
    this.maxPieces = Math.max(this.minPieces, options.maxPieces ?? 512);
    this.marginMs = Math.max(0, options.marginMs ?? 1_000);
    this.defaultRate = options.defaultBytesPerSecond ?? 512 * 1024;
  }

  /** Bytes of the file per second of media: as told, else as measured, else the default. */
  get bytesPerSecond(): number {
    return this.told ?? this.measured ?? this.defaultRate;
  }

  /** The player is at `report.position` at `now`: a seek when that is outside the window. */
  report(report: PlayheadReport, now: number): WindowChange {
    const position = Math.min(Math.max(0, report.position), this.file.length - 1);
    const paused = report.paused ?? false;
    const rate = report.bytesPerSecond;
    if (rate !== undefined && Number.isFinite(rate) && rate > 0) this.told = rate;
    const change = this.change(position, now);
    if (change === 'seek') {
      const { lastRead, span } = this;
      this.readLeft = lastRead !== undefined && span ? { from: lastRead, to: span.to } : undefined;
      this.readAt = undefined;
    }
    const last = this.last;
    if (
      change === 'move' &&
      last &&
      !last.paused &&
      now - last.at >= MEASURE_MIN_MS &&
      position > last.position
    ) {
      const sample = ((position - last.position) * 1000) / (now - last.at);
      this.measured =
        this.measured === undefined ? sample : this.measured + MEASURE_WEIGHT * (sample - this.measured);
    }
    this.last = { position, at: now, paused };
    this.span = this.bounds(now);
    return change;
  }

  /**
   * A stream of the file reads (and waits) at byte `position`. The window places the playhead by time over duration,
   * as if the file's bytes were spread evenly over its media; a player that seeks reads from the keyframe before its
   * target, by its own index, and that may lie before the window's start (an MP4 seek to 80 % read three pieces
   * before it in the bench, each then asked alone as the player reached it). The window then starts there, as long
   * as it is at most `aheadSeconds` of media before the playhead and not the read the last seek left going on.
   * Returns whether the window's start moved.
   */
  readsFrom(position: number, now: number): boolean {
    if (!this.last || !Number.isFinite(position)) return false;
    const continued = this.continuesReadLeft(position);
    this.lastRead = position;
    if (continued) return false;
    const head = this.playhead(now);
    if (!(position < head) || !this.withinReach(position, head)) return false;
    const before = this.bounds(now).from;
    this.readAt = Math.max(0, position);
    return this.bounds(now).from < before;
  }

  /** What a report of the playhead at `position` does to the window as last planned. */
  private change(position: number, now: number): WindowChange {
    const span = this.span;
    if (!span) return 'start';
    const out = position < span.from || position >= span.to;
    return out || this.jumped(position, now) ? 'seek' : 'move';
  }

  /** Did the playhead jump to `position`: more than SEEK_JUMP_SECONDS of media past where playing on from the last
   * report puts it, or that far before the last report? A stall falls behind the first and never before the second.
   * Only with the bitrate the player told (from its duration): then position over rate is the media's time. */
  private jumped(position: number, now: number): boolean {
    const last = this.last;
    // A rate measured from the playhead's own moves would take a bitrate above the default for jumps.
    if (!last || this.told === undefined) return false;
    const jump = SEEK_JUMP_SECONDS * this.told;
    return position > this.playhead(now) + jump || position < last.position - jump;
  }

  /** Is a read at byte `position` the one the last seek left, going on: at or after where it last read, within the
   * window the playhead left? After a seek to 80 % of a short clip, the demuxer finishes the read it was blocked in
   * before it reads for the seek; the window started there (as at the keyframe before the target) would fetch
   * everything from it to the target first. A read before it is another (an MP4's keyframe read earlier in the file). */
  private continuesReadLeft(position: number): boolean {
    const left = this.readLeft;
    return left !== undefined && position >= left.from && position < left.to;
  }

  /** Is a read at byte `position` this playback's, with the playhead at `head`: at or before it, by at most
   * `aheadSeconds` of media (a read farther back is another's)? */
  private withinReach(position: number, head: number): boolean {
    return position <= head && head - position <= this.aheadSeconds * this.bytesPerSecond;
  }

  /** Do the file's bytes [from, to) touch the window or the `aheadSeconds` of media before it, where a player that
   * seeks reads from (`readsFrom`)? */
  near(from: number, to: number, now: number): boolean {
    const span = this.bounds(now);
    return to > span.from - this.aheadSeconds * this.bytesPerSecond && from < span.to;
  }

  /** Where the playhead is at `now`, in file bytes: the last report, moved on at the bitrate while playing. */
  playhead(now: number): number {
    const last = this.last;
    if (!last) return 0;
    if (last.paused) return last.position;
    const elapsed = Math.min(Math.max(0, now - last.at), EXTRAPOLATE_MS);
    return Math.min(this.file.length - 1, last.position + (elapsed * this.bytesPerSecond) / 1000);
  }

  /** The window's bytes of the file at `now`, [from, to). */
  private bounds(now: number): { from: number; to: number } {
    const { file } = this;
    const rate = this.bytesPerSecond;
    const head = this.playhead(now);
    let from = Math.max(0, head - this.behindSeconds * rate);
    // A stream's read before it, not too far behind the playhead (readsFrom).
    const readAt = this.readAt;
    if (readAt !== undefined && this.withinReach(readAt, head)) from = Math.min(from, readAt);
    // From the playhead's piece (in the torrent), at least minPieces and aheadSeconds of media.
    const headPiece = Math.floor((file.offset + head) / file.pieceLength);
    const minTo = (headPiece + this.minPieces) * file.pieceLength - file.offset;
    const to = Math.min(file.length, Math.max(head + this.aheadSeconds * rate, minTo));
    return { from, to: Math.max(to, head + 1) };
  }

  /** The window's pieces at `now`, in order, each with its deadline; empty before the first report. */
  pieces(now: number): WindowPiece[] {
    const last = this.last;
    if (!last) return [];
    const { file } = this;
    const span = (this.span = this.bounds(now));
    const rate = this.bytesPerSecond;
    // While playing, the deadlines were set by the last report and tighten as time passes; paused, they hold.
    const base = last.paused ? now : last.at;
    const first = Math.floor((file.offset + span.from) / file.pieceLength);
    const lastIndex = Math.min(
      file.pieceCount - 1,
      Math.floor((file.offset + span.to - 1) / file.pieceLength),
      first + this.maxPieces - 1,
    );
    const out: WindowPiece[] = [];
    for (let index = first; index <= lastIndex; index++) {
      const start = index * file.pieceLength - file.offset;
      const ahead = Math.max(0, start - last.position);
      out.push({ index, at: Math.floor(base + (ahead * 1000) / rate - this.marginMs) });
    }
    return out;
  }
}
