import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnyInfo, type AnyTorrentInfo } from '../../codec/metainfo-v2';
import { sha256Sync } from '../../hash/sha256';
import { sha1, sha1Sync } from '../../testing/sha1';
import { sha256 } from '../../testing/sha256';
import type { HashRange, WireMessage } from '../../codec/wire';
import { BlockChecks, MAX_HELD_BYTES, type BlockCheckPorts } from './block-checks';
import { blockDigests, climb, joinNodes, nodeHashOf, subtreeRoot, padHashes } from '../verify/file-tree';
import {
  LEAF_ANSWER_WINDOW_MS,
  LeafAnswers,
  MAX_LEAF_ANSWER_BYTES,
  MAX_LEAF_ANSWERS,
  MAX_LEAF_ANSWERS_PER_PEER,
} from './leaf-answers';
import { LeafHashes, MAX_LEAF_REQUESTS_PER_PEER } from './leaf-hashes';
import type { PeerState } from '../peer/peer';
import { nodes, PieceLayers } from './piece-layers';
import { Swarm } from '../testing/swarm';

const KiB = 1024;
const PIECE = 64 * KiB; // 4 blocks a piece
const nodeHash = nodeHashOf(sha256Sync);

let hybrid: { info: AnyTorrentInfo; pieceLayers: Map<string, Uint8Array>; data: Uint8Array };

beforeAll(async () => {
  // 12 pieces and a bit: the last piece holds 5 bytes of the file, then BEP 47 padding.
  const data = new Uint8Array(randomBytes(12 * PIECE + 5));
  const { info, pieceLayers } = await createAnyInfo(
    [{ path: ['film.mp4'], length: data.length, read: async (at, length) => data.slice(at, at + length) }],
    { name: 'film.mp4', sha1, sha256, pieceLength: PIECE },
  );
  hybrid = { info, pieceLayers, data };
});

const layersOf = () => new PieceLayers(hybrid.info.v2!, hybrid.pieceLayers, nodeHash);
const pieceData = (index: number) => hybrid.data.slice(index * PIECE, (index + 1) * PIECE);

/** The `hashes` answer of an honest peer that has every piece. */
function honestAnswer(layers: PieceLayers, request: HashRange): WireMessage {
  const answers = new LeafAnswers(layers, nodeHash);
  const next = answers.onRequest('asker', request, () => true, 0);
  if (!next) throw new Error('a first leaf request never waits');
  if ('type' in next) return next;
  const data = hybrid.data.slice(next.index * PIECE, next.index * PIECE + next.bytes);
  expect(answers.readDone('asker', next.index, 0, data.length)).toBe(true);
  return answers.hashed('asker', next.index, blockDigests(data, sha256Sync), 0)!;
}

function fakePeer(key: string): PeerState {
  return { key, handshaken: true, v2: true } as unknown as PeerState;
}

/** Block checks on fake ports that record what they do. */
function harness(peerKeys: string[]) {
  const layers = layersOf();
  const peers = new Map(peerKeys.map((key) => [key, fakePeer(key)]));
  const sent: Array<{ peer: string; message: WireMessage }> = [];
  const closed: Array<{ peer: string; reason: string }> = [];
  const verdicts: Array<{ index: number; bad: number[] | undefined }> = [];
  const reads: Array<{ peer: string; index: number; begin: number; length: number }> = [];
  const hashings: Array<{ peer: string; index: number; data: Uint8Array }> = [];
  let now = 0;
  const ports: BlockCheckPorts = {
    now: () => now,
    peers,
    send: (peer, message) => sent.push({ peer: peer.key, message }),
    close: (peer, reason) => {
      closed.push({ peer: peer.key, reason });
      peers.delete(peer.key);
    },
    peerPieces: () => hybrid.info.v2!.pieceCount,
    have: () => true,
    read: (peer, index, begin, length) => reads.push({ peer: peer.key, index, begin, length }),
    hashBlocks: (peer, index, data) => hashings.push({ peer, index, data }),
    verdict: (index, bad) => verdicts.push({ index, bad }),
  };
  const checks = new BlockChecks(layers, nodeHash, ports);
  return {
    layers,
    peers,
    checks,
    sent,
    closed,
    verdicts,
    reads,
    hashings,
    tick: (ms: number) => (now += ms),
  };
}

/** Piece `index` with block `bad` corrupted, and its blocks' digests. */
function corrupted(index: number, bad: number): { data: Uint8Array; digests: Uint8Array } {
  const data = pieceData(index);
  data[bad * 16 * KiB + 7] ^= 0x55;
  return { data, digests: blockDigests(data, sha256Sync) };
}

