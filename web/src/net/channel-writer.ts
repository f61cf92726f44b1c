// Writes the worker's bytes to one RTCDataChannel with backpressure: send while the channel's buffered amount
// is under a high-water mark, queue otherwise, resume on 'bufferedamountlow'. A message larger than the
// channel's limit is split (as views, no copy). An optional tab-wide upload limit spaces the sends.

import { LookCadence } from '../../../shared/engine/upload/look-cadence';
import { MAX_MESSAGE_BYTES, type Defer } from '../lib/messages/task';
import type { UploadQueueReport } from '../../../shared/host/upload-queue-report';

export { deferTask, MAX_MESSAGE_BYTES, type Defer } from '../lib/messages/task';
/** Keep at most this much in the channel's own buffer (its hard limit is 16 MiB). */
export const HIGH_WATER_BYTES = 256 * 1024;
/** Our queue in front of the channel: over BACKLOG_BYTES the peer is reported backlogged (the engine stops reading
 * blocks for it), under DRAINED_BYTES drained again. The engine's reads already under way (16 blocks per peer) and
 * control messages still come, so the queue stays far below MAX_QUEUED_BYTES; a queue past that is a bug or a
 * peer we cannot serve, and the connection is closed. */
export const BACKLOG_BYTES = 1024 * 1024;
export const DRAINED_BYTES = 256 * 1024;
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** Under an upload limit the backlog is a second of sending (at least this much): the requests behind it stay in the
 * engine, where a cancel (a player's seek) still reaches them, instead of waiting here for many seconds. */
export const LIMITED_BACKLOG_MIN_BYTES = 64 * 1024;

/** Told when the writer's queue crosses BACKLOG_BYTES (true) and falls back under DRAINED_BYTES (false). */
export type BacklogListener = (backlogged: boolean) => void;

/** The parts of an RTCDataChannel the writer uses. */
export interface ChannelLike {
  readonly bufferedAmount: number;
  readonly readyState: string;
  send(data: Uint8Array<ArrayBuffer>): void;
  addEventListener(type: 'bufferedamountlow', listener: () => void): void;
  removeEventListener(type: 'bufferedamountlow', listener: () => void): void;
}

/** A token bucket for upload bytes per second, shared by every channel of the tab. 0 = unlimited. */
export class RateLimiter {
  private tokens = 0;
  private last: number;
  private rate = 0;
  /** How long the writers' waits for the limit take (a clamped timer's are a second, whatever they asked). */
  private readonly waits = new LookCadence();

  constructor(
    bytesPerSecond = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = now();
    this.setRate(bytesPerSecond);
  }

  get bytesPerSecond(): number {
    return this.rate;
  }

  /** The most bytes worth sending at once under the limit (unlimited: Infinity). */
  get maxBurst(): number {
    return this.rate > 0 ? this.burst() : Infinity;
  }

  setRate(bytesPerSecond: number): void {
    this.refill();
    this.rate = Number.isFinite(bytesPerSecond) && bytesPerSecond > 0 ? bytesPerSecond : 0;
    this.tokens = Math.min(this.tokens, this.burst());
  }

  /** A writer begins a wait for the limit: the returned function, called when the wait is over, counts it. */
  waitBegins(): () => void {
    const at = this.now();
    return () => this.waits.waited(this.now() - at);
  }

  /** Milliseconds to wait before `bytes` may be sent; 0 means now (and the bytes are taken). */
  take(bytes: number): number {
    if (this.rate === 0) return 0;
    this.refill();
    if (this.tokens <= 0) return Math.max(1, Math.ceil((-this.tokens / this.rate) * 1000));
    this.tokens -= bytes;
    return 0;
  }

  private burst(): number {
    // About a quarter second of data, at least one block, so small limits stay smooth; where the waits take longer
    // (a clamped timer), what they take, more than covered, so that each wake sends what the limit allows.
    return Math.max(16_384, (this.rate * this.waits.windowMs(BURST_MS)) / 1000);
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last) / 1000;
    this.last = t;
    if (this.rate > 0) this.tokens = Math.min(this.burst(), this.tokens + elapsed * this.rate);
  }
}

