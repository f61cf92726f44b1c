// A saboteur in a swarm with libtorrent 2.0.8 and the engine, over TCP on 127.0.0.1, for v2-only and hybrid torrents
// of 64 KiB pieces (4 blocks each): a Node host that serves the second block of every piece with a byte flipped and
// answers hash requests honestly (testing/saboteur.ts). Whichever side downloads must find the bad blocks, ban the
// saboteur and no one else, and end with byte-identical files.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerKey } from '../shared/engine/contract/engine-types';
import { libtorrentMissing } from '../shared/testing/libtorrent';
import { until } from '../shared/testing/until';
import type { TorrentKind } from './make-torrent';
import type { NodeTorrent } from './node-torrent';
import { treeDifferences } from './testing/fixtures';
import { LtScratch, makeShare } from './testing/lt-shares';
import { CorruptingStorage, ltBesideSaboteur, startSaboteur } from './testing/saboteur';
import { WireLog } from './testing/wire-log';

const KiB = 1024;
const PIECE = 64 * KiB;
const SHAPE = {
  name: 'two files of 64 KiB pieces',
  pieceLength: PIECE,
  files: [
    { path: 'big.bin', length: 40 * PIECE + 5 * KiB },
    { path: 'small.bin', length: 3 * PIECE + 100 },
  ],
};
const TRANSFER_MS = 60_000;
const WAIT_MS = 45_000;

const scratch = new LtScratch('lt-saboteur');
afterEach(() => scratch.cleanup());

/** Every peer the torrent closed, with why. */
function closings(torrent: NodeTorrent): Map<PeerKey, string> {
  const closed = new Map<PeerKey, string>();
  torrent.on('peer-closed', (peer, reason) => closed.set(peer, reason));
  return closed;
}

const banned = (closed: Map<PeerKey, string>): PeerKey[] =>
  [...closed].filter(([, reason]) => reason.startsWith('banned')).map(([peer]) => peer);

const CASES = (['v2', 'hybrid'] as TorrentKind[]).flatMap((kind) =>
  (['libtorrent', 'swarmdrop'] as const).map((maker) => ({ kind, maker })),
);

describe.skipIf(libtorrentMissing)('a saboteur beside libtorrent 2.0.8 and the engine', () => {
  it.each(CASES)(
    'the engine downloads from libtorrent and the saboteur, and bans the saboteur alone: $kind by $maker',
    async ({ kind, maker }) => {
      const share = await makeShare(await scratch.folder(), SHAPE, maker, kind);
      const seeder = await scratch.ltPeer({ torrent: share.torrentPath, savePath: share.source });
      await until(() => seeder.seeding(), {
        what: 'libtorrent checked its files',
        timeoutMs: WAIT_MS,
      });
      const saboteur = await startSaboteur(scratch, share, CorruptingStorage);

      const target = await scratch.folder();
      const log = new WireLog();
      const leecher = await scratch.nodeHost().add({ torrent: share.torrent, folder: target, tap: log.tap });
      const closed = closings(leecher);
      const done = new Promise<void>((resolve) => leecher.once('done', resolve));
      // The saboteur first, until it has sent a bad block, so that it takes part whatever libtorrent's pace.
      const bad = await leecher.connect('127.0.0.1', saboteur.port);
      await until(() => saboteur.store.corrupted > 0, {
        what: 'the saboteur sent a bad block',
        timeoutMs: WAIT_MS,
      });
      const honest = await leecher.connect('127.0.0.1', seeder.port);
      await done;

      expect(await treeDifferences(share.root, join(target, share.name))).toEqual([]);
      expect(banned(closed)).toEqual([bad]);
      // The failed pieces were judged block by block: their leaves asked (BEP 52, base layer 0).
      expect(log.hashRequests.filter((range) => range.baseLayer === 0)).not.toEqual([]);
      // libtorrent may be closed once both sides seed, never for its data.
      expect(closed.get(honest) ?? '').not.toMatch(/banned|corrupt|hash/);
      const errors = seeder.events.filter((event) =>
        ['peer_error', 'peer_ban', 'hash_failed'].includes(event.event),
      );
      expect(errors).toEqual([]);
    },
    TRANSFER_MS,
  );

  it.each(CASES)(
    'libtorrent downloads from the engine and the saboteur, and bans the saboteur alone: $kind by $maker',
    async ({ kind, maker }) => {
      const share = await makeShare(await scratch.folder(), SHAPE, maker, kind);
      // The saboteur first, until it has sent a bad block, so that it takes part whatever the engine's pace.
      const { saboteur, port, leecher, target } = await ltBesideSaboteur(scratch, share, CorruptingStorage);
      await until(() => saboteur.store.corrupted > 0, {
        what: 'the saboteur sent a bad block',
        timeoutMs: WAIT_MS,
      });
      leecher.connect('127.0.0.1', port);
      await until(() => leecher.seeding(), {
        what: 'libtorrent downloaded',
        timeoutMs: WAIT_MS,
      });

      expect(await treeDifferences(share.root, join(target, share.name))).toEqual([]);
      const bans = leecher.events
        .filter((event) => event.event === 'peer_ban')
        .map((event) => String(event.text));
      expect(bans.some((text) => text.includes(`:${saboteur.port}`))).toBe(true);
      expect(bans.filter((text) => text.includes(`:${port}`))).toEqual([]);
      const engineErrors = leecher.events.filter(
        (event) => event.event === 'peer_error' && String(event.text).includes(`:${port}`),
      );
      expect(engineErrors).toEqual([]);
    },
    TRANSFER_MS,
  );
});
