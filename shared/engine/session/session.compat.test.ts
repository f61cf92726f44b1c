// The engine against WebTorrent's wire (`bittorrent-protocol`), both speaking the BEP 6 fast extension: a download
// from it, and serving it, including the rejects that come with a choke.
import Wire from 'bittorrent-protocol';
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { sha1Sync } from '../../testing/sha1';
import { until } from '../../testing/until';
import { BLOCK_SIZE } from '../../codec/wire';
import { TorrentSession } from './session';
import { idFrom } from '../testing/mock';
import { mulberry32 } from '../testing/random';
import { randomTorrent } from '../testing/swarm';
import type { EngineAction } from '../contract/engine-types';

// 4 pieces of 32 KiB (2 blocks each), the last one 12 KiB.
const torrent = randomTorrent(31, 3 * 32 * 1024 + 12 * 1024, { sha1: sha1Sync, pieceLength: 32 * 1024 });
const { info } = torrent;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const PEER = 'webtorrent#1';

/** The streams run between checks (streamx processes writes asynchronously): up to 2,000 turns of the event loop. */
const STREAMS = { polls: 2000, intervalMs: 0 } as const;

/** A session wired to a bittorrent-protocol Wire through its byte stream; hash, store and read answered at once. */
function connect(seed: boolean, superSeed = false) {
  const reads = { defer: false, pending: [] as Array<Extract<EngineAction, { type: 'read' }>> };
  const session = new TorrentSession({
    infoHash: info.infoHash,
    peerId: idFrom('-SD0001-engine'),
    info,
    have: seed ? Bitfield.full(info.pieceCount) : undefined,
    random: mulberry32(3),
    now: 0,
    config: { superSeed },
  });
  const wire = new Wire();
  const closed: string[] = [];
  let completed = false;
  const run = (actions: EngineAction[]): void => {
    for (const action of actions) {
      if (action.type === 'send') wire.write(action.data);
      else if (action.type === 'close') closed.push(action.reason);
      else if (action.type === 'complete') completed = true;
      else if (action.type === 'hash')
        run(session.handle({ type: 'hashed', id: action.id, digest: sha1Sync(action.data) }, 0));
      else if (action.type === 'store') run(session.handle({ type: 'stored', index: action.index }, 0));
      else if (action.type === 'read' && reads.defer) reads.pending.push(action);
      else if (action.type === 'read') {
        const start = action.index * info.pieceLength + action.begin;
        const data = torrent.data.subarray(start, start + action.length);
        run(session.handle({ ...action, type: 'read-done', data }, 0));
      }
    }
  };
  wire.on('data', (chunk: Uint8Array) =>
    run(session.handle({ type: 'peer-data', peer: PEER, data: new Uint8Array(chunk) }, 0)),
  );
  run(session.handle({ type: 'tick' }, 0));
  run(session.handle({ type: 'peer-connected', peer: PEER }, 0));
  return { session, wire, closed, run, reads, done: () => completed };
}

describe('TorrentSession with bittorrent-protocol, fast extension on both sides', () => {
  it('downloads every piece from a WebTorrent wire that sends have-all', async () => {
    const { session, wire, closed, done } = connect(false);
    wire.on('handshake', () => {
      wire.handshake(hex(info.infoHash), hex(idFrom('-WW0001-webtorrent')), { fast: true });
      wire.haveAll();
      wire.unchoke();
    });
    wire.on('request', (...args: unknown[]) => {
      const [index, offset, length, respond] = args as [
        number,
        number,
        number,
        (error: Error | null, block: Uint8Array) => void,
      ];
      const start = index * info.pieceLength + offset;
      respond(null, torrent.data.subarray(start, start + length));
    });
    await until(done, STREAMS);
    expect(closed).toEqual([]);
    expect(session.have?.count()).toBe(info.pieceCount);
    wire.destroy();
  });

  it('a super-seeding seed offers a WebTorrent wire pieces by `have`, and serves it all once it is the only downloader', async () => {
    const { session, wire, closed, run } = connect(true, true);
    wire.handshake(hex(info.infoHash), hex(idFrom('-WW0001-webtorrent')), { fast: true });
    wire.interested();
    await until(() => !wire.peerChoking, STREAMS);
    // What the wire heard we have (bittorrent-protocol's typings leave its `peerPieces` out).
    const heard = (wire as unknown as { peerPieces: { get(index: number): boolean } }).peerPieces;
    const offered = () => [...Array(info.pieceCount).keys()].filter((i) => heard.get(i));
    expect(offered().length).toBeGreaterThan(0);
    expect(offered().length).toBeLessThan(info.pieceCount);
    // A whole piece it was not offered at first (the last one is shorter than a block).
    const later = [0, 1, 2].find((i) => !offered().includes(i))!;
    run(session.handle({ type: 'tick' }, 0));
    await until(() => offered().length === info.pieceCount, STREAMS);
    const served = await new Promise<Uint8Array | undefined>((resolve, reject) =>
      wire.request(later, 0, BLOCK_SIZE, (error, block) => (error ? reject(error) : resolve(block))),
    );
    const start = later * info.pieceLength;
    expect(hex(served!)).toBe(hex(torrent.data.subarray(start, start + BLOCK_SIZE)));
    expect(closed).toEqual([]);
    wire.destroy();
  });

  it('serves a WebTorrent wire, and rejects its queued requests when it chokes it', async () => {
    const { session, wire, closed, run, reads } = connect(true);
    const events: string[] = [];
    wire.on('have-all', () => events.push('have-all'));
    wire.on('reject', () => events.push('reject'));
    wire.handshake(hex(info.infoHash), hex(idFrom('-WW0001-webtorrent')), { fast: true });
    wire.interested();
    await until(() => !wire.peerChoking, STREAMS);
    expect(events).toContain('have-all');
    const served = await new Promise<Uint8Array | undefined>((resolve, reject) =>
      wire.request(1, BLOCK_SIZE, BLOCK_SIZE, (error, block) => (error ? reject(error) : resolve(block))),
    );
    expect(hex(served!)).toBe(
      hex(torrent.data.subarray(info.pieceLength + BLOCK_SIZE, info.pieceLength + 2 * BLOCK_SIZE)),
    );
    // Requests still queued (their reads not answered yet) when the session chokes: each gets a reject.
    reads.defer = true;
    const results: string[] = [];
    for (const index of [0, 2]) {
      wire.request(index, 0, BLOCK_SIZE, (error) => results.push(error ? 'rejected' : 'served'));
    }
    await until(() => reads.pending.length === 2, STREAMS);
    run(session.handle({ type: 'pause' }, 0));
    await until(() => results.length === 2, STREAMS);
    expect(closed).toEqual([]);
    expect(results).toEqual(['rejected', 'rejected']);
    expect(events.filter((e) => e === 'reject').length).toBe(2);
    expect(wire.peerChoking).toBe(true);
    // Reads that finish after the choke send nothing.
    for (const read of reads.pending) {
      const start = read.index * info.pieceLength + read.begin;
      run(
        session.handle(
          { ...read, type: 'read-done', data: torrent.data.subarray(start, start + read.length) },
          0,
        ),
      );
    }
    expect(results).toEqual(['rejected', 'rejected']);
    wire.destroy();
  });
});
