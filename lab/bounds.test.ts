import { describe, expect, it } from 'vitest';
import { clientServerBound, discreteP2pBound, holderStarts, MAX_DISCRETE_PEERS, p2pBound } from './bounds';

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

describe('the discrete P2P bound (whole pieces, start-up doubling)', () => {
  const same = (n: number, u: number) => Array.from({ length: n }, () => u);

  it('with u_s = u_i and no latency the holders double every piece time', () => {
    const starts = holderStarts({
      peers: 7,
      fileBytes: 10,
      pieceBytes: 1,
      serverUpload: 1,
      minDownload: Infinity,
      peerUploads: same(7, 1),
    });
    expect(starts).toEqual([1, 2, 2, 3, 3, 3, 3]);
  });

  it('a piece crosses a hop in its transfer time plus the latency; a free rider passes nothing on', () => {
    const starts = holderStarts({
      peers: 3,
      fileBytes: 10,
      pieceBytes: 1,
      serverUpload: 1,
      minDownload: Infinity,
      peerUploads: [0, 0, 0],
      latency: 0.5,
    });
    expect(starts).toEqual([1.5, 2.5, 3.5]); // only the seed sends
  });

  it('is never below the fluid bound, equals it for one peer, and exceeds it by about the start-up', () => {
    const lab = { fileBytes: 1 << 20, serverUpload: 65_536, minDownload: 65_536, pieceBytes: 16_384 };
    for (const peers of [1, 10, 1000]) {
      const input = { ...lab, peers, peerUploads: same(peers, 16_384), latency: 0.025 };
      const fluid = p2pBound(input);
      const discrete = discreteP2pBound(input);
      expect(discrete).toBeGreaterThanOrEqual(fluid);
      if (peers === 1) expect(discrete).toBe(fluid);
      // 1,000 holders take about log2(1000/4) ≈ 8 piece times: several seconds of most uplinks idle.
      if (peers === 1000) expect(discrete - fluid).toBeGreaterThan(3);
    }
  });

  it('refuses sizes it cannot count', () => {
    const input = { fileBytes: 10, serverUpload: 1, minDownload: 1, pieceBytes: 1 };
    expect(() => holderStarts({ ...input, peers: 2, peerUploads: [1] })).toThrow(RangeError);
    expect(() => holderStarts({ ...input, pieceBytes: 11, peers: 1, peerUploads: [1] })).toThrow(RangeError);
    const many = MAX_DISCRETE_PEERS + 1;
    expect(() => holderStarts({ ...input, peers: many, peerUploads: same(many, 1) })).toThrow(RangeError);
  });
});
