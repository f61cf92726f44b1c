// libtorrent 2.0.8 downloading from the engine and a saboteur over TCP on 127.0.0.1, with a piece it must take from
// both: v2-only and hybrid torrents of 4 MiB pieces (256 blocks). The saboteur (testing/saboteur.ts
// SplitPieceSaboteur) serves one piece whole with a bad block, and two blocks of a second piece (one bad), and refuses
// the rest; libtorrent bans it for the first piece, then finishes the second from the engine. That piece fails with
// two senders, so libtorrent asks its leaf hashes (BEP 52, base layer 0) of the engine, the only peer left, and must
// accept the engine's answer, never blame the engine, and end with the file byte for byte. The order is forced by
// the saboteur and by connecting the engine only once the saboteur is banned, never by anyone's pace.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { libtorrentMissing, ltTimeline, type LtPeer } from '../shared/testing/libtorrent';
import { until } from '../shared/testing/until';
import type { TorrentKind } from './make-torrent';
import { treeDifferences } from './testing/fixtures';
import { LtScratch, makeShare, type Shape } from './testing/lt-shares';
import { ltBesideSaboteur, SplitPieceSaboteur } from './testing/saboteur';
import { WireLog } from './testing/wire-log';

const MiB = 1024 * 1024;
const PIECE = 4 * MiB;
const BLOCKS_PER_PIECE = PIECE / (16 * 1024);
/** Three pieces: libtorrent 2.0.8 asks a piece's leaves with proof layers it counts from the file's piece count, and
 * for a file of two pieces it counts past the root (a request it would itself reject). */
const SHAPE: Shape = {
  name: 'one file of three 4 MiB pieces',
  pieceLength: PIECE,
  files: [{ path: '', length: 3 * PIECE }],
  single: true,
};
const TRANSFER_MS = 90_000;
const WAIT_MS = 60_000;

const scratch = new LtScratch('lt-saboteur-leaves');
afterEach(() => scratch.cleanup());

/** A hash message libtorrent logged (its peer log: `[127.0.0.1:port] ==> HASH_REQUEST [ file: 0 base: 0 … ]`). */
interface LtHashMessage {
  port: number;
  direction: 'in' | 'out';
  name: string;
  base: number;
  index: number;
  count: number;
  proofs: number;
}

const HASH_LINE =
  /\[127\.0\.0\.1:(\d+)\] (==>|<==) (HASH_REQUEST|HASHES|HASH_REJECT) \[ file: \d+ base: (\d+) idx: (\d+) cnt: (\d+) proofs: (\d+) \]/;

function hashMessages(peer: LtPeer): LtHashMessage[] {
  return peer.events.flatMap((event) => {
    const match = event.event === 'wire-detail' ? HASH_LINE.exec(String(event.text)) : null;
    if (!match) return [];
    const [, port, arrow, name, base, index, count, proofs] = match;
    return [
      {
        port: Number(port),
        direction: arrow === '==>' ? 'out' : 'in',
        name,
        base: Number(base),
        index: Number(index),
        count: Number(count),
        proofs: Number(proofs),
      } satisfies LtHashMessage,
    ];
  });
}

/** libtorrent's alerts of `kinds` that name the peer at `port`. */
const alertsFor = (peer: LtPeer, port: number, kinds: string[]) =>
  peer.events.filter((event) => kinds.includes(event.event) && String(event.text).includes(`:${port} `));

/** The pieces libtorrent's `hash_failed` alerts name. */
const failedPieces = (peer: LtPeer): number[] =>
  peer.events
    .filter((event) => event.event === 'hash_failed')
    .map((event) => Number(/piece (\d+)/.exec(String(event.text))?.[1]));

const CASES = (['v2', 'hybrid'] as TorrentKind[]).flatMap((kind) =>
  (['libtorrent', 'swarmdrop'] as const).map((maker) => ({ kind, maker })),
);

describe.skipIf(libtorrentMissing)(
  'libtorrent 2.0.8 judging a piece the engine and a saboteur both sent',
  () => {
    it.each(CASES)(
      'asks the engine for the leaf hashes, takes its answer and bans the saboteur alone: $kind by $maker',
      async ({ kind, maker }) => {
        const share = await makeShare(await scratch.folder(), SHAPE, maker, kind);
        const log = new WireLog();
        const { saboteur, port, leecher, target } = await ltBesideSaboteur(
          scratch,
          share,
          SplitPieceSaboteur,
          log.tap,
        );
        const explain = () =>
          `${saboteur.store.describe()} (saboteur port ${saboteur.port}, engine port ${port})\n${ltTimeline(leecher)}`;
        await until(() => alertsFor(leecher, saboteur.port, ['peer_ban']).length > 0, {
          what: 'libtorrent banned the saboteur for the piece it sent alone',
          timeoutMs: WAIT_MS,
          explain,
        });
        const { whole, split } = saboteur.store;
        expect(saboteur.store.sentOf(split)).toBe(2);
        leecher.connect('127.0.0.1', port);
        await until(() => leecher.seeding(), { what: 'libtorrent downloaded', timeoutMs: WAIT_MS, explain });

        expect(await treeDifferences(share.root, join(target, share.name))).toEqual([]);
        expect(leecher.events.filter((event) => event.event === 'alerts_dropped')).toEqual([]);
        // Both pieces failed: the one the saboteur sent alone, and the one it and the engine sent.
        expect(failedPieces(leecher)).toEqual(expect.arrayContaining([whole, split]));
        expect(alertsFor(leecher, saboteur.port, ['peer_ban'])).toHaveLength(1);
        // The engine was never blamed: no ban, no error, no close before libtorrent finished (a close before the
        // handshake, "client: Unknown", is libtorrent trying an encrypted connection first, which the engine refuses).
        const finished = leecher.events.findIndex((event) => event.event === 'finished');
        const blamed = alertsFor(leecher, port, ['peer_ban', 'peer_error', 'peer_disconnected']).filter(
          (event) =>
            event.event !== 'peer_disconnected' ||
            (leecher.events.indexOf(event) < finished && !String(event.text).includes('client: Unknown')),
        );
        expect(blamed).toEqual([]);

        const fromEngine = hashMessages(leecher).filter((message) => message.port === port);
        const leafRequests = fromEngine.filter((m) => m.name === 'HASH_REQUEST' && m.base === 0);
        // libtorrent 2.0.8 asks a failed piece's leaves for a v2-only torrent; for a hybrid it judges by SHA-1 alone.
        if (kind === 'v2')
          for (const piece of [whole!, split!])
            expect(leafRequests).toContainEqual(
              expect.objectContaining({ index: piece * BLOCKS_PER_PIECE, count: BLOCKS_PER_PIECE }),
            );
        for (const request of leafRequests)
          expect(fromEngine).toContainEqual({ ...request, direction: 'in', name: 'HASHES' });
        expect(fromEngine.filter((message) => message.name === 'HASH_REJECT')).toEqual([]);
        expect(log.answered.filter((answer) => answer.type === 'hash-reject')).toEqual([]);
        // What libtorrent logged sending and getting is what the engine's wire log saw.
        expect(log.asked.filter((asked) => asked.range.baseLayer === 0)).toHaveLength(leafRequests.length);
        expect(log.answered.filter((answer) => answer.range.baseLayer === 0)).toHaveLength(
          leafRequests.length,
        );
        expect(log.broken).toEqual([]);
      },
      TRANSFER_MS,
    );
  },
);
