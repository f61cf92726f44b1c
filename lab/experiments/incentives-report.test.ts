import { describe, expect, it } from 'vitest';
import { incentives } from './incentives';
import { cellOf, incentiveFigures, incentiveReport, singlePolicies, type Tally } from './incentives-report';
import type { IncentivesParams, Run } from './incentives-run';

const params: IncentivesParams = { ...incentives.small, fileBytes: 1000, policies: ['tit-for-tat', 'mixed'] };

/** A run of four leechers: two contributors finishing at 10 and 20 s, a free rider at 45 s, a strategic peer never. */
function run(policy: string, seed: number): Run {
  return {
    policy,
    size: params.peers,
    seed,
    peers: [
      { role: 'contributor', bytesSent: 2000 },
      { role: 'contributor', bytesSent: 1000 },
      { role: 'free rider', bytesSent: 0 },
      { role: 'strategic', bytesSent: 500 },
    ],
    times: [10, 20, 45, null],
    endSeconds: 60,
    received: { 'seed>free rider': 1000, 'contributor>strategic': 500 },
  };
}

describe('a policy’s cell', () => {
  it('is each class’s mean finish over the contributors’, a peer that never finished counting as the end', () => {
    const cell = cellOf([run('tit-for-tat', 4)], params, 'tit-for-tat', params.peers)!;
    expect(cell.contributor).toBe(15);
    expect(cell.freeRider).toBe(3);
    expect(cell.strategic).toBe(4);
    expect(cell.contributorUpload).toBe(1.5);
    expect(cell.freeRiderUpload).toBe(0);
  });

  it('is none before the policy ran at that size', () => {
    expect(cellOf([run('tit-for-tat', 4)], params, 'tit-for-tat', 500)).toBeUndefined();
  });
});

describe('the report', () => {
  const runs = [run('tit-for-tat', 4)];
  const tally: Tally = {
    runs,
    cells: new Map([[`tit-for-tat@${params.peers}`, cellOf(runs, params, 'tit-for-tat', params.peers)!]]),
  };

  it('draws each policy’s first run and the ratios of the size', () => {
    const ids = incentiveFigures(params, tally).map((f) => f.id);
    expect(ids).toEqual(['incentives-tit-for-tat', `incentives-ratios-${params.peers}`]);
  });

  it('heads with each policy’s figures, and leaves mixed out of the single policies', () => {
    expect(singlePolicies(params)).not.toContain('mixed');
    const { headline, summary } = incentiveReport(params, tally);
    expect(headline.tftContributorSeconds).toBe(15);
    expect(headline.tftFreeRiderVsContributor).toBe(3);
    expect(summary).toContain('| 24 | tit-for-tat | 15 | 3 | 4 | 1.5 | 0 | 0.5 |');
    expect(summary).toContain('| tit-for-tat | free rider | 1 | 0 | 0 | 0 |');
  });
});
