// The Node host's WebRTC swarm against our tracker: a seeder and a leecher, two Node processes' worth of peers, find
// each other through the tracker's signalling and move a torrent over node-datachannel, byte for byte.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeHost } from '../../../node-host/node-host';
import { makeTorrent } from '../../../node-host/make-torrent';
import { joinRtcSwarm } from '../../../node-host/rtc-swarm';
import {
  cornerCaseFiles,
  readTree,
  removeFolder,
  tempFolder,
  writeFixture,
} from '../../../node-host/testing/fixtures';
import { startServer } from '../server';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function folder(): Promise<string> {
  const path = await tempFolder('rtc-swarm');
  cleanups.push(() => removeFolder(path));
  return path;
}

describe('joinRtcSwarm: the Node host on WebRTC through the tracker', () => {
  it('a leecher downloads a torrent from a seeder it met through the tracker, byte for byte', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} });
    cleanups.push(() => server.close());
    const source = await folder();
    const root = await writeFixture(source, 'share', cornerCaseFiles(32 * 1024), 3);
    const torrent = await makeTorrent(root, { kind: 'v1', pieceLength: 32 * 1024 });

    const seederHost = new NodeHost();
    cleanups.push(() => seederHost.stop());
    const seeder = await seederHost.add({ torrent, folder: source });
    const seeding = joinRtcSwarm(seeder, {
      tracker: `${server.trackerUrl}?client=0`,
      peerId: seederHost.peerId,
    });
    cleanups.push(() => seeding.stop());

    const target = await folder();
    const leecherHost = new NodeHost();
    cleanups.push(() => leecherHost.stop());
    const leecher = await leecherHost.add({ torrent, folder: target });
    const done = new Promise<void>((resolve) => leecher.once('done', resolve));
    const leeching = joinRtcSwarm(leecher, {
      tracker: `${server.trackerUrl}?client=1`,
      peerId: leecherHost.peerId,
    });
    cleanups.push(() => leeching.stop());
    await done;
    expect(await readTree(join(target, 'share'))).toEqual(await readTree(root));
  });
});
