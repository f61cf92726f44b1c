import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHashes } from '../../hash/merkle';
import type { SourceFile } from '../../codec/metainfo';
import { createAnyInfo, type TorrentInfoV2 } from '../../codec/metainfo-v2';
import { sha256Sync } from '../../hash/sha256';
import { sha1 } from '../../testing/sha1';
import { sha256 } from '../../testing/sha256';
import {
  MAX_MESSAGE_LENGTH,
  encodeMessage,
  hashCount,
  type HashRange,
  type WireMessage,
} from '../../codec/wire';
import { nodeHashOf } from '../verify/file-tree';
import {
  CHUNK_PIECES,
  HASH_REQUEST_TIMEOUT_MS,
  MAX_HASH_REQUESTS,
  MAX_HASH_REQUESTS_PER_PEER,
  MAX_SERVED_HASHES,
  PieceLayers,
} from './piece-layers';

const KiB = 1024;
const nodeHash = nodeHashOf(sha256Sync);
const all = (): boolean => true;

interface Share {
  v2: TorrentInfoV2;
  layers: Map<string, Uint8Array>;
  data: Map<string, Uint8Array>;
}

async function share(sizes: number[], pieceLength: number): Promise<Share> {
  const data = new Map<string, Uint8Array>();
  const files: SourceFile[] = sizes.map((size, i) => {
    const bytes = new Uint8Array(randomBytes(size));
    data.set(`f${i}`, bytes);
    return { path: [`f${i}`], length: size, read: async (at, length) => bytes.slice(at, at + length) };
  });
  const { info, pieceLayers } = await createAnyInfo(files, { name: 'share', sha1, sha256, pieceLength });
  return { v2: info.v2!, layers: pieceLayers, data };
}

/** Hashes the seed sends for a request (a `hashes` or `hash-reject` message). */
function serve(seed: PieceLayers, request: HashRange, now = 0): WireMessage {
  return seed.answer('leech', request, now);
}

