import { describe, expect, it } from 'vitest';
import { hexToBinary } from '../../../../shared/codec/tracker-protocol';
import {
  Announcer,
  announceMessage,
  closeQuietly,
  torrentStatus,
  truncatedV2,
  updateStatus,
} from './tracker-announcer';
import type { SignalPeer, SocketLike } from './tracker-hooks';

const T = 'ab'.repeat(20);
const numbers = { uploaded: 1, downloaded: 2, left: 3 };

describe('announceMessage', () => {
  it('names the hash, our peer id, the numbers, the alias and the offers of a plain announce', () => {
    const announcer = new Announcer<SignalPeer>(T, 'ws://t/', 1000, 'A'.repeat(20));
    announcer.peerId = 'p'.repeat(20);
    const offers = [{ offer: { type: 'offer' as const, sdp: 'v=0' }, offer_id: 'o'.repeat(20) }];
    expect(announceMessage(announcer, numbers, 'started', offers)).toEqual({
      action: 'announce',
      info_hash: hexToBinary(T),
      peer_id: 'p'.repeat(20),
      uploaded: 1,
      downloaded: 2,
      left: 3,
      info_hash_alias: 'A'.repeat(20),
      event: 'started',
      numwant: 1,
      offers,
    });
  });

  it('asks for no offers with `stopped` and `completed`, and names no alias with `stopped`', () => {
    const announcer = new Announcer<SignalPeer>(T, 'ws://t/', 1000, 'A'.repeat(20));
    announcer.peerId = 'p'.repeat(20);
    const stopped = announceMessage(announcer, numbers, 'stopped', []);
    expect(stopped).not.toHaveProperty('offers');
    expect(stopped).not.toHaveProperty('info_hash_alias');
    expect(announceMessage(announcer, numbers, 'completed', [])).not.toHaveProperty('numwant');
  });
});

describe('updateStatus', () => {
  it('tells a change once, and keeps the counts through a connected status without them', () => {
    const announcer = new Announcer<SignalPeer>(T, 'ws://t/', 1000, undefined);
    expect(updateStatus(announcer, { state: 'connected', complete: 2, incomplete: 1 })).toBe(true);
    expect(updateStatus(announcer, { state: 'connected' })).toBe(false);
    expect(announcer.status).toEqual({ url: 'ws://t/', state: 'connected', complete: 2, incomplete: 1 });
    expect(updateStatus(announcer, { state: 'unreachable', message: 'down' })).toBe(true);
  });

  it("tells a v2-alone announcer's status as the torrent's only while the tracker refuses it", () => {
    const own = new Announcer<SignalPeer>(T, 'ws://t/', 1000, 'A'.repeat(20));
    own.peerId = 'p'.repeat(20);
    const alone = new Announcer<SignalPeer>(T, 'ws://t/', 1000, undefined, own);
    own.v2Alone = alone;
    expect(alone.infoHashBinary).toBe('A'.repeat(20));
    expect(alone.peerId).toBe('p'.repeat(20));
    updateStatus(own, { state: 'connected', complete: 1, incomplete: 0 });
    // Its counts are those of v2 peers alone: never the torrent's.
    expect(updateStatus(alone, { state: 'connected', complete: 0, incomplete: 9 })).toBe(false);
    expect(torrentStatus(own)).toEqual({ url: 'ws://t/', state: 'connected', complete: 1, incomplete: 0 });
    // A refusal there is: peers that know only the v2 hash would not find us.
    expect(updateStatus(alone, { state: 'failure', message: 'x' })).toBe(true);
    expect(torrentStatus(own)).toEqual({ url: 'ws://t/', state: 'failure', message: 'x' });
    expect(updateStatus(alone, { state: 'failure', message: 'x' })).toBe(false);
    expect(updateStatus(alone, { state: 'connected' })).toBe(true);
    expect(torrentStatus(own).state).toBe('connected');
  });
});

describe('the announcer and its socket', () => {
  it('destroys the offers still waiting', () => {
    const announcer = new Announcer<SignalPeer>(T, 'ws://t/', 1000, undefined);
    const destroyed: string[] = [];
    const peer = (name: string) =>
      ({ destroyed: false, destroy: () => destroyed.push(name) }) as unknown as SignalPeer;
    announcer.offers.set('1', { peer: peer('a'), timer: setTimeout(() => undefined, 1000) });
    announcer.offers.set('2', { peer: peer('b'), timer: setTimeout(() => undefined, 1000) });
    announcer.dropOffers();
    expect(destroyed).toEqual(['a', 'b']);
    expect(announcer.offers.size).toBe(0);
  });

  it('closes a socket without hearing it again, even one that throws on close', () => {
    const ws = {
      onclose: () => undefined,
      onopen: () => undefined,
      onmessage: () => undefined,
      onerror: () => undefined,
      close: () => {
        throw new Error('closed already');
      },
    } as unknown as SocketLike;
    closeQuietly(ws);
    expect([ws.onopen, ws.onmessage, ws.onerror, ws.onclose]).toEqual([null, null, null, null]);
  });

  it('announces a v2 hash by its first 20 bytes, and refuses anything else', () => {
    expect(truncatedV2('cd'.repeat(32))).toBe(hexToBinary('cd'.repeat(20)));
    expect(truncatedV2('cd'.repeat(20))).toBe(hexToBinary('cd'.repeat(20)));
    expect(() => truncatedV2('cd'.repeat(21))).toThrow(RangeError);
  });
});