describe('leaf hashes of one piece', () => {
  it('asks for a piece’s leaves with no proof beyond its own subtree, and keeps them once they lead to its piece hash', () => {
    const layers = layersOf();
    const leaves = new LeafHashes(layers);
    const range = leaves.ask(3, 'a', 0)!;
    expect(range).toMatchObject({ baseLayer: 0, index: 3 * 4, length: 4, proofLayers: 1 });
    const answer = honestAnswer(layers, range);
    expect(answer.type).toBe('hashes');
    expect(leaves.onHashes('a', answer as Extract<WireMessage, { type: 'hashes' }>)).toEqual({
      ok: true,
      index: 3,
    });
    const digests = nodes(blockDigests(pieceData(3), sha256Sync));
    expect(leaves.leaves(3)).toEqual(digests);
  });

  it('refuses leaves that do not lead to the piece hash, and answers nobody asked for are not its own', () => {
    const layers = layersOf();
    const leaves = new LeafHashes(layers);
    const range = leaves.ask(2, 'a', 0)!;
    const answer = honestAnswer(layers, range) as Extract<WireMessage, { type: 'hashes' }>;
    expect(leaves.onHashes('b', answer)).toBeUndefined(); // not asked of b
    const forged = answer.hashes.slice();
    forged[40] ^= 1; // the second leaf
    expect(leaves.onHashes('a', { ...answer, hashes: forged })).toEqual({
      ok: false,
      index: 2,
      reason: 'leaf hashes that do not lead to the piece hash',
    });
    expect(leaves.leaves(2)).toBeUndefined();
  });

  it('takes the answer for a piece done with meanwhile (verified before its leaves came), and late answers', () => {
    const layers = layersOf();
    const leaves = new LeafHashes(layers);
    const range = leaves.ask(6, 'a', 0)!;
    leaves.forget(6);
    expect(leaves.asking(6)).toBe(true); // not asked twice meanwhile
    const answer = honestAnswer(layers, range) as Extract<WireMessage, { type: 'hashes' }>;
    expect(leaves.onHashes('a', answer)).toEqual({ ok: true, index: 6 });
    const again = leaves.ask(7, 'a', 0)!;
    expect(leaves.expire(10_000)).toEqual([7]);
    expect(leaves.onHashes('a', honestAnswer(layers, again) as never)).toEqual({ ok: true, index: 7 });
  });

  it('bounds the requests to one peer, asks no peer twice for a piece, and times requests out', () => {
    const leaves = new LeafHashes(layersOf());
    for (let i = 0; i < MAX_LEAF_REQUESTS_PER_PEER; i++) leaves.ask(i, 'a', 0);
    expect(leaves.mayAsk(5, 'a')).toBe(false);
    expect(leaves.mayAsk(5, 'b')).toBe(true);
    expect(leaves.mayAsk(0, 'b')).toBe(false); // asked of a already
    expect(leaves.expire(10_000)).toEqual([0, 1]);
    expect(leaves.mayAsk(0, 'a')).toBe(false); // a had its chance
    expect(leaves.mayAsk(0, 'b')).toBe(true);
  });
});

