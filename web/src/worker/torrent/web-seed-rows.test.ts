import { describe, expect, it } from 'vitest';
import { webSeedParts, webSeedRows } from './web-seed-rows';

const files = [
  { path: ['a.bin'], length: 10, offset: 0 },
  { path: ['dir', 'b c.bin'], length: 10, offset: 10 },
];

describe('webSeedRows', () => {
  it('says why a seed is out, or which files it lost', () => {
    const rows = webSeedRows(
      [
        {
          url: 'https://files.example.org:8443/x/',
          status: 'failed',
          downloaded: 0,
          failure: 'The server files.example.org does not let this site read it',
          droppedFiles: [],
        },
        {
          url: 'http://m.example/',
          status: 'fetching',
          downloaded: 5,
          droppedFiles: [{ file: 1, reason: 'not on the server (404)' }],
        },
        { url: 'http://n.example/', status: 'idle', downloaded: 7, droppedFiles: [] },
      ],
      files,
    );
    expect(rows).toEqual([
      {
        url: 'https://files.example.org:8443/x/',
        host: 'files.example.org',
        status: 'failed',
        downloaded: 0,
        problem: 'The server files.example.org does not let this site read it',
      },
      {
        url: 'http://m.example/',
        host: 'm.example',
        status: 'fetching',
        downloaded: 5,
        problem: 'Not used for dir/b c.bin: not on the server (404)',
      },
      { url: 'http://n.example/', host: 'n.example', status: 'idle', downloaded: 7 },
    ]);
  });

  it('gives the budget the user set and whether it is spent, only with seeds', () => {
    const seed = { url: 'http://n.example/', status: 'idle' as const, downloaded: 7, droppedFiles: [] };
    expect(webSeedParts(undefined, { webSeedBudget: 9 }, files)).toEqual({});
    expect(webSeedParts({ webSeeds: [] }, { webSeedBudget: 9 }, files)).toEqual({});
    expect(webSeedParts({ webSeeds: [seed] }, {}, files)).toEqual({ webSeeds: webSeedRows([seed], files) });
    expect(webSeedParts({ webSeeds: [seed], webSeedBudgetSpent: true }, { webSeedBudget: 9 }, files)).toEqual(
      {
        webSeeds: webSeedRows([seed], files),
        webSeedBudget: 9,
        webSeedBudgetSpent: true,
      },
    );
  });
});
