// A tracker (with its keeper) in a process of its own, killed by SIGKILL while its keeper is fetching a share from a
// seeder whose upload is capped, then started again on the same folder and port: every piece verified before the kill
// is kept (the seeder never sends it again), the fetch resumes and completes byte for byte; killed again once the
// share is complete, the next start seeds it at once, with the expiry it had.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedUploadCap } from '../../../lab/sim/strategy';
import { treeDifferences } from '../../../node-host/testing/fixtures';
import { Bitfield } from '../../../shared/codec/bitfield';
import { WireDecoder } from '../../../shared/codec/wire';
import type { PeerKey } from '../../../shared/engine/contract/engine-types';
import { until } from '../../../shared/testing/until';
import { childProcesses, running, startTrackerProcess } from '../testing/tracker-process';
import type { ServerOptions } from '../server';
import { askKeep, KeeperScene, keepStatus, LIMITS, type TrackerAt } from './testing/keeper-scene';

const scene = new KeeperScene();
afterEach(() => scene.cleanup());

const KiB = 1024;
const PIECES = 32; // of 32 KiB: 1 MiB, fetched at the seeder's cap of 256 KiB/s in about 4 s
/** The whole test: three tracker starts, the capped fetch, and a download from the keeper. */
const TEST_MS = 150_000;

/** A tracker process with a keeper in `keepFolder`, on `port` (0: a free one). */
async function trackerProcess(keepFolder: string, port = 0) {
  const options: ServerOptions = { port, staticDir: null, keeper: { folder: keepFolder, limits: LIMITS } };
  const tracker = scene.scratch.keep(await startTrackerProcess(options), (started) => started.stop());
  const at: TrackerAt = {
    url: `http://127.0.0.1:${tracker.port}/`,
    trackerUrl: `ws://127.0.0.1:${tracker.port}/`,
  };
  /** Kills the tracker and waits until its keeper, which exits when its tracker is gone, has too. */
  const kill = async () => {
    const keepers = childProcesses(tracker.pid);
    await tracker.kill();
    await until(() => !keepers.some(running), { what: 'the keeper process exits with its tracker' });
  };
  return { at, port: tracker.port, kill };
}

/** The pieces a seeder sends, by the peer it sends them to (from the torrent's tap of what it sends). */
function piecesSent() {
  const decoders = new Map<PeerKey, WireDecoder>();
  const byPeer = new Map<PeerKey, Set<number>>();
  const tap = (peer: PeerKey, data: Uint8Array, from: 'peer' | 'us') => {
    if (from !== 'us') return;
    let decoder = decoders.get(peer);
    if (!decoder) decoders.set(peer, (decoder = new WireDecoder({ expectHandshake: true })));
    for (const item of decoder.push(data.slice()))
      if (item.kind === 'message' && item.message.type === 'piece') {
        const sent = byPeer.get(peer) ?? new Set<number>();
        byPeer.set(peer, sent.add(item.message.index));
      }
  };
  return { tap, byPeer };
}

describe('a keeper killed with its tracker', () => {
  it(
    'resumes a fetch with every piece it had verified, and a complete share with its expiry',
    async () => {
      const keepFolder = await scene.folder();
      const first = await trackerProcess(keepFolder);
      const share = await scene.share(41, [{ path: 'big.bin', length: PIECES * 32 * KiB }]);
      const sent = piecesSent();
      const seeder = await scene.peer(first.at, share.torrent, share.source, {
        config: { chokePolicy: fixedUploadCap(256 * KiB) },
        tap: sent.tap,
      });
      const kept = await askKeep(first.at, share.request);
      expect(kept.status).toBe(200);
      await until(async () => ((await keepStatus(first.at, share.infoHash)).progress ?? 0) >= 0.2, {
        what: 'the keeper has a fifth of the share',
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      await first.kill();
      const map = await readFile(join(keepFolder, share.infoHash, 'verified'));
      const verified = new Bitfield(PIECES, new Uint8Array(map));
      expect(verified.count()).toBeGreaterThan(0);
      expect(verified.count()).toBeLessThan(PIECES);

      const peersBefore = new Set(sent.byPeer.keys());
      const second = await trackerProcess(keepFolder, first.port);
      await seeder.rejoin(second.at);
      await until(async () => (await keepStatus(second.at, share.infoHash)).kept === true, {
        what: 'the restarted keeper completes the share',
        timeoutMs: 60_000,
        intervalMs: 200,
      });
      const sentAgain = [...sent.byPeer]
        .filter(([peer]) => !peersBefore.has(peer))
        .flatMap(([, s]) => [...s]);
      expect(sentAgain.length).toBe(PIECES - verified.count());
      expect(sentAgain.filter((index) => verified.get(index))).toEqual([]);
      const files = join(keepFolder, share.infoHash, 'files', 'share');
      expect(await treeDifferences(share.root, files)).toEqual([]);

      await second.kill();
      await seeder.leave();
      const third = await trackerProcess(keepFolder, first.port);
      await until(async () => (await keepStatus(third.at, share.infoHash)).kept === true, {
        what: 'the keeper seeds the complete share again',
        timeoutMs: 20_000,
        intervalMs: 200,
      });
      expect((await keepStatus(third.at, share.infoHash)).expiresAt).toBe(kept.body.expiresAt);
      await scene.downloadFromSwarm(third.at, share);
    },
    TEST_MS,
  );
});
