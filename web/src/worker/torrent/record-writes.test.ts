import { describe, expect, it } from 'vitest';
import { torrentKey } from '../../lib/storage/storage';
import type { TorrentRecord } from '../storage/records';
import { RecordWrites } from './record-writes';
import { FakeWriter } from './testing/fakes';

function setup(removed = false) {
  const writer = new FakeWriter();
  const failures: string[] = [];
  const counted: string[] = [];
  const record = {
    infoHashHex: 'ab',
    name: 'a',
    trackers: [],
    storageId: 'ab',
    addedAt: 1,
    uploaded: 0,
    downloaded: 0,
    paused: false,
  } as TorrentRecord;
  const totals = {
    count: () => void counted.push('count'),
    write: async () => void counted.push('write'),
  };
  const writes = new RecordWrites(record, totals, {
    writer,
    removed: () => removed,
    fail: (r) => failures.push(r),
  });
  return { writes, writer, failures, counted };
}

describe('RecordWrites', () => {
  it('writes the record with its totals counted in it', async () => {
    const { writes, writer, counted } = setup();
    expect(await writes.persist(false)).toBe(true);
    expect(counted).toEqual(['count']);
    expect(writer.puts.map(([key]) => key)).toEqual([torrentKey('ab')]);
  });

  it('fails the torrent when a critical write fails, and says it was not written', async () => {
    const { writes, writer, failures } = setup();
    writer.fail = new Error('disk gone');
    expect(await writes.persist(false)).toBe(false);
    expect(failures).toEqual([]);
    expect(await writes.persist(true)).toBe(false);
    expect(failures).toEqual(['storage failed: disk gone']);
  });

  it('writes nothing for a removed torrent', async () => {
    const { writes, writer, counted } = setup(true);
    expect(await writes.persist(true)).toBe(false);
    writes.persistTotals();
    expect(writer.puts).toEqual([]);
    expect(counted).toEqual([]);
  });
});
