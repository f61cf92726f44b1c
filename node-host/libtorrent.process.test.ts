// Conformance with libtorrent 2.0.8 (Debian's python3-libtorrent) as a real peer over TCP on 127.0.0.1: libtorrent
// seeds to the engine's Node host and the host seeds to libtorrent, for v1, v2-only and hybrid torrents made by
// either side, over the shapes BEP 52 and libtorrent care about. The files must arrive byte for byte, every message
// libtorrent sends must be one the engine handles, and libtorrent must meet no error it blames on the engine.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { libtorrentMissing, ltTimeline, type LtPeer } from '../shared/testing/libtorrent';
import { until } from '../shared/testing/until';
import type { TorrentKind } from './make-torrent';
import { cornerCaseFiles, treeDifferences } from './testing/fixtures';
import { LtScratch, makeShare, withoutLayers, type Shape } from './testing/lt-shares';
import { WireLog } from './testing/wire-log';

const KiB = 1024;
const MiB = 1024 * KiB;
/** A test's whole run: two processes, file checks and a transfer of a few MiB on loopback. */
const TRANSFER_MS = 60_000;
const WAIT_MS = 45_000;

/** What libtorrent logs sending, and how the engine takes it (the BEP that says so). */
const HANDLED = new Map([
  ['HANDSHAKE', 'BEP 3'],
  ['EXTENSIONS', 'BEP 3: the reserved bits of the handshake (BEP 10, BEP 6 and BEP 52 bits)'],
  ['EXTENDED_HANDSHAKE', 'BEP 10'],
  ['BITFIELD', 'BEP 3'],
  ['HAVE', 'BEP 3'],
  ['HAVE_ALL', 'BEP 6'],
  ['HAVE_NONE', 'BEP 6'],
  ['CHOKE', 'BEP 3'],
  ['UNCHOKE', 'BEP 3'],
  ['INTERESTED', 'BEP 3'],
  ['NOT_INTERESTED', 'BEP 3'],
  ['REQUEST', 'BEP 3'],
  ['PIECE', 'BEP 3'],
  ['CANCEL', 'BEP 3'],
  ['REJECT_PIECE', 'BEP 6: the request is dropped and asked again elsewhere'],
  ['SUGGEST_PIECE', 'BEP 6: a hint the engine may ignore'],
  ['ALLOWED_FAST', 'BEP 6: advisory; the engine asks only unchoked peers'],
  ['KEEPALIVE', 'BEP 3'],
  ['UPLOAD_ONLY', 'BEP 10: an extension message under an id we never offered, ignored'],
  ['HASH_REQUEST', 'BEP 52'],
  ['HASHES', 'BEP 52'],
  ['HASH_REJECT', 'BEP 52'],
]);

const SHAPES: Shape[] = [
  { name: 'folder of corner cases, 16 KiB pieces', pieceLength: 16 * KiB, files: cornerCaseFiles(16 * KiB) },
  {
    name: 'folder, 4 MiB pieces',
    pieceLength: 4 * MiB,
    files: [
      { path: 'one-piece.bin', length: 4 * MiB },
      { path: 'empty', length: 0 },
      { path: 'one-block.bin', length: 16 * KiB },
      { path: 'just-over.bin', length: 4 * MiB + 1 },
    ],
  },
  {
    name: 'one file, 32 KiB pieces',
    pieceLength: 32 * KiB,
    files: [{ path: '', length: 5 * 32 * KiB + 100 }],
    single: true,
  },
];

const scratch = new LtScratch('lt-conformance');
afterEach(() => scratch.cleanup());
const folder = (): Promise<string> => scratch.folder();

const shareOf = async (shape: Shape, maker: 'libtorrent' | 'swarmdrop', kind: TorrentKind) =>
  makeShare(await folder(), shape, maker, kind);

async function copies(a: string, b: string): Promise<void> {
  expect(await treeDifferences(a, b)).toEqual([]);
}

/** What libtorrent sent is handled, it met no error, and the engine's hash requests are ones libtorrent accepts. */
function expectConformance(peer: LtPeer, log: WireLog): void {
  expect([...peer.messages('out')].filter((name) => !HANDLED.has(name))).toEqual([]);
  const errors = peer.events.filter((event) =>
    ['peer_error', 'peer_ban', 'hash_failed'].includes(event.event),
  );
  expect(errors).toEqual([]);
  expect(peer.messages('out').has('HASH_REJECT')).toBe(false);
  expect(log.broken).toEqual([]);
  for (const range of log.hashRequests) {
    expect(range.length).toBeLessThanOrEqual(512);
    expect(range.index % range.length).toBe(0);
  }
}