/** The upload limit's burst, in time at the limit, where its waits take no longer. */
export const BURST_MS = 250;

/** The wire id of BEP 3's `piece` message, and its header: length prefix, id, index, begin. */
const PIECE_ID = 7;
const PIECE_HEADER_BYTES = 13;

/** Timers a writer waits on (for room in the channel's buffer, or for the upload limit). */
export interface WriterTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const OWN_TIMERS: WriterTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ChannelWriter {
  private readonly queue: Array<Uint8Array<ArrayBuffer>> = [];
  private queued = 0;
  private timer: unknown;
  /** Whose timers the waits run on (the page's wake clock where the page holds the channel: a hidden page's own
   * timers run once a second at best). */
  private timers: WriterTimers = OWN_TIMERS;
  /** What the pending timer waits for: room in the channel's buffer, or the upload limit. */
  private waitingFor: 'buffer' | 'limit' | undefined;
  private closed = false;
  private flushScheduled = false;
  private backlogged = false;
  /** Where what this connection holds is summed for the engine's pacing (shared/host/upload-queue-report.ts). */
  private report: UploadQueueReport | undefined;
  private readonly onLow = () => {
    this.report?.changed();
    if (this.waitingFor === 'buffer') {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
      this.waitingFor = undefined;
    }
    this.pump();
  };

  constructor(
    private readonly channel: ChannelLike,
    private readonly limiter: RateLimiter | undefined = undefined,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly highWater = HIGH_WATER_BYTES,
    /** How writes are deferred to merge a burst; undefined writes at once. */
    private readonly defer: Defer | undefined = undefined,
    private readonly onBacklog: BacklogListener = () => {},
  ) {
    channel.addEventListener('bufferedamountlow', this.onLow);
  }

  /** Bytes waiting in our queue (not yet handed to the channel). */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Bytes that have not left: our queue and the channel's own buffer. */
  get heldBytes(): number {
    if (this.closed) return 0;
    return this.queued + (this.channel.readyState === 'open' ? this.channel.bufferedAmount : 0);
  }

  /** Runs the writer's waits on `timers` from now on. */
  waitOn(timers: WriterTimers): void {
    this.timers = timers;
  }

  /** Counts this connection in a torrent's upload-queue report (until it closes), as `peer`'s where given. */
  reportTo(report: UploadQueueReport, peer?: string): void {
    this.report = report;
    report.add(this, peer);
  }

  write(data: ArrayBuffer): void {
    if (this.closed) return;
    for (let at = 0; at < data.byteLength; at += MAX_MESSAGE_BYTES) {
      const chunk = new Uint8Array(data, at, Math.min(MAX_MESSAGE_BYTES, data.byteLength - at));
      this.queue.push(chunk);
      this.queued += chunk.byteLength;
    }
    if (this.queued > MAX_QUEUED_BYTES) {
      this.close();
      this.onError(new Error(`the peer is not reading: over ${MAX_QUEUED_BYTES} bytes queued`));
      return;
    }
    this.reportBacklog();
    this.report?.changed();
    if (!this.defer) {
      this.pump();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.defer(() => {
        this.flushScheduled = false;
        this.pump();
      });
    }
  }

  /**
   * Drops the `piece` message of that block if it is still in our queue (written whole, not handed to the channel
   * yet): the peer cancelled it, and the blocks queued ahead of a player's urgent piece are what it waits behind.
   * True if it was dropped. What the channel holds already is out of reach.
   */
  retract(index: number, begin: number, length: number): boolean {
    const size = PIECE_HEADER_BYTES + length;
    for (let i = 0; i < this.queue.length; i++) {
      const chunk = this.queue[i];
      // Only a whole written message: a chunk that is all of its buffer (a part of a larger write, or of a front
      // split for the upload limit, is a view of a larger buffer).
      if (chunk.byteLength !== size || chunk.byteOffset !== 0 || chunk.buffer.byteLength !== size) continue;
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (view.getUint32(0) !== size - 4 || view.getUint8(4) !== PIECE_ID) continue;
      if (view.getUint32(5) !== index || view.getUint32(9) !== begin) continue;
      this.queue.splice(i, 1);
      this.queued -= size;
      this.reportBacklog();
      this.report?.changed();
      return true;
    }
    return false;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.queued = 0;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.channel.removeEventListener('bufferedamountlow', this.onLow);
    this.report?.remove(this);
    this.report = undefined;
  }

