import { describe, expect, it } from 'vitest';
import { pathFromStats } from './peer-path';

function report(...reports: Array<Record<string, unknown> & { id: string }>): Map<string, unknown> {
  return new Map(reports.map((r) => [r.id, r]));
}

const local = (type: string) => ({ id: 'L', type: 'local-candidate', candidateType: type });
const remote = (type: string) => ({ id: 'R', type: 'remote-candidate', candidateType: type });
const pair = {
  id: 'P',
  type: 'candidate-pair',
  localCandidateId: 'L',
  remoteCandidateId: 'R',
  state: 'succeeded',
};
const transport = { id: 'T', type: 'transport', selectedCandidatePairId: 'P' };

describe('the path of a connection', () => {
  it('is direct when both ends of the selected pair are the browsers own addresses', () => {
    expect(pathFromStats(report(transport, pair, local('host'), remote('srflx')))).toBe('direct');
  });

  it('is relayed when either end of the selected pair is a TURN relay', () => {
    expect(pathFromStats(report(transport, pair, local('relay'), remote('host')))).toBe('relayed');
    expect(pathFromStats(report(transport, pair, local('host'), remote('relay')))).toBe('relayed');
  });

  it('finds the pair without a transport report (a nominated, succeeded pair), and says nothing before one', () => {
    expect(pathFromStats(report({ ...pair, nominated: true }, local('relay'), remote('relay')))).toBe(
      'relayed',
    );
    expect(pathFromStats(report(pair, local('host'), remote('host')))).toBeUndefined();
    expect(pathFromStats(report())).toBeUndefined();
  });
});
