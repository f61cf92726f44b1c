import { describe, expect, it } from 'vitest';
import { MAX_RESTING, MEET_TIMEOUT_MS, Meetings, RETRY_MS } from './meetings';

describe('Meetings', () => {
  it('counts ours and strangers apart', () => {
    const meetings = new Meetings();
    meetings.start('a', 0);
    meetings.answer('b', 'relay', 0);
    expect([meetings.mine, meetings.answering, meetings.size]).toEqual([1, 1, 2]);
    meetings.end('a', 0, false);
    expect([meetings.mine, meetings.answering]).toEqual([0, 1]);
    expect(meetings.rests('a', 0)).toBe(false);
  });

  it('gives up a meeting after MEET_TIMEOUT_MS and rests the peer for RETRY_MS', () => {
    const meetings = new Meetings();
    meetings.start('a', 0);
    expect(meetings.expire(MEET_TIMEOUT_MS - 1)).toEqual([]);
    expect(meetings.expire(MEET_TIMEOUT_MS).map((m) => m.peer)).toEqual(['a']);
    expect(meetings.mine).toBe(0);
    expect(meetings.rests('a', MEET_TIMEOUT_MS + RETRY_MS - 1)).toBe(true);
    expect(meetings.rests('a', MEET_TIMEOUT_MS + RETRY_MS)).toBe(false);
  });

  it('remembers at most MAX_RESTING resting peers', () => {
    const meetings = new Meetings();
    for (let i = 0; i <= MAX_RESTING; i++) {
      meetings.start(String(i), 0);
      meetings.end(String(i), 0, true);
    }
    expect(meetings.rests('0', 1)).toBe(false);
    expect(meetings.rests(String(MAX_RESTING), 1)).toBe(true);
  });
});
