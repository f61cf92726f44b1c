// A peer's state in parts: each field is read-only from outside (the type checks below). That each part is written
// from its own room only is the lint rule swarmdrop/part-writers (eslint.config.js, with its test in scripts/).
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../codec/wire';
import { PeerState } from './peer';
import { PeerChoke } from './peer-choke';
import { PeerDownload } from './peer-download';
import { PendingHas } from './pending-has';
import { UploadQueue } from './upload-queue';

const newPeer = () => new PeerState('p#1', 0, 100, new UploadQueue(undefined, 100), ['ip:1']);

describe('PeerState', () => {
  it('cannot be written through its fields or its parts’ fields (a type check, and getters at run time)', () => {
    const peer = newPeer();
    const writes = [
      // @ts-expect-error read-only: the wire part writes it
      () => (peer.handshaken = true),
      // @ts-expect-error read-only: the wire part writes it
      () => (peer.wire.fast = true),
      // @ts-expect-error read-only: the choke rounds write it
      () => (peer.amChoking = false),
      // @ts-expect-error read-only: the choke rounds write it
      () => (peer.choke.spread = true),
      // @ts-expect-error read-only: the downloader writes it
      () => (peer.waiting = true),
      // @ts-expect-error read-only: the downloader writes it
      () => (peer.download.snubbed = true),
      // @ts-expect-error read-only: the uploader writes it
      () => (peer.backlogged = true),
      // @ts-expect-error read-only: the uploader writes it
      () => (peer.upload.uploaded = 5),
    ];
    for (const write of writes) expect(write).toThrow(TypeError);
    expect([peer.handshaken, peer.amChoking, peer.waiting, peer.backlogged, peer.uploaded]).toEqual([
      false,
      true,
      false,
      false,
      0,
    ]);
    // Parts are not replaced, and what the adapter said of the connection is fixed (type checks only).
    const typeOnly = () => {
      // @ts-expect-error a part is not replaced
      peer.pending = new PendingHas();
      // @ts-expect-error given at connection
      peer.identities = [];
    };
    expect(typeOnly).toBeTypeOf('function');
  });

  it('reads each part through its own getters', () => {
    const peer = newPeer();
    expect([peer.lastReceived, peer.lastSent, peer.lastBlockAt, peer.connectedAt]).toEqual([
      100, 100, 100, 100,
    ]);
    expect([peer.amChoking, peer.peerChoking, peer.amInterested, peer.peerInterested]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    peer.download.blockArrived(BLOCK_SIZE, 200);
    peer.upload.sent(BLOCK_SIZE, 200);
    expect([peer.downloaded, peer.uploaded, peer.lastBlockAt]).toEqual([BLOCK_SIZE, BLOCK_SIZE, 200]);
    expect(peer.down.total).toBe(BLOCK_SIZE);
    expect(peer.upSlow.total).toBe(BLOCK_SIZE);
    expect(peer.identities).toEqual(['ip:1']);
  });
});

describe('PeerDownload (the downloader’s part)', () => {
  it('starts the snub clock with the first requests, not again until a block or a choke', () => {
    const download = new PeerDownload(0);
    download.requested(10);
    download.requested(20);
    expect([download.waiting, download.lastBlockAt]).toEqual([true, 10]);
    download.choked();
    download.requested(30);
    expect(download.lastBlockAt).toBe(30);
    download.snub();
    download.blockArrived(100, 40);
    expect([download.waiting, download.snubbed, download.lastBlockAt, download.downloaded]).toEqual([
      false,
      false,
      40,
      100,
    ]);
    download.pieceVerified(1);
    download.pieceVerified(0.25);
    expect(download.piecesReceived).toBe(1.25);
    expect(() => download.pieceVerified(1.5)).toThrow(RangeError);
  });
});

describe('PeerChoke (the choke rounds’ part)', () => {
  it('dates an unchoke and reports only changes', () => {
    const choke = new PeerChoke();
    expect(choke.setChoking(true, 5)).toBe(false);
    expect(choke.setChoking(false, 7)).toBe(true);
    expect(choke.lastUnchokedAt).toBe(7);
    expect(choke.setChoking(true, 9)).toBe(true);
    expect(choke.lastUnchokedAt).toBe(7);
    expect(choke.setPeerChoking(true)).toBe(false);
    expect(choke.setPeerChoking(false)).toBe(true);
  });

  it('dates what a slot took to bring its first request, the longest of its slots', () => {
    const choke = new PeerChoke();
    choke.asked(3); // choked: no slot to date
    expect(choke.slotCostMs).toBeUndefined();
    choke.setChoking(false, 100);
    choke.asked(1600);
    choke.asked(1700); // only the first request of a slot counts
    expect(choke.slotCostMs).toBe(1500);
    choke.setChoking(true, 2000);
    choke.setChoking(false, 3000);
    choke.asked(3001); // a request already on its way when we unchoked: says nothing of the path
    expect(choke.slotCostMs).toBe(1500);
  });
});
