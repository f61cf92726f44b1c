// The one-line summary the tracker logs every summary interval: its size now, and what it did since the last line.
import type { TrackerCounters } from './tracker/counters';

/** What the summary reads of the tracker. */
export interface SummarySource {
  readonly counters: TrackerCounters;
  readonly connectionCount: number;
  readonly swarmCount: number;
  readonly peerCount: number;
}

/** Makes the summary lines of `tracker`, each counting from the one before (the first from now). */
export function summaryLines(tracker: SummarySource, intervalSeconds: number): () => string {
  let last = { ...tracker.counters };
  return () => {
    const now = tracker.counters;
    const delta = (key: keyof TrackerCounters) => now[key] - last[key];
    const line =
      `signal-tracker: ${tracker.connectionCount} connections, ${tracker.swarmCount} swarms, ` +
      `${tracker.peerCount} peers; last ${intervalSeconds} s: ${delta('announces')} announces, ${delta('scrapes')} scrapes, ` +
      `${delta('offersRelayed')} offers, ${delta('answersRelayed')} answers, ${delta('failures')} failures, ` +
      `${delta('peersExpired')} expired, ${delta('connectionsClosedForAbuse')} closed for abuse, ` +
      `${delta('connectionsClosedSilent')} closed silent, ${delta('connectionsRefused')} refused, ` +
      `${delta('answersRefused')} answers refused`;
    last = { ...now };
    return line;
  };
}
