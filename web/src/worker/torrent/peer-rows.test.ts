import { describe, expect, it } from 'vitest';
import type { PeerStats } from '../../../../shared/engine/contract/engine-types';
import { peerRows, shownDownloadRate } from './peer-rows';

function stats(peer: string, downloadRate: number): PeerStats {
  return {
    peer,
    peerId: '2d534430313030' + peer.padStart(26, '0'),
    client: 'SwarmDrop 0.1.0',
    progress: 1,
    downloadRate,
    uploadRate: 5,
    downloaded: 100,
    uploaded: 10,
    amChoking: true,
    amInterested: false,
    peerChoking: false,
    peerInterested: false,
    snubbed: false,
    piecesReceived: 3,
    requestsInFlight: 0,
  };
}

describe('peer rows', () => {
  it('carry the path the page measured, and none before it knows', () => {
    const rows = peerRows([stats('c1', 10), stats('c2', 20)], new Map([['c2', 'relayed']]), false);
    expect(rows.map((row) => row.path)).toEqual([undefined, 'relayed']);
    expect(rows.map((row) => row.downloadRate)).toEqual([10, 20]);
    expect('path' in rows[0]).toBe(false);
  });

  it('read a download rate of 0 once the torrent seeds, the rest unchanged', () => {
    const rows = peerRows([stats('c1', 4_000_000)], new Map(), true);
    expect(rows[0].downloadRate).toBe(0);
    expect(rows[0].uploadRate).toBe(5);
    expect(rows[0].downloaded).toBe(100);
    expect(shownDownloadRate(4_000_000, true)).toBe(0);
    expect(shownDownloadRate(4_000_000, false)).toBe(4_000_000);
  });
});