describe('our answers to leaf requests', () => {
  it('sends a range inside a piece with its proof up to the file’s root', () => {
    const layers = layersOf();
    const file = hybrid.info.v2!.files[0];
    // Up to the layer below the root of the 16 pieces' tree (12 padded to 16) above 4-leaf pieces.
    const proofLayers = 2 + Math.log2(16) - 1;
    const request: HashRange = {
      piecesRoot: file.piecesRoot!,
      baseLayer: 0,
      index: 5 * 4 + 2,
      length: 2,
      proofLayers,
    };
    const answer = honestAnswer(layers, request) as Extract<WireMessage, { type: 'hashes' }>;
    expect(answer.type).toBe('hashes');
    const all = nodes(answer.hashes);
    expect(all.length).toBe(2 + proofLayers);
    const pads = padHashes(6, nodeHash);
    const root = climb(
      subtreeRoot(all.slice(0, 2), 2, pads, nodeHash),
      request.index / 2,
      all.slice(2),
      nodeHash,
    );
    expect(root).toEqual(file.piecesRoot);
  });

  it('rejects ranges across pieces or unaligned, pieces we lack, and copies of ours that are bad', () => {
    const layers = layersOf();
    const answers = new LeafAnswers(layers, nodeHash);
    const piecesRoot = hybrid.info.v2!.files[0].piecesRoot!;
    const range = (index: number, length: number): HashRange => ({
      piecesRoot,
      baseLayer: 0,
      index,
      length,
      proofLayers: Math.log2(length),
    });
    expect(answers.onRequest('p', range(2, 4), () => true, 0)).toMatchObject({ type: 'hash-reject' });
    expect(answers.onRequest('p', range(0, 8), () => true, 0)).toMatchObject({ type: 'hash-reject' });
    expect(answers.onRequest('p', range(4, 4), () => false, 0)).toMatchObject({ type: 'hash-reject' });
    expect(answers.onRequest('p', range(4, 4), () => true, 0)).toEqual({ index: 1, bytes: PIECE });
    expect(answers.readDone('p', 1, 0, PIECE)).toBe(true);
    const bad = corrupted(1, 3);
    expect(answers.hashed('p', 1, bad.digests, 0)).toMatchObject({ type: 'hash-reject' });
  });

  it('reads at most MAX_LEAF_ANSWER_BYTES of pieces for one peer a minute', () => {
    const answers = new LeafAnswers(layersOf(), nodeHash);
    const piecesRoot = hybrid.info.v2!.files[0].piecesRoot!;
    const request: HashRange = { piecesRoot, baseLayer: 0, index: 4, length: 4, proofLayers: 2 };
    const budget = MAX_LEAF_ANSWER_BYTES / PIECE;
    for (let i = 0; i < budget; i++) {
      expect(answers.onRequest('p', request, () => true, i)).toEqual({ index: 1, bytes: PIECE });
      answers.readFailed('p', 1, 0); // done with it: room for the next
    }
    expect(answers.onRequest('p', request, () => true, budget)).toMatchObject({ type: 'hash-reject' });
    expect(answers.onRequest('q', request, () => true, budget)).toEqual({ index: 1, bytes: PIECE });
    expect(answers.onRequest('p', request, () => true, LEAF_ANSWER_WINDOW_MS)).toEqual({
      index: 1,
      bytes: PIECE,
    });
  });

  it('lets a request over the read slots wait for one (other peers asked first), and rejects only a peer over its own bound', () => {
    const answers = new LeafAnswers(layersOf(), nodeHash);
    const piecesRoot = hybrid.info.v2!.files[0].piecesRoot!;
    const request: HashRange = { piecesRoot, baseLayer: 0, index: 4, length: 4, proofLayers: 2 };
    const peers = Array.from({ length: MAX_LEAF_ANSWERS / MAX_LEAF_ANSWERS_PER_PEER + 1 }, (_, i) => `p${i}`);
    const asked = peers.flatMap((peer) =>
      Array.from({ length: MAX_LEAF_ANSWERS_PER_PEER }, () =>
        answers.onRequest(peer, request, () => true, 0),
      ),
    );
    expect(asked.slice(0, MAX_LEAF_ANSWERS)).toEqual(
      Array(MAX_LEAF_ANSWERS).fill({ index: 1, bytes: PIECE }),
    );
    expect(asked.slice(MAX_LEAF_ANSWERS)).toEqual(Array(MAX_LEAF_ANSWERS_PER_PEER).fill(undefined));
    const late = peers[peers.length - 1];
    // A waiting request counts against its peer's bound.
    expect(answers.onRequest(late, request, () => true, 0)).toMatchObject({ type: 'hash-reject' });
    expect(answers.nextRead()).toBeUndefined(); // no slot free yet
    expect(answers.readDone('p0', 1, 0, PIECE)).toBe(true);
    expect(answers.hashed('p0', 1, blockDigests(pieceData(1), sha256Sync), 0)).toMatchObject({
      type: 'hashes',
    });
    expect(answers.nextRead()).toEqual({ peer: late, index: 1, bytes: PIECE });
    expect(answers.nextRead()).toBeUndefined();
    answers.peerGone(late); // its second request, still waiting, goes with it
    answers.readFailed('p0', 1, 0);
    expect(answers.nextRead()).toBeUndefined();
  });
});