describe('piece layers', () => {
  it('knows the layers a .torrent gives and fetches the others from a peer, checked against the roots', async () => {
    // 16 KiB pieces: a 3-piece file, a 1-piece file (its root is its piece hash), a 600-piece file (two chunks).
    const { v2, layers } = await share([40 * KiB, 10 * KiB, 600 * 16 * KiB - 5], 16 * KiB);
    const seed = new PieceLayers(v2, layers, nodeHash);
    const leech = new PieceLayers(v2, new Map(), nodeHash);
    expect(seed.missing).toBe(0);
    expect(leech.missing).toBe(2);
    const first600 = v2.files.find((f) => f.pieceCount === 600)!;
    expect(leech.expected(first600.offset / v2.pieceLength)).toBeUndefined();

    const requests = leech.requestsFor('seed', all, 0);
    expect(requests.map((r) => [r.index, r.length])).toEqual(
      expect.arrayContaining([
        [0, 4],
        [0, 512],
        [512, 128],
      ]),
    );
    expect(requests).toHaveLength(3);
    // The 600-piece layer (1,024 padded) in chunks of 512 aligned to 512, each proved to the root with the proof
    // layers libtorrent asks and accepts: 9, one less than the 10 layers above the piece layer.
    const long = requests.filter((r) => r.length >= 128).map((r) => [r.index, r.length, r.proofLayers]);
    expect(long).toEqual([
      [0, 512, 9],
      [512, 128, 9],
    ]);
    expect(leech.requestsFor('seed', all, 0)).toEqual([]); // each chunk asked once
    for (const request of requests) {
      const answer = serve(seed, request);
      if (answer.type !== 'hashes') throw new Error(`rejected ${JSON.stringify(request)}`);
      const verdict = leech.onHashes('seed', answer);
      expect(verdict).toMatchObject({ ok: true });
    }
    expect(leech.missing).toBe(0);
    expect(leech.pending).toBe(0);
    for (let piece = 0; piece < v2.pieceCount; piece++) {
      expect(leech.expected(piece)).toEqual(seed.expected(piece));
    }
  });

  it('refuses hashes that do not lead to the root, and hashes nobody asked for', async () => {
    const { v2, layers } = await share([100 * KiB], 16 * KiB);
    const seed = new PieceLayers(v2, layers, nodeHash);
    const leech = new PieceLayers(v2, new Map(), nodeHash);
    const [request] = leech.requestsFor('seed', all, 0);
    const answer = serve(seed, request);
    if (answer.type !== 'hashes') throw new Error('rejected');
    expect(leech.onHashes('other', answer)).toEqual({ ok: false, reason: 'hashes we did not ask for' });
    const forged = { ...answer, hashes: answer.hashes.slice() };
    forged.hashes[40] ^= 1;
    expect(leech.onHashes('seed', forged)).toEqual({
      ok: false,
      reason: 'hashes that do not lead to the pieces root',
    });
    expect(leech.missing).toBe(1);
    // The request was used up: the true answer now is unasked for; asked again, it is kept.
    expect(leech.onHashes('seed', answer).ok).toBe(false);
    const [again] = leech.requestsFor('seed', all, 0);
    expect(leech.onHashes('seed', { ...answer, ...again }).ok).toBe(true);
    expect(leech.missing).toBe(0);
  });

  it('asks only peers that have a piece of the chunk, within the bounds per peer and in all', async () => {
    // 24 files of 3 pieces: 24 missing layers.
    const { v2 } = await share(new Array<number>(24).fill(40 * KiB), 16 * KiB);
    const leech = new PieceLayers(v2, new Map(), nodeHash);
    expect(leech.requestsFor('empty', () => false, 0)).toEqual([]);
    expect(leech.requestsFor('a', all, 0)).toHaveLength(MAX_HASH_REQUESTS_PER_PEER);
    expect(leech.requestsFor('a', all, 0)).toHaveLength(0);
    let total = MAX_HASH_REQUESTS_PER_PEER;
    for (const peer of ['b', 'c', 'd', 'e', 'f']) total += leech.requestsFor(peer, all, 0).length;
    expect(total).toBe(MAX_HASH_REQUESTS);
    expect(leech.pending).toBe(MAX_HASH_REQUESTS);
    // A reject frees its chunk; a peer that leaves frees all of its requests; late ones expire.
    const [mine] = leech.requestsFor('g', all, 0);
    expect(mine).toBeUndefined();
    leech.peerGone('a');
    expect(leech.pending).toBe(MAX_HASH_REQUESTS - MAX_HASH_REQUESTS_PER_PEER);
    const fresh = leech.requestsFor('g', all, 1000);
    expect(fresh).toHaveLength(MAX_HASH_REQUESTS_PER_PEER);
    expect(leech.onReject('g', fresh[0])).toBe(true);
    expect(leech.onReject('g', fresh[0])).toBe(false);
    // A chunk a peer rejected is not asked of it again, but of another.
    expect(leech.requestsFor('h', all, 1000)).toEqual([fresh[0]]);
    leech.peerGone('h');
    const next = leech.requestsFor('g', all, 1000);
    expect(next).toHaveLength(1);
    expect(next).not.toContainEqual(fresh[0]);
    leech.onReject('g', next[0]);
    expect(leech.expire(HASH_REQUEST_TIMEOUT_MS)).toHaveLength(
      MAX_HASH_REQUESTS - MAX_HASH_REQUESTS_PER_PEER,
    );
    expect(leech.pending).toBe(MAX_HASH_REQUESTS_PER_PEER - 1);
  });

  it('checks a piece by the leaf hashes of its blocks', async () => {
    const { v2, layers, data } = await share([5 * 64 * KiB + 3 * KiB, 20 * KiB], 64 * KiB);
    const layersKnown = new PieceLayers(v2, layers, nodeHash);
    const big = data.get('f0')!;
    const last = big.subarray(5 * 64 * KiB);
    expect(layersKnown.checkLeaves(1, await leafHashes(big.subarray(64 * KiB, 128 * KiB), sha256))).toBe(
      true,
    );
    expect(layersKnown.checkLeaves(5, await leafHashes(last, sha256))).toBe(true);
    expect(layersKnown.checkLeaves(6, await leafHashes(data.get('f1')!, sha256))).toBe(true);
    const bad = big.slice(64 * KiB, 128 * KiB);
    bad[20_000] ^= 1;
    expect(layersKnown.checkLeaves(1, await leafHashes(bad, sha256))).toBe(false);
    expect(layersKnown.checkLeaves(2, await leafHashes(big.subarray(64 * KiB, 128 * KiB), sha256))).toBe(
      false,
    );
    expect(layersKnown.checkLeaves(99, [])).toBeUndefined();
    expect(new PieceLayers(v2, new Map(), nodeHash).checkLeaves(1, [])).toBeUndefined();
  });

  it('rejects requests for unknown roots, below the piece layer, too long, or past the serving budget', async () => {
    const { v2, layers } = await share([CHUNK_PIECES * 2 * 16 * KiB], 16 * KiB);
    const seed = new PieceLayers(v2, layers, nodeHash);
    const root = v2.files[0].piecesRoot!;
    // libtorrent's request for the first half of a 1,024-piece layer: 9 proof layers, one uncle.
    const good: HashRange = { piecesRoot: root, baseLayer: 0, index: 0, length: 512, proofLayers: 9 };
    expect(serve(seed, good).type).toBe('hashes');
    const rejected = (range: HashRange) =>
      expect(serve(seed, range)).toEqual({ type: 'hash-reject', ...range });
    rejected({ ...good, piecesRoot: new Uint8Array(32) });
    rejected({ ...good, length: 1024 });
    rejected({ ...good, proofLayers: 10 }); // an uncle of the root's layer
    rejected({ ...good, index: 1024 });
    // A 64 KiB-piece torrent has no layer below 2 to give.
    const { v2: coarse, layers: coarseLayers } = await share([300 * KiB], 64 * KiB);
    const coarseSeed = new PieceLayers(coarse, coarseLayers, nodeHash);
    const coarseRoot = coarse.files[0].piecesRoot!;
    expect(
      serve(coarseSeed, { piecesRoot: coarseRoot, baseLayer: 0, index: 0, length: 4, proofLayers: 2 }).type,
    ).toBe('hash-reject');
    expect(
      serve(coarseSeed, { piecesRoot: coarseRoot, baseLayer: 2, index: 0, length: 8, proofLayers: 2 }).type,
    ).toBe('hashes');
    // The budget: 522 hashes an answer, then rejects until the window passes.
    const answers = Math.floor(MAX_SERVED_HASHES / 522);
    const budget = new PieceLayers(v2, layers, nodeHash);
    for (let i = 0; i < answers; i++) expect(budget.answer('p', good, 10).type).toBe('hashes');
    expect(budget.answer('p', good, 10).type).toBe('hash-reject');
    expect(budget.answer('q', good, 10).type).toBe('hashes');
    expect(budget.answer('p', good, 60_010).type).toBe('hashes');
  });
});

