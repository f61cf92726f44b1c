import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAnyInfo, type AnyTorrentInfo } from '../../codec/metainfo-v2';
import type { SourceFile } from '../../codec/metainfo';
import { sha1, sha1Sync } from '../../testing/sha1';
import { sha256 } from '../../testing/sha256';
import { v2PieceMap } from '../../codec/v2-pieces';
import { Swarm, type TestTorrent } from '../testing/swarm';
import { TorrentSession } from '../session/session';
import { V2Join } from './v2-join';

const KiB = 1024;

interface Made {
  any: AnyTorrentInfo;
  pieceLayers: Map<string, Uint8Array>;
  torrent: TestTorrent;
}

/** A folder of files of these sizes, as a v2-only or hybrid torrent, with the bytes laid out on its pieces. */
async function made(sizes: number[], version: 'v2' | 'hybrid', pieceLength = 32 * KiB): Promise<Made> {
  const contents = sizes.map((size) => new Uint8Array(randomBytes(size)));
  const files: SourceFile[] = contents.map((data, i) => ({
    path: [`file-${i}.bin`],
    length: data.length,
    read: async (at, length) => data.slice(at, at + length),
  }));
  const { info: any, pieceLayers } = await createAnyInfo(files, {
    name: 'share',
    sha1,
    sha256,
    pieceLength,
    version,
  });
  const info = version === 'v2' ? v2PieceMap(any.v2!) : any.v1!;
  const data = new Uint8Array(info.pieceCount * pieceLength);
  for (const file of any.v2!.files) data.set(contents[Number(file.path[0].slice(5, -4))], file.offset);
  expect(any.v2!.files.map((file) => file.path[0])).toEqual(files.map((file) => file.path[0]).sort());
  return { any, pieceLayers, torrent: { info, data: data.slice(0, info.length) } };
}

let v2only: Made;
let hybrid: Made;

beforeAll(async () => {
  // Files of several pieces, of one piece, of less than a block, and an empty one.
  v2only = await made([200 * KiB + 7, 32 * KiB, 5, 0, 70 * KiB], 'v2');
  hybrid = await made([150 * KiB + 3, 10 * KiB], 'hybrid');
});

const view = (m: Made, withLayers: boolean) => ({
  info: m.any.v2!,
  ...(withLayers ? { pieceLayers: m.pieceLayers } : {}),
});

describe('a v2-only torrent in the engine', () => {
  it('downloads between two sessions, every piece checked against its file’s tree, the layers asked of the seed', () => {
    const swarm = new Swarm({ torrent: v2only.torrent, sha1: sha1Sync, seed: 21 });
    swarm.addNode({ name: 'seed', seed: true, v2: view(v2only, true) });
    const leech = swarm.addNode({ name: 'leech', v2: view(v2only, false) });
    expect(leech.session.pieceLayers?.missing).toBe(2);
    expect(swarm.run(() => leech.completedAt !== undefined, 60_000)).toBe(true);
    expect(Buffer.from(leech.bytes()).equals(Buffer.from(v2only.torrent.data))).toBe(true);
    expect(leech.treeChecks).toBe(v2only.torrent.info.pieceCount);
    expect(leech.badHashes).toBe(0);
    expect(leech.session.pieceLayers?.missing).toBe(0);
    expect(swarm.nodes.flatMap((node) => node.closes)).toEqual([]);
  });

  it('a btmh-only magnet link fetches the metadata, checked by SHA-256, and downloads', () => {
    const swarm = new Swarm({ torrent: v2only.torrent, sha1: sha1Sync, seed: 22 });
    swarm.addNode({ name: 'seed', seed: true, v2: view(v2only, true) });
    const leech = swarm.addNode({ name: 'leech', magnet: true, infoHashV2: v2only.any.v2!.infoHash });
    expect(leech.session.info).toBeUndefined();
    expect(swarm.run(() => leech.completedAt !== undefined, 60_000)).toBe(true);
    expect(leech.session.info?.infoHashHex).toBe(v2only.any.v2!.truncatedInfoHashHex);
    expect(leech.session.info?.pieces.length).toBe(0);
    expect(Buffer.from(leech.bytes()).equals(Buffer.from(v2only.torrent.data))).toBe(true);
    expect(leech.treeChecks).toBe(v2only.torrent.info.pieceCount);
    expect(swarm.nodes.flatMap((node) => node.closes)).toEqual([]);
  });

  it('a btmh-only magnet link of a hybrid seeded by its v1 hash: each side accepts the other’s hash', () => {
    const swarm = new Swarm({ torrent: hybrid.torrent, sha1: sha1Sync, seed: 23 });
    const seed = swarm.addNode({ name: 'seed', seed: true, v2: view(hybrid, true) });
    const leech = swarm.addNode({ name: 'leech', magnet: true, infoHashV2: hybrid.any.v2!.infoHash });
    expect(swarm.run(() => leech.completedAt !== undefined, 60_000)).toBe(true);
    expect(seed.session.stats(swarm.now).infoHashHex).toBe(hybrid.any.v1!.infoHashHex);
    // The leech runs it by its v2 view: every piece checked by the tree, none by SHA-1.
    expect(leech.session.info?.infoHashHex).toBe(hybrid.any.v2!.truncatedInfoHashHex);
    expect(leech.treeChecks).toBe(hybrid.torrent.info.pieceCount);
    expect(Buffer.from(leech.bytes()).equals(Buffer.from(hybrid.torrent.data))).toBe(true);
    expect(swarm.nodes.flatMap((node) => node.closes)).toEqual([]);
  });
});