describe('a failed piece judged block by block', () => {
  it('names only the bad block once an honest peer’s leaves come, after a peer with forged leaves is closed', () => {
    const h = harness(['forger', 'honest']);
    const { data, digests } = corrupted(4, 2);
    expect(h.checks.hold(4, data, digests)).toBe(true);
    expect(h.sent).toHaveLength(1);
    const first = h.sent[0];
    const request = first.message as Extract<WireMessage, { type: 'hash-request' }>;
    const good = honestAnswer(h.layers, request) as Extract<WireMessage, { type: 'hashes' }>;
    const forged = good.hashes.slice();
    forged[0] ^= 1;
    h.checks.onHashes(h.peers.get(first.peer)!, { ...good, hashes: forged }, 0);
    expect(h.closed).toEqual([
      { peer: first.peer, reason: 'leaf hashes that do not lead to the piece hash' },
    ]);
    expect(h.verdicts).toEqual([]);
    expect(h.sent).toHaveLength(2);
    const second = h.sent[1];
    expect(second.peer).not.toBe(first.peer);
    h.checks.onHashes(h.peers.get(second.peer)!, good, 0);
    expect(h.verdicts).toEqual([{ index: 4, bad: [2] }]);
    expect(h.checks.holding).toEqual({ pieces: 0, bytes: 0 });
    // The leaves stay known: blocks that come for the piece are checked on arrival.
    expect(h.checks.blockGood(4, 2 * 16 * KiB, data.subarray(2 * 16 * KiB, 3 * 16 * KiB))).toBe(false);
    expect(h.checks.blockGood(4, 2 * 16 * KiB, pieceData(4).subarray(2 * 16 * KiB, 3 * 16 * KiB))).toBe(true);
    expect(h.checks.blockGood(5, 0, pieceData(5).subarray(0, 16 * KiB))).toBeUndefined();
    h.checks.done(4);
    expect(h.checks.leafPieces).toBe(0);
  });

  it('checks the padding of a file’s last piece: bytes past the file’s end must be zeros', () => {
    const h = harness(['honest']);
    const last = 12;
    const data = new Uint8Array(PIECE);
    data.set(hybrid.data.subarray(last * PIECE));
    data[100] = 9; // padding, not the file
    expect(h.checks.hold(last, data, blockDigests(data.subarray(0, 5), sha256Sync))).toBe(true);
    const request = h.sent[0].message as Extract<WireMessage, { type: 'hash-request' }>;
    h.checks.onHashes(h.peers.get('honest')!, honestAnswer(h.layers, request) as never, 0);
    expect(h.verdicts).toEqual([{ index: last, bad: [0] }]);
  });

  it('judges the piece whole when no peer gives its leaves (rejects, time-outs), and holds no more than its bound', () => {
    const h = harness(['a', 'b']);
    const { data, digests } = corrupted(1, 0);
    expect(h.checks.hold(1, data, digests)).toBe(true);
    const asked = h.sent[0];
    h.checks.onReject(h.peers.get(asked.peer)!, asked.message as HashRange, 0);
    expect(h.sent).toHaveLength(2);
    h.tick(10_000);
    h.checks.tick(10_000);
    expect(h.verdicts).toEqual([{ index: 1, bad: undefined }]);
    expect(h.checks.holding.pieces).toBe(0);
    // Past MAX_HELD_BYTES, a failed piece is judged whole at once.
    const huge = new Uint8Array(MAX_HELD_BYTES + 1);
    expect(h.checks.hold(2, huge, digests)).toBe(false);
  });

  it('answers a peer’s leaf request from a read piece’s hashed blocks', () => {
    const h = harness(['asker']);
    const piecesRoot = hybrid.info.v2!.files[0].piecesRoot!;
    // A piece's 4 leaves and no uncle (proof layers one less than the 2 layers they give, as libtorrent counts).
    const request: HashRange = { piecesRoot, baseLayer: 0, index: 8, length: 4, proofLayers: 1 };
    h.checks.onRequest(h.peers.get('asker')!, request);
    expect(h.reads).toEqual([{ peer: 'asker', index: 2, begin: 0, length: PIECE }]);
    expect(h.checks.readDone('asker', 2, 0, pieceData(2))).toBe(true);
    expect(h.hashings).toHaveLength(1);
    h.checks.hashed('asker', 2, blockDigests(h.hashings[0].data, sha256Sync), 0);
    expect(h.sent[0].message).toMatchObject({ type: 'hashes', index: 8, length: 4 });
    const leaves = nodes((h.sent[0].message as Extract<WireMessage, { type: 'hashes' }>).hashes);
    expect(joinNodes(leaves)).toEqual(blockDigests(pieceData(2), sha256Sync));
    // A read that is not ours goes to the uploader.
    expect(h.checks.readDone('asker', 2, 0, pieceData(2))).toBe(false);
  });
});

/** A swarm of the hybrid (its v1 bytes: the file, then its last piece's padding) and the v2 view its nodes take. */
function swarmOf(seed: number) {
  const v1 = hybrid.info.v1!;
  const data = new Uint8Array(v1.length);
  data.set(hybrid.data);
  const swarm = new Swarm({ torrent: { info: v1, data }, sha1: sha1Sync, seed });
  return { v1, data, swarm, v2: { info: hybrid.info.v2!, pieceLayers: hybrid.pieceLayers } };
}

