import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { reservedBytes } from '../../codec/wire';
import { sha1Sync } from '../../testing/sha1';
import { PeerState } from '../peer/peer';
import { peerStatsOf, wantedOf } from './peer-stats';
import { UploadQueue } from '../peer/upload-queue';
import { TorrentSession } from './session';
import { randomTorrent } from '../testing/swarm';
import type { FilePriority } from '../contract/engine-types';
import type { VerifiedPieces } from '../verify/verified-pieces';

const peer = (key: string, handshaken: boolean) => {
  const state = new PeerState(key, 0, 0, new UploadQueue(undefined, 0));
  if (handshaken)
    state.wire.accept(
      { infoHash: new Uint8Array(20), peerId: new Uint8Array(20), reserved: reservedBytes({ fast: false }) },
      `id-${key}`,
    );
  return state;
};

describe('peerStatsOf', () => {
  it('shows a row per handshaken peer only, with its peer id', () => {
    const { peerStats, seeds } = peerStatsOf([peer('a', true), peer('b', false)], undefined, 4, 0);
    expect(peerStats.map((row) => [row.peer, row.peerId])).toEqual([['a', 'id-a']]);
    expect(seeds).toBe(0);
  });
});

// Three files over four pieces of 16 KiB: a (pieces 0-1), b (pieces 1-2), c (pieces 2-3).
const PIECE = 16 * 1024;
const single = randomTorrent(5, 4 * PIECE, { sha1: sha1Sync, pieceLength: PIECE }).info;
const info = {
  ...single,
  files: [
    { path: ['a'], length: 1.5 * PIECE, offset: 0 },
    { path: ['b'], length: PIECE, offset: 1.5 * PIECE },
    { path: ['c'], length: 1.5 * PIECE, offset: 2.5 * PIECE },
  ],
};

/** A session over `info` with pieces `have` verified, told `priorities` when given. */
function session(have: number[], priorities?: FilePriority[]) {
  const bits = new Bitfield(info.pieceCount);
  for (const index of have) bits.set(index);
  const s = new TorrentSession({
    infoHash: info.infoHash,
    peerId: new Uint8Array(20),
    info,
    have: bits,
    random: () => 0.5,
    now: 0,
  });
  if (priorities) s.handle({ type: 'file-priorities', priorities }, 0);
  return s;
}

const wanted = (s: TorrentSession) => {
  const { wantedPieces, wantedVerified } = s.stats(0);
  return [wantedPieces, wantedVerified];
};

describe('sessionStatsOf: the wanted pieces', () => {
  it('counts every piece while no file is skipped', () => {
    expect(wanted(session([0, 1]))).toEqual([4, 2]);
    expect(wanted(session([0, 1], ['normal', 'high', 'normal']))).toEqual([4, 2]);
  });

  it("counts the chosen files' pieces, a piece shared with a chosen file included", () => {
    // a and b hold pieces 0, 1, 2; c alone holds piece 3.
    expect(wanted(session([0, 1], ['normal', 'normal', 'skip']))).toEqual([3, 2]);
    expect(wanted(session([3], ['normal', 'normal', 'skip']))).toEqual([3, 0]);
    expect(wanted(session([0, 3], ['skip', 'skip', 'normal']))).toEqual([2, 1]);
    expect(wanted(session([0, 1], ['skip', 'skip', 'skip']))).toEqual([0, 0]);
  });

  it('follows a choice made again', () => {
    const s = session([0], ['normal', 'skip', 'skip']);
    expect(wanted(s)).toEqual([2, 1]);
    s.handle({ type: 'file-priorities', priorities: ['normal', 'normal', 'normal'] }, 0);
    expect(wanted(s)).toEqual([4, 1]);
    s.handle({ type: 'file-priorities', priorities: ['skip', 'skip', 'normal'] }, 0);
    expect(wanted(s)).toEqual([2, 0]);
  });

  it('counts nothing before the info is known', () => {
    const magnet = new TorrentSession({
      infoHash: info.infoHash,
      peerId: new Uint8Array(20),
      random: () => 0.5,
      now: 0,
    });
    expect(wanted(magnet)).toEqual([0, 0]);
  });
});

describe('wantedOf: the missing pieces someone connected has', () => {
  /** A downloader's view: pieces `have` verified of 4, `copies` connected peers' copies of each piece. */
  const downloaderOf = (have: number[], copies: number[], wanted?: boolean[]) => {
    const verified = {
      pieceCount: 4,
      get: (index: number) => have.includes(index),
    } as unknown as VerifiedPieces;
    return { verified, wanted, availability: (index: number) => copies[index] };
  };

  it('counts the missing wanted pieces a connected peer has', () => {
    expect(wantedOf(downloaderOf([0], [0, 1, 0, 2])).wantedReachable).toBe(2);
  });

  it('counts none when nobody connected has a missing piece, whatever they have of the verified ones', () => {
    expect(wantedOf(downloaderOf([0, 1], [3, 3, 0, 0])).wantedReachable).toBe(0);
  });

  it('leaves out the pieces of skipped files', () => {
    const wantedPieces = [true, true, false, false];
    expect(wantedOf(downloaderOf([0], [0, 0, 1, 1], wantedPieces))).toEqual({
      wantedPieces: 2,
      wantedVerified: 1,
      wantedReachable: 0,
    });
  });
});
