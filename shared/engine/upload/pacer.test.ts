import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import type { TorrentInfo } from '../../codec/metainfo';
import { BLOCK_SIZE } from '../../codec/wire';
import {
  PACE_SILENCE_MS,
  PACE_WINDOW_MS,
  REASK_PATIENCE_MS,
  SERVE_PATIENCE_MS,
  owesReport,
  paceWindow,
  pickServe,
  UploadPacer,
  type ServeCandidate,
} from './pacer';
import { PeerState } from '../peer/peer';
import { blockPieces, pacedSeeder } from '../testing/paced-seeder';
import { RankAllUploader } from '../testing/serve-oracle';
import { mulberry32 } from '../testing/random';
import { UploadQueue } from '../peer/upload-queue';
import { Uploader, type UploaderPorts } from './uploader';

const offer = (over: Partial<ServeCandidate> = {}): ServeCandidate => ({
  sent: 0,
  peerPieces: 0,
  copies: 0,
  peerUploaded: 0,
  waitedMs: 0,
  ...over,
});

describe('upload pacing', () => {
  it('lets the transport hold PACE_WINDOW_MS at the measured rate, at least one block', () => {
    expect(paceWindow(0)).toBe(BLOCK_SIZE);
    expect(paceWindow(Number.NaN)).toBe(BLOCK_SIZE);
    const fast = 100 * BLOCK_SIZE;
    expect(paceWindow(fast)).toBe((fast * PACE_WINDOW_MS) / 1000);
  });

  it('is off until the adapter reports, and off again PACE_SILENCE_MS after a block sent without a report', () => {
    const pacer = new UploadPacer();
    expect(pacer.paced(0)).toBe(false);
    pacer.report(0, 1000);
    expect(pacer.paced(1000)).toBe(true);
    pacer.sent(BLOCK_SIZE, 2000);
    expect(pacer.paced(2000 + PACE_SILENCE_MS - 1)).toBe(true);
    expect(pacer.paced(2000 + PACE_SILENCE_MS)).toBe(false);
    pacer.report(0, 9000); // a report turns it on again
    expect(pacer.paced(9000)).toBe(true);
  });

  it('stays on while idle with less than a block in the transport: no report is owed (owesReport)', () => {
    // A peer that waits for its first piece uploads nothing for seconds; it must still be paced when it gets one.
    expect(owesReport(0)).toBe(false);
    expect(owesReport(BLOCK_SIZE - 1)).toBe(false);
    expect(owesReport(BLOCK_SIZE)).toBe(true);
    const pacer = new UploadPacer();
    pacer.report(0, 0);
    expect(pacer.paced(60_000)).toBe(true);
    pacer.report(200, 60_000); // control messages held: the window still has room, the pacer cannot stall
    expect(pacer.paced(120_000)).toBe(true);
    pacer.sent(BLOCK_SIZE, 120_000); // now a report is owed
    expect(pacer.paced(120_000 + PACE_SILENCE_MS)).toBe(false);
  });

  it('owes a report from one that said a block or more is held: silence then turns pacing off', () => {
    const pacer = new UploadPacer();
    pacer.report(10 * BLOCK_SIZE, 0); // full: nothing may be sent until the adapter reports again
    expect(pacer.paced(PACE_SILENCE_MS - 1)).toBe(true);
    expect(pacer.paced(PACE_SILENCE_MS)).toBe(false);
  });

  it('counts what the transport holds, the blocks sent since, and the reads under way against the window', () => {
    const pacer = new UploadPacer();
    pacer.report(0, 0);
    expect(pacer.room(0, 0)).toBe(BLOCK_SIZE);
    expect(pacer.room(0, BLOCK_SIZE)).toBe(0);
    pacer.sent(BLOCK_SIZE, 0);
    expect(pacer.queuedBytes).toBe(BLOCK_SIZE);
    expect(pacer.room(0, 0)).toBe(0);
    pacer.report(100, 10); // the transport sent most of it
    expect(pacer.room(0, 0)).toBe(BLOCK_SIZE - 100);
  });

  it('ignores a nonsensical report', () => {
    const pacer = new UploadPacer();
    pacer.report(-1, 0);
    pacer.report(Number.NaN, 0);
    pacer.report(Infinity, 0);
    expect(pacer.paced(0)).toBe(false);
  });
});