describe('a saboteur among honest v2 seeds', () => {
  it('is caught at its bad block: that block alone is fetched again, the others are not, and only it is banned', () => {
    const { v1, data, swarm, v2 } = swarmOf(11);
    const honest = [0, 1].map((i) => swarm.addNode({ name: `honest${i}`, seed: true, v2 }));
    // It corrupts the first block it serves (not the pieces it reads to answer leaf requests).
    let target: { index: number; begin: number } | undefined;
    const saboteur = swarm.addNode({
      name: 'saboteur',
      seed: true,
      v2,
      corrupt: (index, begin, length) => {
        if (target || length > 16 * KiB) return false;
        target = { index, begin };
        return true;
      },
    });
    const leech = swarm.addNode({ name: 'leech', v2, config: { endgameDuplicates: 1 } });
    expect(swarm.run(() => leech.completedAt !== undefined, 120_000)).toBe(true);
    expect(Buffer.from(leech.bytes()).equals(Buffer.from(data))).toBe(true);
    expect(target).toBeDefined();
    // Blocks of the target piece served, by begin: the bad one twice (bad, then good), every other once.
    const served = new Map<number, number>();
    for (const node of [...honest, saboteur])
      for (const read of node.reads)
        if (read.index === target!.index && read.length <= 16 * KiB)
          served.set(read.begin, (served.get(read.begin) ?? 0) + 1);
    for (const [begin, times] of served)
      expect(times, `block at ${begin}`).toBe(begin === target!.begin ? 2 : 1);
    expect(served.size).toBe(PIECE / (16 * KiB));
    const bans = leech.closes.filter((close) => close.reason.startsWith('banned'));
    expect(bans.map((close) => close.peer.split('#')[0])).toEqual(['saboteur']);
    expect(leech.closes.filter((close) => close.peer.startsWith('honest'))).toEqual([]);
    // The piece failed once, and was checked again only once its block came back.
    expect(leech.badHashes).toBe(0);
    expect(leech.treeChecks).toBe(v1.pieceCount + 1);
  });
});

describe('a playback window’s pieces', () => {
  it('have their leaves asked in advance, so a saboteur’s block is caught on arrival, before any piece fails', () => {
    const { v1, data, swarm, v2 } = swarmOf(12);
    // Slow honest seeds: the download takes long enough for the saboteur to join once the leaves are known.
    const honest = [0, 1].map((i) =>
      swarm.addNode({ name: `honest${i}`, seed: true, v2, uploadRate: 32 * KiB }),
    );
    const leech = swarm.addNode({ name: 'leech', v2 });
    swarm.schedule(50, () =>
      leech.deliver({ type: 'playhead', file: 0, position: 8 * PIECE, bytesPerSecond: 32 * KiB }),
    );
    const window = [8, 9, 10, 11];
    swarm.addNode({
      name: 'saboteur',
      seed: true,
      v2,
      joinAt: 3000,
      corrupt: (index, _begin, length) => length <= 16 * KiB && (index === 10 || index === 11),
    });
    expect(swarm.run(() => leech.completedAt !== undefined, 120_000)).toBe(true);
    expect(Buffer.from(leech.bytes()).equals(Buffer.from(data))).toBe(true);
    // The window's leaves were read and hashed by the honest seeds to answer the leech.
    const leafReads = honest.flatMap((node) => node.reads.filter((read) => read.length === PIECE));
    const asked = new Set(leafReads.map((read) => read.index));
    for (const index of window) expect(asked.has(index), `piece ${index}`).toBe(true);
    const bans = leech.closes.filter((close) => close.reason === 'banned: sent corrupt data');
    expect(bans.map((close) => close.peer.split('#')[0])).toEqual(['saboteur']);
    expect(leech.closes.filter((close) => close.peer.startsWith('honest'))).toEqual([]);
    // No piece failed its check: the bad blocks never made it into a piece.
    expect(leech.treeChecks).toBe(v1.pieceCount);
  });

  it('asks nothing in advance with leavesAhead 0', () => {
    const { swarm, v2 } = swarmOf(13);
    const seed = swarm.addNode({ name: 'seed', seed: true, v2, uploadRate: 64 * KiB });
    const leech = swarm.addNode({ name: 'leech', v2, config: { leavesAhead: 0 } });
    swarm.schedule(50, () =>
      leech.deliver({ type: 'playhead', file: 0, position: 8 * PIECE, bytesPerSecond: 32 * KiB }),
    );
    expect(swarm.run(() => leech.completedAt !== undefined, 120_000)).toBe(true);
    expect(seed.reads.filter((read) => read.length === PIECE)).toEqual([]);
  });
});
