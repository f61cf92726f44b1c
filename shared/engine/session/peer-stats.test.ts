import { describe, expect, it } from 'vitest';
import { reservedBytes } from '../../codec/wire';
import { PeerState } from '../peer/peer';
import { peerStatsOf } from './peer-stats';
import { UploadQueue } from '../peer/upload-queue';

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