/** A file of more than CHUNK_PIECES (512) pieces: its piece layer is asked in two requests, the second at 512. */
const LONG: Shape = {
  name: 'a file of 600 pieces and a bit, 16 KiB pieces',
  pieceLength: 16 * KiB,
  files: [
    { path: 'long.bin', length: 600 * 16 * KiB + 300 },
    { path: 'short.bin', length: 3 * 16 * KiB },
  ],
};

const casesOf = (shapes: Shape[], kinds: TorrentKind[]) =>
  shapes.flatMap((shape) =>
    kinds.flatMap((kind) => (['libtorrent', 'swarmdrop'] as const).map((maker) => ({ shape, kind, maker }))),
  );
const CASES = [...casesOf(SHAPES, ['v1', 'v2', 'hybrid']), ...casesOf([LONG], ['v2', 'hybrid'])];

describe.skipIf(libtorrentMissing)('the engine and libtorrent 2.0.8 over TCP', () => {
  it.each(CASES)(
    'libtorrent seeds to the engine: $kind by $maker, $shape.name',
    async ({ shape, kind, maker }) => {
      const share = await shareOf(shape, maker, kind);
      const seeder = await scratch.ltPeer({ torrent: share.torrentPath, savePath: share.source });
      await until(() => seeder.seeding(), {
        what: 'libtorrent checked its files',
        timeoutMs: WAIT_MS,
        explain: () => ltTimeline(seeder),
      });
      const target = await folder();
      const log = new WireLog();
      const torrent = kind === 'v1' ? share.torrent : withoutLayers(share.torrent);
      const leecher = await scratch.nodeHost().add({ torrent, folder: target, tap: log.tap });
      const done = new Promise<void>((resolve, reject) => {
        leecher.once('done', resolve);
        leecher.once('peer-closed', (_peer: string, reason: string) => {
          // libtorrent's side of the close (its disconnect or error alert) comes a moment after ours: waited for,
          // briefly, so that the failure says who closed the connection and why.
          const told = () => seeder.events.some((e) => ['peer_disconnected', 'peer_error'].includes(e.event));
          void until(told, { what: "libtorrent's side of the close", timeoutMs: 2000 })
            .catch(() => undefined)
            .then(() =>
              reject(
                new Error(
                  `the connection to libtorrent closed before the download ended: ${reason}; libtorrent said:\n${ltTimeline(seeder)}`,
                ),
              ),
            );
        });
      });
      await leecher.connect('127.0.0.1', seeder.port);
      await done;
      await copies(share.root, join(target, share.name));
      expectConformance(seeder, log);
      if (kind !== 'v1') expect(log.sent.has('hash-request')).toBe(true);
    },
    TRANSFER_MS,
  );

  it.each(CASES)(
    'the engine seeds to libtorrent: $kind by $maker, $shape.name',
    async ({ shape, kind, maker }) => {
      const share = await shareOf(shape, maker, kind);
      const log = new WireLog();
      const host = scratch.nodeHost();
      await host.add({ torrent: share.torrent, folder: share.source, tap: log.tap });

      const port = await host.listen(0);
      const target = await folder();
      const torrentPath = join(target, 'given.torrent');
      await writeFile(torrentPath, kind === 'v1' ? share.torrent : withoutLayers(share.torrent));
      const leecher = await scratch.ltPeer({ torrent: torrentPath, savePath: target });
      // Told of the engine once its torrent is past its checks, as a peer found by a tracker would be.
      await until(() => leecher.state() === 'downloading', {
        what: 'libtorrent ready to download',
        timeoutMs: WAIT_MS,
        explain: () => ltTimeline(leecher),
      });
      leecher.connect('127.0.0.1', port);
      await until(() => leecher.seeding(), {
        what: 'libtorrent downloaded',
        timeoutMs: WAIT_MS,
      }).catch((error: unknown) => {
        const said = leecher.events.filter((event) => event.event !== 'status' && event.event !== 'wire');
        throw new Error(`${String(error)}; libtorrent said ${JSON.stringify(said)}`);
      });
      await copies(share.root, join(target, share.name));
      expectConformance(leecher, log);
    },
    TRANSFER_MS,
  );
});
