// The wire rules of one connection, alone: handshake checks, what we say we have, fast-only messages, the clock.
import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../codec/bitfield';
import { reservedBytes } from '../../codec/wire';
import { PeerState } from './peer';
import {
  acceptHandshake,
  connectionDue,
  needsFast,
  ourPieces,
  refuseHandshake,
  type WireIdentity,
} from './peer-wire';
import { idFrom } from '../testing/mock';
import { UploadQueue } from '../upload/uploader';

const us: WireIdentity = { infoHash: idFrom('torrent'), peerId: idFrom('-SD0001-us') };
const them = idFrom('-XX0001-them');
const nobody = { banned: () => false, connected: () => false };
const timers = { handshakeTimeoutMs: 20, idleTimeoutMs: 150, keepAliveMs: 60 };
const newPeer = () => new PeerState('p#1', 0, 0, new UploadQueue(undefined, 0));

describe('peer wire', () => {
  it('refuses a wrong torrent, ourselves, a banned or an already connected peer id', () => {
    const handshake = { infoHash: us.infoHash, peerId: them, reserved: reservedBytes() };
    expect(refuseHandshake(handshake, us, nobody, 'them')).toBeUndefined();
    expect(refuseHandshake({ ...handshake, infoHash: idFrom('other') }, us, nobody, 'them')).toBe(
      'wrong info hash',
    );
    expect(refuseHandshake({ ...handshake, peerId: us.peerId }, us, nobody, 'us')).toBe(
      'connected to ourselves',
    );
    expect(refuseHandshake(handshake, us, { ...nobody, banned: (id) => id === 'them' }, 'them')).toBe(
      'banned peer',
    );
    expect(refuseHandshake(handshake, us, { ...nobody, connected: (id) => id === 'them' }, 'them')).toBe(
      'duplicate connection',
    );
  });

  it('tells a fast peer have-all or have-none, and others a bitfield or nothing', () => {
    const fast = newPeer();
    acceptHandshake(
      fast,
      { infoHash: us.infoHash, peerId: them, reserved: reservedBytes({ fast: true }) },
      'x',
    );
    expect(fast.fast).toBe(true);
    expect(fast.handshaken).toBe(true);
    const plain = newPeer();
    acceptHandshake(plain, { infoHash: us.infoHash, peerId: them, reserved: reservedBytes() }, 'x');
    expect(plain.fast).toBe(false);
    const full = Bitfield.full(10);
    const some = new Bitfield(10);
    some.set(3);
    expect(ourPieces(fast, full, 10)).toEqual({ type: 'have-all' });
    expect(ourPieces(fast, some, 1)).toEqual({ type: 'bitfield', bytes: some.bytes });
    expect(ourPieces(fast, undefined, 0)).toEqual({ type: 'have-none' });
    expect(ourPieces(plain, full, 10)).toEqual({ type: 'bitfield', bytes: full.bytes });
    expect(ourPieces(plain, new Bitfield(10), 0)).toBeUndefined();
  });

  it('knows the messages only a fast peer may send', () => {
    expect(needsFast({ type: 'have-all' })).toBe(true);
    expect(needsFast({ type: 'reject-request', index: 0, begin: 0, length: 1 })).toBe(true);
    expect(needsFast({ type: 'have', index: 0 })).toBe(false);
  });

  it('closes a connection that never handshakes or goes idle, and keeps a quiet one alive', () => {
    const peer = newPeer();
    expect(connectionDue(peer, 19, timers)).toBeUndefined();
    expect(connectionDue(peer, 20, timers)).toEqual({ close: 'handshake timeout' });
    acceptHandshake(peer, { infoHash: us.infoHash, peerId: them, reserved: reservedBytes() }, 'x');
    expect(connectionDue(peer, 59, timers)).toBeUndefined();
    expect(connectionDue(peer, 60, timers)).toBe('keep-alive');
    peer.wire.sent(140);
    expect(connectionDue(peer, 150, timers)).toEqual({ close: 'idle timeout' });
  });
});