describe('which waiting request goes out next', () => {
  it('the peer with fewest pieces first, whatever the piece (a peer that fell behind catches up, issue 25)', () => {
    expect(pickServe([offer({ peerPieces: 3 }), offer({ peerPieces: 0, copies: 5 })])).toBe(1);
    expect(pickServe([offer({ peerPieces: 30 }), offer({ peerPieces: 12, sent: 5, copies: 9 })])).toBe(1);
  });

  it('then the piece sent least (a seed sends each piece once before repeating)', () => {
    expect(pickServe([offer({ sent: 2 }), offer({ sent: 1, copies: 9, peerUploaded: 1e6 })])).toBe(1);
  });

  it('then the rarest piece, then the peer sent least', () => {
    expect(pickServe([offer({ copies: 4 }), offer({ copies: 1, peerUploaded: 1e6 })])).toBe(1);
    expect(pickServe([offer({ peerUploaded: 10 }), offer({ peerUploaded: 5 })])).toBe(1);
  });

  it('a request that waited SERVE_PATIENCE_MS goes first, the longest waiting of those first', () => {
    const late = offer({ sent: 9, peerPieces: 9, copies: 9, waitedMs: SERVE_PATIENCE_MS });
    expect(pickServe([offer(), late])).toBe(1);
    expect(pickServe([late, offer({ waitedMs: SERVE_PATIENCE_MS + 1 })])).toBe(1);
    expect(pickServe([offer({ waitedMs: SERVE_PATIENCE_MS - 1, sent: 1 }), offer()])).toBe(1);
  });

  it('keeps the oldest of equals, and has nothing to pick from nothing', () => {
    expect(pickServe([offer(), offer(), offer()])).toBe(0);
    expect(pickServe([])).toBe(-1);
  });
});

describe('a piece begun to a peer', () => {
  const BLOCKS = 4;
  const info = blockPieces(8, BLOCKS);

  /** A paced seeder of `info` whose transport is empty: room for one block at a time (no capacity measured yet). */
  function seeder(keys: string[]) {
    const paced = pacedSeeder(info, keys);
    paced.uploader.onUploadQueue(0, 0);
    return paced;
  }

  it('goes on to the rest of it before pieces asked for since (one seeder, one downloader that keeps asking)', () => {
    const { peers, reads, ask, finish } = seeder(['a']);
    ask(peers[0], [0]);
    expect(reads).toEqual(['a:0:0']);
    // The downloader's pipeline asks for new pieces as blocks arrive: they come after the rest of piece 0.
    ask(peers[0], [1, 2, 3]);
    for (let i = 0; i < 7; i++) finish();
    expect(reads).toEqual(['a:0:0', 'a:0:1', 'a:0:2', 'a:0:3', 'a:1:0', 'a:1:1', 'a:1:2', 'a:1:3']);
  });

  it('still counts as sent for the other peers: they get a piece not sent yet first', () => {
    const { peers, reads, ask, finish } = seeder(['a', 'b']);
    ask(peers[0], [0]);
    ask(peers[1], [0, 1]);
    expect(reads).toEqual(['a:0:0']);
    finish();
    // b's piece 1 (never sent) before its piece 0 (begun to a); a goes on with piece 0.
    for (let i = 0; i < 3; i++) finish();
    expect(reads.filter((read) => read.startsWith('b:'))[0]).toBe('b:1:0');
    expect(reads.filter((read) => read.startsWith('a:'))).toEqual(['a:0:0', 'a:0:1', 'a:0:2']);
  });
});

