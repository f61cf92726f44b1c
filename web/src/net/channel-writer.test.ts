import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BACKLOG_BYTES,
  ChannelWriter,
  DRAINED_BYTES,
  LIMITED_BACKLOG_MIN_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_QUEUED_BYTES,
  RateLimiter,
  type ChannelLike,
} from './channel-writer';
import { POLL_MS, UploadQueueReport } from '../../../shared/host/upload-queue-report';
import { encodeMessage } from '../../../shared/codec/wire';

class FakeChannel implements ChannelLike {
  bufferedAmount = 0;
  readyState = 'open';
  sent: Uint8Array[] = [];
  failNext = false;
  private listeners = new Set<() => void>();
  send(data: Uint8Array): void {
    if (this.failNext) throw new Error('send queue is full');
    if (data.byteLength > MAX_MESSAGE_BYTES) throw new Error('message too large');
    this.sent.push(data);
    this.bufferedAmount += data.byteLength;
  }
  addEventListener(_type: 'bufferedamountlow', listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'bufferedamountlow', listener: () => void): void {
    this.listeners.delete(listener);
  }
  /** The network took everything: the browser fires bufferedamountlow. */
  drain(): void {
    this.bufferedAmount = 0;
    for (const listener of [...this.listeners]) listener();
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

function bytes(n: number): ArrayBuffer {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = i % 251;
  return data.buffer;
}

/** A writer under a 64 kB/s limit whose waits run only when the test runs them (`due`), with `blocks` of 16 kB
 * written. */
function writerOnGivenTimers(blocks: number) {
  const clock = { now: 0 };
  const limiter = new RateLimiter(64_000, () => clock.now);
  const channel = new FakeChannel();
  const writer = new ChannelWriter(channel, limiter, undefined, 10 << 20);
  const due: Array<() => void> = [];
  writer.waitOn({ setTimeout: (run) => due.push(run), clearTimeout: () => {} });
  for (let i = 0; i < blocks; i++) writer.write(bytes(16_000));
  return { channel, due, clock };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ChannelWriter', () => {
  it('reports the peer backlogged when its queue passes the backlog mark, and drained once under the low mark', () => {
    const channel = new FakeChannel();
    const reports: boolean[] = [];
    const errors: unknown[] = [];
    const writer = new ChannelWriter(
      channel,
      undefined,
      (error) => errors.push(error),
      16_384,
      undefined,
      (backlogged) => reports.push(backlogged),
    );
    // A peer that never reads: the channel's buffer stays full, our queue grows.
    channel.bufferedAmount = 1 << 20;
    const block = 16_384 + 13;
    let written = 0;
    while (written <= BACKLOG_BYTES) {
      writer.write(bytes(block));
      written += block;
    }
    expect(reports).toEqual([true]);
    expect(writer.queuedBytes).toBe(written);
    // The channel drains bit by bit: still backlogged until the queue is under the low mark.
    let drains = 0;
    while (writer.queuedBytes > DRAINED_BYTES) {
      expect(reports).toEqual([true]);
      channel.drain();
      drains++;
    }
    expect(drains).toBeGreaterThan(1);
    expect(reports).toEqual([true, false]);
    expect(errors).toEqual([]);
  });

  it('under an upload limit, reports the peer backlogged after a second of sending is queued', () => {
    const channel = new FakeChannel();
    const reports: boolean[] = [];
    let now = 0;
    const limiter = new RateLimiter(20 * 1024, () => now);
    const writer = new ChannelWriter(channel, limiter, undefined, 10 << 20, undefined, (b) =>
      reports.push(b),
    );
    // 20 KiB/s: a second is under the floor of 64 KiB, which is the mark.
    const block = 16_384;
    for (let i = 0; i < 4; i++) writer.write(bytes(block));
    expect(reports).toEqual([]);
    writer.write(bytes(block));
    expect(reports).toEqual([true]);
    expect(writer.queuedBytes).toBeLessThan(LIMITED_BACKLOG_MIN_BYTES + 2 * block);
    // Sending at the limit drains it: drained again under a quarter of the mark.
    for (let step = 0; step < 100 && reports.length < 2; step++) {
      now += 250;
      vi.advanceTimersByTime(250);
    }
    expect(reports).toEqual([true, false]);
    expect(writer.queuedBytes).toBeLessThanOrEqual(LIMITED_BACKLOG_MIN_BYTES / 4);
  });

  it('closes a channel whose queue passes its bound, whatever the sender does', () => {
    const channel = new FakeChannel();
    const errors: unknown[] = [];
    const writer = new ChannelWriter(channel, undefined, (error) => errors.push(error), 16_384);
    channel.bufferedAmount = 1 << 20;
    for (let i = 0; i < 40 && errors.length === 0; i++) writer.write(bytes(MAX_MESSAGE_BYTES));
    expect(String(errors[0])).toMatch(/not reading/);
    expect(writer.queuedBytes).toBe(0);
    expect(channel.listenerCount).toBe(0);
    writer.write(bytes(10));
    expect(writer.queuedBytes).toBe(0);
    expect(MAX_QUEUED_BYTES).toBeLessThan(40 * MAX_MESSAGE_BYTES);
  });

  it('splits a large message into views of at most 262,144 bytes, in order, without copying', () => {
    const channel = new FakeChannel();
    const writer = new ChannelWriter(channel, undefined, undefined, 10 << 20);
    const data = bytes(MAX_MESSAGE_BYTES * 2 + 100);
    writer.write(data);
    expect(channel.sent.map((c) => c.byteLength)).toEqual([MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES, 100]);
    for (const chunk of channel.sent) expect(chunk.buffer).toBe(data);
    expect(channel.sent.map((c) => c.byteOffset)).toEqual([0, MAX_MESSAGE_BYTES, 2 * MAX_MESSAGE_BYTES]);
  });

  it('queues above the high-water mark and resumes on bufferedamountlow', () => {
    const channel = new FakeChannel();
    const writer = new ChannelWriter(channel, undefined, undefined, 100_000);
    writer.write(bytes(60_000));
    writer.write(bytes(60_000));
    writer.write(bytes(60_000));
    // The second send took the buffer over the mark: the third waits.
    expect(channel.sent).toHaveLength(2);
    expect(writer.queuedBytes).toBe(60_000);
    channel.drain();
    expect(channel.sent).toHaveLength(3);
    expect(writer.queuedBytes).toBe(0);
  });

  it('merges a backlog of small messages into messages of at most 262,144 bytes, in order', () => {
    const channel = new FakeChannel();
    const writer = new ChannelWriter(channel, undefined, undefined, 100_000);
    writer.write(bytes(150_000)); // fills the buffer: what follows queues up
    const small: number[] = [];
    for (let i = 0; i < 40; i++) {
      const data = new Uint8Array(16_397).fill(i);
      small.push(i);
      writer.write(data.buffer);
    }
    expect(channel.sent).toHaveLength(1);
    channel.drain();
    channel.drain();
    channel.drain();
    const merged = channel.sent.slice(1);
    expect(merged.length).toBeLessThan(40);
    for (const message of merged) expect(message.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const all = merged.flatMap((m) => Array.from(m.filter((_, i) => i % 16_397 === 0)));
    expect(all).toEqual(small);
  });

  it('retracts a queued piece message by its block, never one already handed to the channel', () => {
    const channel = new FakeChannel();
    const writer = new ChannelWriter(channel, undefined, undefined, 100_000);
    const piece = (index: number, begin: number, fill: number) => {
      const message = encodeMessage({
        type: 'piece',
        index,
        begin,
        block: new Uint8Array(16_384).fill(fill),
      });
      return message.slice().buffer;
    };
    writer.write(piece(1, 0, 1));
    writer.write(piece(1, 16_384, 2));
    for (let i = 0; i < 8; i++) writer.write(piece(2, i * 16_384, 10 + i));
    const sentBefore = channel.sent.length;
    const queued = writer.queuedBytes;
    // In the channel already: out of reach. Another block, or a length that differs: not there.
    expect(writer.retract(1, 0, 16_384)).toBe(false);
    expect(writer.retract(3, 0, 16_384)).toBe(false);
    expect(writer.retract(2, 5 * 16_384, 1000)).toBe(false);
    expect(writer.retract(2, 5 * 16_384, 16_384)).toBe(true);
    expect(writer.retract(2, 5 * 16_384, 16_384)).toBe(false);
    expect(writer.queuedBytes).toBe(queued - 16_397);
    channel.drain();
    channel.drain();
    const fills = channel.sent
      .slice(sentBefore)
      .flatMap((m) => Array.from({ length: m.byteLength / 16_397 }, (_, k) => m[k * 16_397 + 13]));
    // Seven messages went to the channel before its buffer passed the mark; blocks 5 to 7 of piece 2 queued.
    expect(sentBefore).toBe(7);
    expect(fills).toEqual([16, 17]);
  });

  it('does not retract a part of a larger write that looks like a piece message', () => {
    const channel = new FakeChannel();
    const writer = new ChannelWriter(channel, undefined, undefined, 100_000);
    writer.write(bytes(150_000));
    const block = encodeMessage({ type: 'piece', index: 4, begin: 0, block: new Uint8Array(16_384) });
    // A message whose tail, past the channel's message limit, is a piece message's bytes.
    const large = new Uint8Array(MAX_MESSAGE_BYTES + block.byteLength);
    large.set(block, MAX_MESSAGE_BYTES);
    writer.write(large.buffer);
    expect(writer.retract(4, 0, 16_384)).toBe(false);
  });

  it('merges the writes of one burst when deferred, and sends them in order', () => {
    const channel = new FakeChannel();
    const pending: Array<() => void> = [];
    const writer = new ChannelWriter(channel, undefined, undefined, 1 << 20, (callback) =>
      pending.push(callback),
    );
    for (let i = 0; i < 5; i++) writer.write(new Uint8Array([i, i]).buffer);
    expect(channel.sent).toHaveLength(0);
    expect(pending).toHaveLength(1);
    pending.shift()!();
    expect(channel.sent.map((m) => Array.from(m))).toEqual([[0, 0, 1, 1, 2, 2, 3, 3, 4, 4]]);
  });

  it('resumes on its own timer if the low event never comes', () => {
    const channel = new FakeChannel();
    const writer = new ChannelWriter(channel, undefined, undefined, 100_000);
    writer.write(bytes(150_000));
    writer.write(bytes(10));
    expect(channel.sent).toHaveLength(1);
    channel.bufferedAmount = 0; // drained, but no event
    vi.advanceTimersByTime(300);
    expect(channel.sent).toHaveLength(2);
  });

  it('reports a failed send and stops', () => {
    const channel = new FakeChannel();
    const errors: unknown[] = [];
    const writer = new ChannelWriter(channel, undefined, (e) => errors.push(e));
    channel.failNext = true;
    writer.write(bytes(10));
    expect(errors).toHaveLength(1);
    channel.failNext = false;
    writer.write(bytes(10));
    expect(channel.sent).toHaveLength(0);
    expect(channel.listenerCount).toBe(0);
  });

  it('keeps the bytes under an upload limit', () => {
    let now = 0;
    const limiter = new RateLimiter(64_000, () => now);
    const channel = new FakeChannel();
    const writer = new ChannelWriter(channel, limiter, undefined, 10 << 20);
    for (let i = 0; i < 20; i++) writer.write(bytes(16_000));
    const sentBytes = () => channel.sent.reduce((n, c) => n + c.byteLength, 0);
    // One burst at first (at most a quarter second's worth plus one message)...
    expect(sentBytes()).toBeLessThanOrEqual(16_000 + 16_384);
    // ...then about 64 kB per second.
    for (let t = 0; t < 40; t++) {
      now += 100;
      vi.advanceTimersByTime(100);
    }
    const perSecond = (sentBytes() - 32_000) / 4;
    expect(perSecond).toBeGreaterThan(48_000);
    expect(perSecond).toBeLessThan(80_000);
    limiter.setRate(0);
    now += 100;
    vi.advanceTimersByTime(100);
    expect(sentBytes()).toBe(20 * 16_000);
  });

  it('waits for the upload limit and for room in the buffer on the timers it is given', () => {
    const { channel, due, clock } = writerOnGivenTimers(20);
    const sent = channel.sent.length;
    expect(due).toHaveLength(1);
    // The page's own timers run nothing for it: only the given one resumes the writer.
    clock.now += 1000;
    vi.advanceTimersByTime(1000);
    expect(channel.sent.length).toBe(sent);
    due.shift()!();
    expect(channel.sent.length).toBeGreaterThan(sent);
  });

  it('keeps to the upload limit, not under it, where its waits are clamped to a second', () => {
    // A background tab's clamped timers: whatever a wait asks, it runs at the next whole second.
    const { channel, due, clock } = writerOnGivenTimers(60);
    const sentBytes = () => channel.sent.reduce((n, c) => n + c.byteLength, 0);
    const second = () => {
      clock.now += 1000;
      for (const run of due.splice(0)) run();
    };
    for (let t = 0; t < 5; t++) second(); // the waits are measured
    const before = sentBytes();
    for (let t = 0; t < 10; t++) second();
    const perSecond = (sentBytes() - before) / 10;
    expect(perSecond).toBeGreaterThan(56_000);
    expect(perSecond).toBeLessThan(72_000);
  });

  it("under an upload limit, cuts a large write into views of at most the limiter's burst, in order", () => {
    let now = 0;
    const limiter = new RateLimiter(64_000, () => now);
    const channel = new FakeChannel();
    const writer = new ChannelWriter(channel, limiter, undefined, 10 << 20);
    const data = bytes(200_000);
    writer.write(data);
    for (let t = 0; t < 50; t++) {
      now += 100;
      vi.advanceTimersByTime(100);
    }
    expect(channel.sent.length).toBeGreaterThan(1);
    for (const message of channel.sent) {
      expect(message.byteLength).toBeLessThanOrEqual(limiter.maxBurst);
      expect(message.buffer).toBe(data); // views, not copies
    }
    const joined = new Uint8Array(200_000);
    let at = 0;
    for (const message of channel.sent) {
      joined.set(message, at);
      at += message.byteLength;
    }
    expect(at).toBe(200_000);
    expect(joined).toEqual(new Uint8Array(data));
  });
});

describe('ChannelWriter in an upload-queue report', () => {
  it('counts its queue and the channel’s buffer until they leave, and leaves the report when it closes', () => {
    const channel = new FakeChannel();
    const reports: number[] = [];
    const report = new UploadQueueReport((bytes) => reports.push(bytes), {
      now: () => Date.now(),
      setTimeout: (run, ms) => setTimeout(run, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    });
    const writer = new ChannelWriter(channel, undefined, () => {}, 16_384);
    writer.reportTo(report);
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([0]);
    writer.write(bytes(16_384)); // into the channel's buffer
    writer.write(bytes(16_384)); // over the high-water mark: waits in our queue
    expect(writer.heldBytes).toBe(32_768);
    vi.advanceTimersByTime(POLL_MS);
    expect(reports.at(-1)).toBe(32_768);
    channel.drain(); // the first block left; the second goes into the buffer
    vi.advanceTimersByTime(POLL_MS);
    expect(reports.at(-1)).toBe(16_384);
    channel.drain();
    vi.advanceTimersByTime(POLL_MS);
    expect(reports.at(-1)).toBe(0);
    writer.close();
    expect(report.heldBytes).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
