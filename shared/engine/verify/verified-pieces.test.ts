// The verified pieces' owner, and that it is the only writer: the downloader, the picker and the session read the
// same owner after a piece verifies, fails or is restored. That no other code sets a bit is the lint rule
// swarmdrop/part-writers (eslint.config.js, scripts/eslint-part-writers.test.ts).
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { sha1Sync } from '../../testing/sha1';
import { BLOCK_SIZE, reservedBytes } from '../../codec/wire';
import { Downloader } from '../download/downloader';
import { PeerState } from '../peer/peer';
import { PiecePicker } from '../picker/picker';
import { DEFAULT_CONFIG } from '../session/session';
import { randomTorrent } from '../testing/swarm';
import { UploadQueue } from '../upload/uploader';
import { VerifiedPieces } from './verified-pieces';
import { BanList } from './verify';
import type { PickerOptions } from '../picker/wishlist';

describe('VerifiedPieces', () => {
  const sizes = { pieceCount: 3, pieceLength: 100, length: 250 };

  it('counts pieces and bytes (a short last piece) and knows when it is complete', () => {
    const owner = new VerifiedPieces(sizes);
    expect([owner.count, owner.bytes(), owner.complete]).toEqual([0, 0, false]);
    expect(owner.add(2)).toBe(true);
    expect([owner.count, owner.bytes(), owner.get(2)]).toEqual([1, 50, true]);
    expect(owner.add(2)).toBe(false); // once
    expect(owner.count).toBe(1);
    owner.add(0);
    owner.add(1);
    expect([owner.count, owner.bytes(), owner.complete]).toEqual([3, 250, true]);
  });

  it('copies the pieces it starts from, and refuses pieces outside the torrent', () => {
    const initial = new Bitfield(3);
    initial.set(1);
    const owner = new VerifiedPieces(sizes, initial);
    initial.set(0);
    expect([owner.get(0), owner.get(1), owner.count, owner.bytes()]).toEqual([false, true, 1, 100]);
    expect(() => owner.add(3)).toThrow(RangeError);
    expect(() => owner.add(0.5)).toThrow(RangeError);
    expect(() => new VerifiedPieces(sizes, new Bitfield(4))).toThrow(RangeError);
  });
});

// 4 pieces of 32 KiB (2 blocks each).
const torrent = randomTorrent(3, 4 * 32 * 1024, { sha1: sha1Sync, pieceLength: 32 * 1024 });
const { info } = torrent;
const pieceData = (index: number) =>
  torrent.data.subarray(index * info.pieceLength, (index + 1) * info.pieceLength);

/** A downloader with the real picker, from `have`; blocks are delivered by hand. */
function setup(have: Bitfield | VerifiedPieces | undefined) {
  let options: PickerOptions | undefined;
  let picker: PiecePicker | undefined;
  const hashed: number[] = [];
  const peers: PeerState[] = [];
  const downloader = new Downloader(
    info,
    have,
    {
      ...DEFAULT_CONFIG,
      wishlist: (given) => {
        options = given;
        return (picker = new PiecePicker(given));
      },
    },
    () => 0.5,
    new BanList(),
    {
      peer: (key) => peers.find((p) => p.key === key),
      peerById: (hex) => peers.find((p) => p.peerIdHex === hex),
      peers: () => peers,
      send: () => undefined,
      sendRaw: () => undefined,
      close: () => undefined,
      hash: (index) => void hashed.push(index),
      store: () => undefined,
      downloading: () => true,
    },
  );
  const peer = new PeerState('a', 0, 0, new UploadQueue(undefined, 0));
  peer.wire.accept(
    { infoHash: info.infoHash, peerId: new Uint8Array(20), reserved: reservedBytes({ fast: false }) },
    'id-a',
  );
  peers.push(peer);
  downloader.onHaveAll(peer, 0);
  /** Delivers both blocks of the piece (asking for them first) and hashes it as `data`. */
  const deliver = (index: number, data: Uint8Array) => {
    downloader.streaming.setDeadlines([{ index, at: 0 }], true);
    peer.choke.setPeerChoking(false);
    downloader.fill(peer, 0);
    for (const begin of [0, BLOCK_SIZE]) {
      expect(downloader.onBlock(peer, index, begin, data.subarray(begin, begin + BLOCK_SIZE), 0)).toBe(true);
    }
    expect(hashed.at(-1)).toBe(index);
    downloader.pieceHashed(index, sha1Sync(data));
  };
  /** Everyone reads the one owner. */
  const agree = () => {
    const owner = downloader.verified;
    expect(options!.have).toBe(owner);
    expect(downloader.have).toBe(owner.bitfield);
    expect(picker!.haveCount).toBe(owner.count);
    expect(picker!.complete).toBe(owner.complete);
    expect(downloader.have.count()).toBe(owner.count);
    expect(owner.count).toBe(owner.bitfield.count());
  };
  return { downloader, deliver, agree };
}

describe('one writer for the verified pieces', () => {
  it('restores from a bitfield (copied), and records verified pieces only once stored', () => {
    const restored = new Bitfield(info.pieceCount);
    restored.set(3);
    const t = setup(restored);
    t.agree();
    restored.set(0); // the caller's bitfield is a copy's source, not the owner
    expect(t.downloader.verified.get(0)).toBe(false);
    expect(t.downloader.verified.count).toBe(1);

    t.deliver(1, pieceData(1));
    expect(t.downloader.verified.get(1)).toBe(false); // hashed, not stored yet
    t.agree();
    expect(t.downloader.stored(1, 0)).toBe(true);
    expect(t.downloader.verified.get(1)).toBe(true);
    expect(t.downloader.downloadedBytes).toBe(info.pieceLength);
    t.agree();

    t.deliver(2, new Uint8Array(info.pieceLength)); // fails its hash check
    expect(t.downloader.verified.get(2)).toBe(false);
    t.agree();

    t.deliver(2, pieceData(2));
    expect(t.downloader.storeFailed(2)).toBe(true); // storage refused it: not recorded
    expect(t.downloader.verified.get(2)).toBe(false);
    t.agree();
  });

  it('uses an owner handed in as it is (the torrent host shares it)', () => {
    const owner = new VerifiedPieces(info);
    const t = setup(owner);
    expect(t.downloader.verified).toBe(owner);
    t.deliver(0, pieceData(0));
    t.downloader.stored(0, 0);
    expect(owner.get(0)).toBe(true);
    t.agree();
    expect(() => setup(new VerifiedPieces({ ...info, pieceCount: 5, length: 5 * info.pieceLength }))).toThrow(
      RangeError,
    );
  });
});
