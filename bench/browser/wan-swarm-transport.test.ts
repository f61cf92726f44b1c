import { describe, expect, it } from 'vitest';
import { transportLines, type ChannelCount } from './wan-swarm-transport';

const count = (label: string, sent: number, held = 0, samples = 0, full = 0): ChannelCount => ({
  label,
  sent,
  held,
  samples,
  full,
});

describe("the wan-swarm bench's transport lines", () => {
  it('names each channel by the tab at its other end and gives rate, mean held and share at a block', () => {
    const names = ['seed', 'tab 1', 'tab 2'];
    const before = [[count('ab', 0), count('ac', 1000, 0, 0)], [count('ab', 0)], [count('ac', 0)]];
    const after = [
      [count('ab', 20_000, 64_000, 4, 3), count('ac', 81_000, 8000, 4, 0)],
      [count('ab', 500)],
      [count('ac', 0)],
    ];
    expect(transportLines(names, before, after, 2)).toEqual([
      'seed: tab 2 40 KB/s 2 KB 0 %, tab 1 10 KB/s 16 KB 75 %',
    ]);
  });

  it('leaves out idle channels and tabs, and names a channel with no other end by its label', () => {
    const after = [[count('lonely-label', 5000, 0, 1, 0), count('ab', 100)], [count('ab', 0)]];
    expect(transportLines(['seed', 'tab 1'], undefined, after, 1)).toEqual(['seed: lonely 5 KB/s 0 KB 0 %']);
  });
});
