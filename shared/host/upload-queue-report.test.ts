import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KEEPALIVE_MS, POLL_MS, UploadQueueReport } from './upload-queue-report';
import { timerClock as clock } from '../testing/timer-clock';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('UploadQueueReport (a torrent’s bytes not yet sent, for the engine’s pacing)', () => {
  it('reports the sum at once, then every change it sees, looking every POLL_MS while bytes are held', () => {
    const reports: number[] = [];
    const report = new UploadQueueReport((bytes) => reports.push(bytes), clock);
    const a = { heldBytes: 1000 };
    const b = { heldBytes: 500 };
    report.add(a);
    report.add(b);
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([1500]);
    a.heldBytes = 200;
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([1500, 700]);
    vi.advanceTimersByTime(5 * POLL_MS); // unchanged: nothing new
    expect(reports).toEqual([1500, 700]);
    a.heldBytes = 0;
    b.heldBytes = 0;
    vi.advanceTimersByTime(POLL_MS);
    expect(reports.at(-1)).toBe(0);
  });

  it('names each keyed connection that holds bytes beside the sum; an unnamed one counts in the sum only', () => {
    const reports: Array<[number, Array<[string, number]>]> = [];
    const report = new UploadQueueReport((bytes, byPeer) => reports.push([bytes, byPeer]), clock);
    const a = { heldBytes: 1000 };
    const b = { heldBytes: 0 };
    const unnamed = { heldBytes: 300 };
    report.add(a, 'c1');
    report.add(b, 'c2');
    report.add(unnamed);
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([[1300, [['c1', 1000]]]]);
    b.heldBytes = 400;
    vi.advanceTimersByTime(POLL_MS);
    expect(reports.at(-1)).toEqual([
      1700,
      [
        ['c1', 1000],
        ['c2', 400],
      ],
    ]);
  });

  it('repeats itself every KEEPALIVE_MS while idle, and looks again POLL_MS after a change', () => {
    const reports: number[] = [];
    const report = new UploadQueueReport((bytes) => reports.push(bytes), clock);
    const source = { heldBytes: 0 };
    report.add(source);
    vi.advanceTimersByTime(POLL_MS + KEEPALIVE_MS - 1);
    expect(reports).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(reports).toEqual([0, 0]);
    source.heldBytes = 16_384;
    report.changed();
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([0, 0, 16_384]);
    // A block written and gone before the next look: the same figure, reported again (the engine counted the block).
    source.heldBytes = 0;
    vi.advanceTimersByTime(POLL_MS);
    report.changed();
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([0, 0, 16_384, 0, 0]);
  });

  it('stops when its last connection goes, and reports the rest when one goes', () => {
    const reports: number[] = [];
    const report = new UploadQueueReport((bytes) => reports.push(bytes), clock);
    const a = { heldBytes: 100 };
    const b = { heldBytes: 10 };
    report.add(a);
    report.add(b);
    vi.advanceTimersByTime(POLL_MS);
    report.remove(a);
    vi.advanceTimersByTime(POLL_MS);
    expect(reports).toEqual([110, 10]);
    report.remove(b);
    report.changed();
    vi.advanceTimersByTime(10 * KEEPALIVE_MS);
    expect(reports).toEqual([110, 10]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
