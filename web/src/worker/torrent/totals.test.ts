import { describe, expect, it } from 'vitest';
import { totalsKey } from '../../lib/storage/storage';
import { TOTALS_PERSIST_MS, Totals } from './totals';
import { fakeInfo, fakeStats, FakeSession, FakeWriter } from './testing/fakes';

function setup(record = { infoHashHex: 'ab', uploaded: 100, downloaded: 1000 } as const) {
  let now = 0;
  const session = new FakeSession();
  let current: FakeSession | undefined = session;
  const counted = { ...record, length: undefined as number | undefined };
  const totals = new Totals(
    counted,
    () => current,
    () => now,
  );
  return {
    totals,
    session,
    counted,
    at: (ms: number) => (now = ms),
    drop: () => (current = undefined),
  };
}

describe('Totals', () => {
  it("are the earlier sessions' plus the current session's own counts", () => {
    const { totals, session } = setup();
    session.counts = { downloaded: 50, uploaded: 5 };
    expect(totals.uploaded()).toBe(105);
    expect(totals.downloaded()).toBe(1050);
  });

  it("carry a session's counts over to the next one", () => {
    const { totals, session } = setup();
    session.counts = { downloaded: 50, uploaded: 5 };
    totals.carryOver();
    session.counts = { downloaded: 0, uploaded: 0 };
    expect(totals.downloaded()).toBe(1050);
  });

  it('fall back on the last stats when the session cannot say (none, or it throws)', () => {
    const { totals, session, drop } = setup();
    session.stats = () => fakeStats({ downloaded: 7, uploaded: 3 });
    totals.refresh(session, 0);
    session.totals = () => {
      throw new Error('broken');
    };
    expect(totals.downloaded()).toBe(1007);
    drop();
    expect(totals.uploaded()).toBe(103);
    totals.sessionStarted();
    expect(totals.stats).toBeUndefined();
    expect(totals.uploaded()).toBe(100);
  });

  it('are due when they changed and the last write is TOTALS_PERSIST_MS old, counting pieces on their way', async () => {
    const { totals, session, counted, at } = setup();
    const writer = new FakeWriter();
    expect(totals.due()).toBe(true);
    await totals.write(writer);
    expect(writer.puts).toEqual([[totalsKey('ab'), { uploaded: 100, downloaded: 1000 }]]);
    at(TOTALS_PERSIST_MS - 1);
    session.counts = { downloaded: 10, uploaded: 0 };
    expect(totals.due()).toBe(false);
    at(TOTALS_PERSIST_MS);
    expect(totals.due()).toBe(true);
    totals.storing(16384);
    totals.count();
    expect(counted.downloaded).toBe(1000 + 10 + 16384);
    totals.stored(16384);
    at(2 * TOTALS_PERSIST_MS);
    expect(totals.due()).toBe(true);
  });

  it('swallow a failed write (the piece in the same transaction reports it)', async () => {
    const { totals } = setup();
    const writer = new FakeWriter();
    writer.fail = new Error('quota');
    await expect(totals.write(writer)).resolves.toBeUndefined();
  });

  it("tell the tracker what is left: the session's figure, else the info's length less what is stored", () => {
    const { totals, session, counted } = setup();
    const info = fakeInfo([{ name: 'a', length: 100 }], 10);
    expect(totals.left(info, 30)).toBe(70);
    // Metadata unknown: a leecher all the same (the link's length, else 1).
    expect(totals.left(undefined, 0)).toBe(1);
    counted.length = 500;
    expect(totals.left(undefined, 0)).toBe(500);
    session.stats = () => fakeStats({ left: 40, downloaded: 2 });
    totals.refresh(session, 0);
    expect(totals.announce(info, 30)).toEqual({ uploaded: 100, downloaded: 1000, left: 40 });
  });
});
