import { describe, expect, it } from 'vitest';
import { countFlag, flagValue, onlyParts, wantsPart } from './flags';

describe('bench flags', () => {
  it('reads --<name>=<value>, undefined when absent', () => {
    expect(flagValue(new Set(['--tiny', '--wan-playback-against=43c6902']), 'wan-playback-against')).toBe(
      '43c6902',
    );
    expect(flagValue(new Set(['--wan-playback-against']), 'wan-playback-against')).toBeUndefined();
  });

  it('refuses a count that is not a whole number of at least 1, in words', () => {
    expect(() => countFlag(new Set(['--wan-mib=0']), 'wan-mib', 1)).toThrow(/--wan-mib=0: expected a whole/);
    expect(() => countFlag(new Set(['--wan-mib=1.5']), 'wan-mib', 1)).toThrow(/whole number/);
    expect(countFlag(new Set(['--wan-mibs=3']), 'wan-mib', 7)).toBe(7);
    expect(countFlag(new Set(['--sessions=9']), 'sessions', 5)).toBe(9);
  });

  it('runs the parts --only= names, else every part run by default', () => {
    expect(onlyParts(new Set(['--only=cluster,play']))).toEqual(['cluster', 'play']);
    expect(wantsPart(new Set(['--only=cluster']), 'cluster')).toBe(true);
    expect(wantsPart(new Set(['--only=cluster']), 'pair')).toBe(false);
    expect(wantsPart(new Set(), 'pair')).toBe(true);
    expect(wantsPart(new Set(), 'peers-50k', false)).toBe(false);
    expect(wantsPart(new Set(['--only=peers-50k']), 'peers-50k', false)).toBe(true);
  });
});
