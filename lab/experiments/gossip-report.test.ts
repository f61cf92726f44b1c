import { describe, expect, it } from 'vitest';
import { gossip } from './gossip';
import { gossipBound, gossipFigures, gossipReport, type GossipRun } from './gossip-report';

const run = (protocol: GossipRun['protocol'], times: Array<number | undefined>): GossipRun => ({
  protocol,
  progress: [[0, 0]],
  redundant: [[0, 0]],
  times,
  messages: 100,
  pieceMessages: 60,
  redundantPieces: 6,
  failedPulls: 4,
});

const params = { ...gossip.small, peers: 2, pieces: 10 };

describe('the gossip report', () => {
  it('bounds the swarm by seed 001’s P2P bound', () => {
    const fileBytes = params.pieces * params.pieceLength;
    expect(gossipBound(params)).toBe(
      Math.max(
        fileBytes / params.seedUpload,
        fileBytes / params.peerDownload,
        (2 * fileBytes) / (params.seedUpload + 2 * params.peerUpload),
      ),
    );
  });

  it('draws every protocol, with the bound dashed on the progress', () => {
    const figures = gossipFigures([run('push', [1, 2]), run('bittorrent', [1, 3])], 5);
    expect(figures.map((f) => f.id)).toEqual(['gossip-progress', 'gossip-completion', 'gossip-redundant']);
    expect(figures[0].series.map((s) => s.name)).toEqual(['push', 'bittorrent', 'P2P bound']);
    expect(figures[0].series[2].dashed).toBe(true);
  });

  it('names the protocol whose last peer finished first, and one that left a peer unfinished is never it', () => {
    const { headline, summary } = gossipReport(
      params,
      [run('push', [1, undefined]), run('bittorrent', [1, 3])],
      5,
    );
    expect(headline.fastest).toBe('bittorrent');
    expect(headline.pushAllDoneSeconds).toBeNaN();
    expect(headline.bittorrentRedundantPerUsefulPiece).toBe(0.5);
    expect(summary).toContain('| push | 1 | not all |');
  });
});
