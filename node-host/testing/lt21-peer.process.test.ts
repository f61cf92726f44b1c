// The libtorrent-2.1-shaped peer (lt21-peer.ts) against SwarmDrop's tracker and SwarmDrop's Node host on WebRTC
// (rtc-swarm.ts: bittorrent-tracker's client on node-datachannel), one STUN server (coturn) for both: v1 and
// hybrid, each side seeding to the other, byte-identical; the tracker's messages all ones libtorrent takes, and
// every description carrying its candidates.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../shared/testing/until';
import { startServer } from '../../signal-tracker/src/server';
import { binaryAvailable, startCoturn, TURNSERVER } from '../../signal-tracker/src/testing/daemons';
import { makeTorrent, type TorrentKind } from '../make-torrent';
import { NodeHost } from '../node-host';
import type { NodeTorrent } from '../node-torrent';
import { joinRtcSwarm } from '../rtc-swarm';
import { cornerCaseFiles, Scratch, treeDifferences, writeFixture } from './fixtures';
import { carriesCandidates, torrentDone } from './lt21-peer';
import { startLt21Process } from './node-process';

const scratch = new Scratch('lt21');
// Closing WebRTC connections, the tracker and coturn (SIGTERM, then a grace) takes a few seconds on a busy machine.
afterEach(() => scratch.cleanup(), 30_000);

let clients = 0;

async function setup(kind: TorrentKind) {
  const coturn = scratch.keep(await startCoturn('lt21-secret'), (daemon) => daemon.stop());
  const stun = `stun:127.0.0.1:${coturn.port}`;
  const server = scratch.keep(
    await startServer({ port: 0, host: '127.0.0.1', staticDir: null, logError: () => {} }),
    (running) => running.close(),
  );
  const source = await scratch.folder();
  const root = await writeFixture(source, 'share', cornerCaseFiles(16 * 1024), 7);
  const torrent = await makeTorrent(root, { kind, pieceLength: 16 * 1024 });
  const tracker = () => `${server.trackerUrl}?client=${clients++}`;
  // The first peer's announce reaches the tracker before the second starts: the second's offers go to the first,
  // which alone answers (nobody announces again once it has every piece).
  const announced = () =>
    until(() => server.tracker.peerCount >= 1, {
      what: 'the first peer announced',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
  return { stun, source, root, torrent, tracker, announced };
}

async function host(torrent: Uint8Array, folder: string): Promise<NodeTorrent> {
  const node = scratch.keep(new NodeHost(), (h) => h.stop());
  return node.add({ torrent, folder });
}

/** The peer in a process of its own: webrtc-polyfill tears down node-datachannel's global state (its `cleanup`)
 * when its own last connection closes, which would take the peer's connections with it in this process. */
async function lt21(torrent: Uint8Array, folder: string, tracker: string, stun: string) {
  const path = join(await scratch.folder(), 'share.torrent');
  await writeFile(path, torrent);
  const peer = await startLt21Process({ tracker, stun, torrent: path, folder });
  return scratch.keep(peer, (p) => p.stop());
}

/** Every description with its candidates in its SDP (gathering complete, nothing trickled after it). */
function gatheredWhole(sdps: string[]): void {
  expect(sdps.length).toBeGreaterThan(0);
  expect(sdps.filter((sdp) => !carriesCandidates(sdp))).toEqual([]);
}

describe.skipIf(!binaryAvailable(TURNSERVER)).each<TorrentKind>(['v1', 'hybrid'])(
  'a libtorrent-2.1-shaped peer, %s',
  (kind) => {
    it('seeds to the Node host on WebRTC, byte-identical', async () => {
      const { stun, source, root, torrent, tracker, announced } = await setup(kind);
      const seeder = await lt21(torrent, source, tracker(), stun);
      await announced();
      const target = await scratch.folder();
      const leecher = await host(torrent, target);
      const swarm = joinRtcSwarm(leecher, {
        tracker: tracker(),
        peerId: new Uint8Array(20).fill(0x41),
        iceServers: [{ urls: stun }],
      });
      scratch.keep(swarm, (s) => s.stop());
      await torrentDone(leecher);
      expect(await treeDifferences(root, join(target, 'share'))).toEqual([]);
      // The Node host offered, the libtorrent-shaped peer answered (the only way: a seeder never announces again).
      const { seen } = await seeder.report();
      expect(seen.opened.answered).toBeGreaterThan(0);
      gatheredWhole(seen.offers);
      expect(seen.refused).toEqual([]);
    });

    it('downloads from the Node host on WebRTC, byte-identical', async () => {
      const { stun, source, root, torrent, tracker, announced } = await setup(kind);
      const seeder = await host(torrent, source);
      const swarm = joinRtcSwarm(seeder, {
        tracker: tracker(),
        peerId: new Uint8Array(20).fill(0x42),
        iceServers: [{ urls: stun }],
      });
      scratch.keep(swarm, (s) => s.stop());
      await announced();
      const target = await scratch.folder();
      const peer = await lt21(torrent, target, tracker(), stun);
      await peer.done();
      const { seen, writes } = await peer.report();
      expect(await treeDifferences(root, join(target, 'share'))).toEqual([]);
      // The peer offered and the Node host answered; bittorrent-tracker's client may offer on an announce of its
      // own too, so either channel may be the one that opened. Every description either way carried candidates.
      expect(seen.opened.offered + seen.opened.answered).toBeGreaterThan(0);
      gatheredWhole([...seen.answers, ...seen.offers]);
      expect(seen.refused).toEqual([]);
      // The peer's requests went out one write at a time (lt21-stream.ts).
      expect(writes.some((count) => count > 0)).toBe(true);
    });
  },
);