describe('the info hashes a session answers to', () => {
  const other = new Uint8Array(20).fill(7);

  it('a hybrid run by its v1 hash accepts its truncated v2 hash, nothing else', () => {
    const v1 = hybrid.any.v1!.infoHash;
    const join = new V2Join(v1, undefined, view(hybrid, false));
    expect(join.accepts(v1, false, 'a')).toBe(true);
    expect(join.accepts(hybrid.any.v2!.truncatedInfoHash, true, 'b')).toBe(true);
    expect(join.accepts(other, true, 'c')).toBe(false);
    expect(join.metadataCheck()).toBeUndefined();
  });

  it('a btmh-only magnet accepts a v2 peer naming another hash until the metadata says which are the torrent’s', () => {
    const full = hybrid.any.v2!.infoHash;
    const later = {};
    const join = new V2Join(full.slice(0, 20), full, later);
    expect(join.accepts(other, false, 'v1-peer')).toBe(false);
    expect(join.accepts(hybrid.any.v1!.infoHash, true, 'seed')).toBe(true);
    expect(join.accepts(other, true, 'stranger')).toBe(true);
    const check = join.metadataCheck()!;
    expect(check.expected).toEqual(full);
    expect(join.digest(hybrid.any.infoBytes)).toEqual(full);
    const info = check.parse(hybrid.any.infoBytes);
    expect(info.infoHashHex).toBe(hybrid.any.v2!.truncatedInfoHashHex);
    expect(later).toMatchObject({ view: { info: { infoHashHex: hybrid.any.v2!.infoHashHex } } });
    expect(join.strays()).toEqual(['stranger']);
    expect(join.accepts(hybrid.any.v1!.infoHash, true, 'again')).toBe(true);
    expect(join.accepts(other, true, 'late')).toBe(false);
  });

  it('a session refuses a torrent without SHA-1 pieces unless it has its v2 view', () => {
    const info = v2only.torrent.info;
    const options = {
      infoHash: info.infoHash,
      peerId: new Uint8Array(20).fill(1),
      random: Math.random,
      now: 0,
    };
    expect(() => new TorrentSession({ ...options, info })).toThrow(/needs its v2 view/);
    expect(() => new TorrentSession({ ...options, info, v2: view(v2only, false) })).not.toThrow();
    expect(() => new TorrentSession({ ...options, info: hybrid.torrent.info })).toThrow(/does not match/);
  });

  it('refuses a btmh hash that is not 32 bytes or does not begin with the session’s', () => {
    const full = v2only.any.v2!.infoHash;
    expect(() => new V2Join(other, full, {})).toThrow(RangeError);
    expect(() => new V2Join(full.slice(0, 20), full.slice(0, 31), {})).toThrow(RangeError);
  });
});
