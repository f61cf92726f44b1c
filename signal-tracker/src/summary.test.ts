import { describe, expect, it } from 'vitest';
import { newCounters } from './tracker/counters';
import { summaryLines } from './summary';

describe('summaryLines', () => {
  it('counts what happened since the line before, with the size now', () => {
    const tracker = { counters: newCounters(), connectionCount: 3, swarmCount: 2, peerCount: 5 };
    tracker.counters.announces = 4;
    const next = summaryLines(tracker, 60);
    tracker.counters.announces = 10;
    tracker.counters.answersRefused = 1;
    expect(next()).toMatch(
      /^signal-tracker: 3 connections, 2 swarms, 5 peers; last 60 s: 6 announces, 0 scrapes, .* 1 answers refused$/,
    );
    tracker.counters.announces = 11;
    expect(next()).toContain('last 60 s: 1 announces');
    expect(next()).toContain('0 answers refused');
  });
});