  private pump(): void {
    if (this.closed || this.timer !== undefined) return;
    while (this.queue.length > 0) {
      if (this.channel.readyState !== 'open') return;
      if (this.channel.bufferedAmount >= this.highWater) {
        // 'bufferedamountlow' resumes; a slow timer guards against a missed event.
        this.wait(250, 'buffer');
        return;
      }
      this.splitFront();
      const count = this.mergeable();
      const size = this.sizeOf(count);
      const delay = this.limiter?.take(size) ?? 0;
      if (delay > 0) {
        this.wait(delay, 'limit');
        return;
      }
      const message = count === 1 ? this.queue[0] : this.merge(count, size);
      this.queue.splice(0, count);
      this.queued -= size;
      this.reportBacklog();
      try {
        this.channel.send(message);
      } catch (error) {
        this.close();
        this.onError(error);
        return;
      }
    }
  }

  /**
   * Under an upload limit a message is at most the limiter's burst: a larger chunk (the worker posts runs of blocks
   * of up to 256 KiB at once) is cut into views, so that the limit paces sends in small steps, not one 256 KiB
   * burst followed by a long wait.
   */
  private splitFront(): void {
    const cap = this.limiter?.maxBurst ?? Infinity;
    const front = this.queue[0];
    if (front.byteLength <= cap) return;
    const head = front.subarray(0, cap);
    const tail = front.subarray(cap);
    this.queue.splice(0, 1, head, tail);
  }

  /**
   * How many queued chunks go out as one message. A backlog of small messages (16 KiB blocks) costs the
   * browser far more per message than the copy that merges them, so up to MAX_MESSAGE_BYTES are merged.
   */
  private mergeable(): number {
    const cap = Math.min(MAX_MESSAGE_BYTES, this.limiter?.maxBurst ?? Infinity);
    let total = this.queue[0].byteLength;
    let count = 1;
    while (count < this.queue.length && total + this.queue[count].byteLength <= cap) {
      total += this.queue[count].byteLength;
      count++;
    }
    return count;
  }

  private sizeOf(count: number): number {
    let size = 0;
    for (let i = 0; i < count; i++) size += this.queue[i].byteLength;
    return size;
  }

  private merge(count: number, size: number): Uint8Array<ArrayBuffer> {
    const message = new Uint8Array(size);
    let at = 0;
    for (let i = 0; i < count; i++) {
      message.set(this.queue[i], at);
      at += this.queue[i].byteLength;
    }
    return message;
  }

  /** Bytes queued over which the peer is backlogged: BACKLOG_BYTES, or a second's worth under an upload limit. */
  private backlogBytes(): number {
    const rate = this.limiter?.bytesPerSecond ?? 0;
    return rate > 0 ? Math.min(BACKLOG_BYTES, Math.max(LIMITED_BACKLOG_MIN_BYTES, rate)) : BACKLOG_BYTES;
  }

  private reportBacklog(): void {
    const high = this.backlogBytes();
    const low = high === BACKLOG_BYTES ? DRAINED_BYTES : high / 4;
    const backlogged = this.backlogged ? this.queued > low : this.queued > high;
    if (backlogged === this.backlogged) return;
    this.backlogged = backlogged;
    this.onBacklog(backlogged);
  }

  private wait(ms: number, reason: 'buffer' | 'limit'): void {
    this.timers.clearTimeout(this.timer);
    this.waitingFor = reason;
    const over = reason === 'limit' ? this.limiter?.waitBegins() : undefined;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.waitingFor = undefined;
      over?.();
      this.pump();
    }, ms);
  }
}