// The incremental order (chooseServe over each peer's waiting requests) against the full ranking it replaced
// (testing/serve-oracle.ts): the same random sequence of requests, cancels, reads done, queue reports, copies and
// pieces changing, peers gone, caps and backlogs, on two uploaders, must read the same blocks in the same order.
describe('the incremental serve order', () => {
  const PIECES = 12;
  const BLOCKS = 8;
  const info = {
    pieceLength: BLOCKS * BLOCK_SIZE,
    pieceCount: PIECES,
    length: PIECES * BLOCKS * BLOCK_SIZE,
  } as TorrentInfo;

  interface World {
    uploader: Uploader;
    peers: PeerState[];
    reads: string[];
    pending: Array<{ peer: PeerState; index: number; begin: number }>;
  }

  function world(
    make: typeof Uploader,
    shared: { copies: number[]; epoch: number; pieces: Map<string, number> },
  ) {
    const w: World = { uploader: undefined as unknown as Uploader, peers: [], reads: [], pending: [] };
    const ports: UploaderPorts = {
      send: () => {},
      close: () => {},
      peers: () => w.peers,
      copies: (index) => shared.copies[index],
      copiesEpoch: () => shared.epoch,
      peerPieces: (peer) => shared.pieces.get(peer.key) ?? 0,
      read: (peer, request) => {
        w.reads.push(`${peer.key}:${request.index}:${request.begin}`);
        w.pending.push({ peer, index: request.index, begin: request.begin });
      },
      retract: () => {},
      serving: () => true,
    };
    w.uploader = new make(info, Bitfield.full(PIECES), ports);
    return w;
  }

  function addPeer(w: World, key: string, now: number): void {
    const peer = new PeerState(key, w.peers.length, now, new UploadQueue(undefined, now));
    peer.choke.setChoking(false, now);
    w.peers.push(peer);
  }

  function run(seed: number, steps: number): { reads: number; late: number; lateReasks: number } {
    const random = mulberry32(seed);
    const int = (n: number) => Math.floor(random() * n);
    const shared = {
      copies: Array.from({ length: PIECES }, () => int(4)),
      epoch: 0,
      pieces: new Map<string, number>(),
    };
    const worlds = [world(Uploader, shared), world(RankAllUploader, shared)];
    let now = 0;
    let nextPeer = 0;
    let late = 0;
    let lateReasks = 0;
    const each = (f: (w: World) => void) => worlds.forEach(f);
    for (let i = 0; i < 4; i++) {
      const key = `p${nextPeer++}`;
      each((w) => addPeer(w, key, now));
    }
    each((w) => w.uploader.onUploadQueue(0, now));
    for (let step = 0; step < steps; step++) {
      const op = int(100);
      const [a] = worlds;
      if (op < 40 && a.peers.length > 0) {
        const at = int(a.peers.length);
        const request = { index: int(PIECES), begin: int(BLOCKS) * BLOCK_SIZE, length: BLOCK_SIZE };
        each((w) => w.uploader.onRequest(w.peers[at], request, now));
      } else if (op < 50 && a.peers.length > 0) {
        const at = int(a.peers.length);
        const request = { index: int(PIECES), begin: int(BLOCKS) * BLOCK_SIZE, length: BLOCK_SIZE };
        each((w) => w.uploader.onCancel(w.peers[at], request, now));
      } else if (op < 65 && a.pending.length > 0) {
        const at = int(a.pending.length);
        each((w) => {
          const [{ peer, index, begin }] = w.pending.splice(at, 1);
          w.uploader.onReadDone(peer, index, begin, new Uint8Array(BLOCK_SIZE), now);
        });
      } else if (op < 72) {
        const bytes = int(3) * BLOCK_SIZE;
        each((w) => w.uploader.onUploadQueue(bytes, now));
      } else if (op < 78) {
        const index = int(PIECES);
        if (int(3) === 0 && shared.copies[index] > 0) {
          shared.copies[index]--;
          shared.epoch++;
        } else shared.copies[index]++;
      } else if (op < 82 && a.peers.length > 0) {
        shared.pieces.set(a.peers[int(a.peers.length)].key, int(PIECES + 1));
      } else if (op < 85 && a.peers.length > 0) {
        const at = int(a.peers.length);
        shared.epoch++;
        each((w) => {
          const [gone] = w.peers.splice(at, 1);
          w.pending = w.pending.filter((read) => read.peer !== gone);
        });
      } else if (op < 88) {
        const key = `p${nextPeer++}`;
        each((w) => addPeer(w, key, now));
      } else if (op < 91 && a.peers.length > 0) {
        const at = int(a.peers.length);
        const backlogged = int(2) === 0;
        each((w) => w.peers[at].upload.setBacklogged(backlogged));
      } else if (op < 93 && a.peers.length > 0) {
        const at = int(a.peers.length);
        const cap = int(2) === 0 ? undefined : (1 + int(4)) * BLOCK_SIZE;
        each((w) => w.peers[at].upload.setCap(cap, now));
      } else if (op < 96) {
        each((w) => w.uploader.tick(w.peers, now));
      } else {
        now += int(5) === 0 ? SERVE_PATIENCE_MS / 2 + int(SERVE_PATIENCE_MS) : int(500);
      }
      if (
        a.peers.some((p) => {
          const oldest = p.upload.oldestWaiting();
          return oldest !== undefined && now - oldest.since >= SERVE_PATIENCE_MS;
        })
      )
        late++;
      if (
        a.peers.some((p) => {
          const reask = p.upload.oldestReask();
          return reask !== undefined && now - reask.since >= REASK_PATIENCE_MS;
        })
      )
        lateReasks++;
      expect(worlds[0].reads, `seed ${seed}, step ${step}`).toEqual(worlds[1].reads);
    }
    return { reads: worlds[0].reads.length, late, lateReasks };
  }

  it('reads the same blocks in the same order as ranking every waiting request', () => {
    let reads = 0;
    let late = 0;
    let lateReasks = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const result = run(seed, 600);
      reads += result.reads;
      late += result.late;
      lateReasks += result.lateReasks;
    }
    // The sequences exercised the choice: many reads, some with requests past their patience, re-asks among them.
    expect(reads).toBeGreaterThan(1000);
    expect(late).toBeGreaterThan(50);
    expect(lateReasks).toBeGreaterThan(50);
  });
});