describe('piece layers against hostile peers', () => {
  it('answer any well-formed hash request with a reject or exactly the hashes the range asks, never a throw', async () => {
    const { v2, layers } = await share([40 * KiB, 700 * 16 * KiB + 1], 16 * KiB);
    const seed = new PieceLayers(v2, layers, nodeHash);
    const roots = [...v2.files.map((file) => file.piecesRoot!), new Uint8Array(32)];
    fc.assert(
      fc.property(
        fc.constantFrom(...roots),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 11 }),
        fc.nat({ max: 4096 }),
        fc.integer({ min: 0, max: 63 }),
        (piecesRoot, baseLayer, lengthLog, slot, proofLayers) => {
          const length = 2 ** lengthLog;
          const range: HashRange = { piecesRoot, baseLayer, index: slot * length, length, proofLayers };
          const answer = seed.answer(`peer${slot % 3}`, range, 0);
          if (answer.type === 'hash-reject') return;
          if (answer.type !== 'hashes') throw new Error(answer.type);
          expect(answer.hashes.length).toBe(hashCount(range) * 32);
          expect(encodeMessage(answer).length).toBeLessThan(MAX_MESSAGE_LENGTH);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuse any hashes but the ones asked, and keep nothing of them', async () => {
    const { v2 } = await share([100 * KiB], 16 * KiB);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32 * 8, maxLength: 32 * 8 }),
        fc.nat({ max: 2 }),
        (hashes, who) => {
          const leech = new PieceLayers(v2, new Map(), nodeHash);
          const [request] = leech.requestsFor('seed', all, 0);
          const peer = ['seed', 'other', 'third'][who];
          const verdict = leech.onHashes(peer, {
            ...request,
            hashes: hashes.subarray(0, hashCount(request) * 32),
          });
          expect(verdict.ok).toBe(false);
          expect(leech.missing).toBe(1);
          expect(leech.expected(0)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });
});
