import { describe, expect, it } from 'vitest';
import { clientServerBound, p2pBound } from './bounds';

const base = { fileBytes: 1_000_000, serverUpload: 100_000, minDownload: 50_000 };

describe('distribution-time bounds (seed 001)', () => {
  it('client-server: N·F/u_s when the server is the bottleneck, F/d_min when the clients are', () => {
    expect(clientServerBound({ ...base, peers: 10 })).toBe(100); // 10 MB / 100 kB/s
    expect(clientServerBound({ ...base, peers: 1 })).toBe(20); // 1 MB / 50 kB/s beats 1 MB / 100 kB/s
    expect(clientServerBound({ ...base, peers: 1000 })).toBe(10_000);
  });

  it('P2P: the largest of F/u_s, F/d_min and N·F/(u_s + Σu_i)', () => {
    const uploads = (n: number, u: number) => Array.from({ length: n }, () => u);
    // Aggregate upload: 10 MB over (100k + 10·10k) = 50 s, above F/u_s = 10 s and F/d_min = 20 s.
    expect(p2pBound({ ...base, peers: 10, peerUploads: uploads(10, 10_000) })).toBe(50);
    // Fast peers: F/d_min = 20 s wins.
    expect(p2pBound({ ...base, peers: 10, peerUploads: uploads(10, 1_000_000) })).toBe(20);
    // A slow server with no downlink limit: F/u_s wins.
    expect(
      p2pBound({
        fileBytes: 1_000_000,
        serverUpload: 1_000,
        minDownload: Infinity,
        peers: 2,
        peerUploads: [1e6, 1e6],
      }),
    ).toBe(1000);
    // Uneven uploads are summed.
    expect(p2pBound({ ...base, minDownload: Infinity, peers: 3, peerUploads: [0, 50_000, 150_000] })).toBe(
      10,
    );
  });

  it('P2P grows sub-linearly with N while client-server grows linearly', () => {
    const cs = [10, 100, 1000].map((n) => clientServerBound({ ...base, peers: n }));
    const p2p = [10, 100, 1000].map((n) =>
      p2pBound({ ...base, peers: n, peerUploads: Array.from({ length: n }, () => 10_000) }),
    );
    expect(cs[2] / cs[0]).toBe(100);
    expect(p2p[2] / p2p[0]).toBeLessThan(2.5);
    expect(p2p[2]).toBeLessThan(cs[2] / 50);
  });

  it('rejects nonsense with a clear error', () => {
    expect(() => clientServerBound({ ...base, peers: 0 })).toThrow(/peers/);
    expect(() => clientServerBound({ ...base, peers: 2.5 })).toThrow(/peers/);
    expect(() => clientServerBound({ ...base, peers: 1, fileBytes: 0 })).toThrow(/file size/);
    expect(() => clientServerBound({ ...base, peers: 1, serverUpload: 0 })).toThrow(/server upload/);
    expect(() => p2pBound({ ...base, peers: 2, peerUploads: [1] })).toThrow(/one upload per peer/);
    expect(() => p2pBound({ ...base, peers: 1, peerUploads: [-1] })).toThrow(/peer upload/);
  });
});
