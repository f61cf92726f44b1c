import { describe, expect, it } from 'vitest';
import type { WorkerToMain } from '../../lib/messages/protocol';
import { TorrentIdentity } from './identity';
import { Totals } from './totals';
import { TrackerReports } from './tracker-reports';
import { fakeInfo, fakeStats, FakeSession } from './testing/fakes';

const info = fakeInfo([{ name: 'a', length: 100 }], 10);

function setup() {
  const posted: WorkerToMain[] = [];
  const failures: string[] = [];
  const session = new FakeSession();
  let live: FakeSession | undefined = session;
  const record = { infoHashHex: 'ab', name: 'a', trackers: ['wss://t'], uploaded: 10, downloaded: 20 };
  const totals = new Totals(
    record,
    () => session,
    () => 0,
  );
  const reports = new TrackerReports(new TorrentIdentity(record), totals, {
    post: (message) => posted.push(message),
    clock: () => 0,
    live: () => live,
    fail: (reason) => failures.push(reason),
    info: () => info,
    storedBytes: () => 30,
  });
  return { reports, posted, failures, session, totals, halt: () => (live = undefined) };
}

describe('TrackerReports', () => {
  it("announces the totals and the session's bytes left, read as the announce goes out", () => {
    const { reports, session } = setup();
    session.stats = () => fakeStats({ left: 60, uploaded: 1, downloaded: 2 });
    session.counts = { uploaded: 1, downloaded: 2 };
    expect(reports.announceStats()).toEqual({ uploaded: 11, downloaded: 22, left: 60 });
  });

  it('tells the main thread when the torrent becomes active or inactive', () => {
    const { reports, posted, halt } = setup();
    reports.postActive();
    halt();
    reports.postInactive();
    const stats = { uploaded: 10, downloaded: 20, left: 0 };
    expect(posted).toEqual([
      { type: 'torrent-active', infoHashHex: 'ab', trackers: ['wss://t'], stats },
      { type: 'torrent-inactive', infoHashHex: 'ab', stats },
    ]);
  });

  it('keeps the last stats of a halted session, and fails the torrent when the session throws', () => {
    const { reports, session, failures, totals, halt } = setup();
    reports.refreshStats();
    const last = totals.stats;
    halt();
    session.stats = () => {
      throw new Error('gone');
    };
    reports.refreshStats();
    expect(totals.stats).toBe(last);
    expect(failures).toEqual([]);
    const broken = setup();
    broken.session.stats = () => {
      throw new Error('bad state');
    };
    broken.reports.refreshStats();
    expect(broken.failures).toEqual(['engine error: bad state']);
  });
});
