import { describe, expect, it } from 'vitest';
import { scrape } from './scrape';
import { RecordingDirectory, settle } from './testing/directory';
import { connectTo, hash, join, peerId, testRooms } from './testing/rooms';

describe('scrape', () => {
  it('counts the swarms asked for, and refuses to list them all', () => {
    const rooms = testRooms();
    const { connection, session } = connectTo(rooms);
    join(rooms, session, hash('s'), peerId('a'));
    scrape(rooms, session, { kind: 'scrape', infoHashes: [hash('s'), hash('t')] }, 0);
    scrape(rooms, session, { kind: 'scrape', infoHashes: null }, 0);
    expect(connection.take()).toEqual([
      {
        action: 'scrape',
        files: {
          [hash('s')]: { complete: 0, incomplete: 1, downloaded: 0 },
          [hash('t')]: { complete: 0, incomplete: 0, downloaded: 0 },
        },
        flags: { min_request_interval: 10 },
      },
      { 'failure reason': 'scrape needs info_hash: this tracker does not list its swarms', action: 'scrape' },
    ]);
    expect(rooms.counters.scrapes).toBe(1);
  });

  it("takes the cluster's counts while its directory answers, and its own when it fails", async () => {
    const rooms = testRooms();
    const directory = new RecordingDirectory();
    directory.counted.set(hash('s'), { complete: 3, incomplete: 4 });
    rooms.cluster.join(directory);
    const { connection, session } = connectTo(rooms);
    scrape(rooms, session, { kind: 'scrape', infoHashes: [hash('s')] }, 0);
    await settle();
    directory.failing = true;
    scrape(rooms, session, { kind: 'scrape', infoHashes: [hash('s')] }, 0);
    await settle();
    const files = connection.take().map((reply) => (reply.files as Record<string, unknown>)[hash('s')]);
    expect(files).toEqual([
      { complete: 3, incomplete: 4, downloaded: 0 },
      { complete: 0, incomplete: 0, downloaded: 0 },
    ]);
  });
});
