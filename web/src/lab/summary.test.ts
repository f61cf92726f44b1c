import { describe, expect, it } from 'vitest';
import { table } from '../../../lab/experiments/common';
import { parseSummary, textRuns } from './summary';

describe('lab summary', () => {
  it('turns the Markdown of a summary into paragraphs with strong runs and tables', () => {
    const markdown = [
      'File 512 KiB in pieces of 16 KiB;',
      'latency 25 ms.',
      '',
      "The swarm's worst ratio is **1.742** (at N = 40).",
      '',
      table(
        ['N', 'swarm (s)', 'swarm ratio'],
        [
          [1, 8.2, 1.02],
          [40, 50.7, 1.74],
        ],
      ),
    ].join('\n');
    expect(parseSummary(markdown)).toEqual([
      {
        kind: 'paragraph',
        runs: [{ text: 'File 512 KiB in pieces of 16 KiB; latency 25 ms.', strong: false }],
      },
      {
        kind: 'paragraph',
        runs: [
          { text: "The swarm's worst ratio is ", strong: false },
          { text: '1.742', strong: true },
          { text: ' (at N = 40).', strong: false },
        ],
      },
      {
        kind: 'table',
        header: ['N', 'swarm (s)', 'swarm ratio'],
        rows: [
          ['1', '8.2', '1.02'],
          ['40', '50.7', '1.74'],
        ],
      },
    ]);
  });

  it('keeps an unmatched ** as text and a lone | line as a paragraph', () => {
    expect(textRuns('a ** b')).toEqual([{ text: 'a ** b', strong: false }]);
    expect(textRuns('**x** and ** y')).toEqual([
      { text: 'x', strong: true },
      { text: ' and ** y', strong: false },
    ]);
    expect(parseSummary('| not a table')).toEqual([
      { kind: 'paragraph', runs: [{ text: '| not a table', strong: false }] },
    ]);
  });
});
