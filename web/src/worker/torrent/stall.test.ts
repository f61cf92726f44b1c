import { describe, expect, it } from 'vitest';
import { STALL_GRACE_MS, StallWatch, stallWords, unfinishedFiles, type StallStats } from './stall';

const stats = (over: Partial<StallStats> = {}): StallStats => ({
  state: 'downloading',
  wantedPieces: 10,
  wantedVerified: 2,
  wantedReachable: 0,
  peers: 0,
  ...over,
});

describe('StallWatch', () => {
  it('says nothing during the grace, then that nobody has the rest', () => {
    const watch = new StallWatch();
    expect(watch.words(stats(), 1000)).toBeUndefined();
    expect(watch.words(stats(), 1000 + STALL_GRACE_MS - 1)).toBeUndefined();
    expect(watch.words(stats(), 1000 + STALL_GRACE_MS)).toBe(
      'Waiting for someone who has the rest: nobody is connected, and 80 % is still missing',
    );
  });

  it('says nothing while a web seed it may still use has the rest, and says so once every web seed failed', () => {
    const watch = new StallWatch();
    const seed = { url: 'https://s.example/', downloaded: 0, droppedFiles: [] };
    const fetching = stats({ webSeeds: [{ ...seed, status: 'waiting' }] });
    watch.words(fetching, 0);
    expect(watch.words(fetching, STALL_GRACE_MS)).toBeUndefined();
    const failed = stats({ webSeeds: [{ ...seed, status: 'failed', failure: 'gone' }] });
    watch.words(failed, STALL_GRACE_MS);
    expect(watch.words(failed, 2 * STALL_GRACE_MS)).toContain('Waiting for someone who has the rest');
  });

  it('names a file the web server lacks, and the way out, once nothing else is left to fetch', () => {
    const files = [
      { path: ['docs', 'naïve résumé.pdf'] },
      { path: ['docs', 'notes.txt'] },
      { path: ['.pad', '1'], pad: true },
    ];
    const dropped = [{ file: 0, reason: 'not on the server (404)' }];
    const seed = { url: 'https://s.example/', downloaded: 9, status: 'idle' as const, droppedFiles: dropped };
    const lacking = stats({ webSeeds: [seed] });
    // Another file is still unfinished: the server may yet bring it, so nothing is said.
    const watch = new StallWatch();
    const both = unfinishedFiles(files, [false, false, false]);
    watch.words(lacking, 0, both);
    expect(watch.words(lacking, STALL_GRACE_MS, both)).toBeUndefined();
    // Only the lacked file is left.
    const one = unfinishedFiles(files, [false, true, false]);
    expect(one).toEqual([{ index: 0, path: 'docs/naïve résumé.pdf' }]);
    watch.words(lacking, STALL_GRACE_MS + 1, one);
    expect(watch.words(lacking, 2 * STALL_GRACE_MS + 1, one)).toBe(
      'Waiting for someone who has the rest: the web server lacks docs/naïve résumé.pdf (not on the server (404)), ' +
        'and nobody connected has it. Untick it to finish the rest, or wait for someone who has it',
    );
    // Unticked, it is not waited for.
    expect(unfinishedFiles(files, [false, true, false], [0])).toEqual([]);
  });

  it('finds the files no server has once a view, not once for the test and again for the words', () => {
    const seed = {
      url: 'https://s.example/',
      downloaded: 9,
      status: 'idle' as const,
      droppedFiles: [{ file: 0, reason: 'not on the server (404)' }],
    };
    let reads = 0;
    const counted = {
      ...stats(),
      get webSeeds() {
        reads++;
        return [seed];
      },
    };
    const watch = new StallWatch();
    const one = [{ index: 0, path: 'a.bin' }];
    watch.words(counted, 0, one);
    reads = 0;
    expect(watch.words(counted, STALL_GRACE_MS, one)).toContain('the web server lacks a.bin');
    expect(reads).toBe(1);
  });

  it('says so too when peers are connected but none has a missing piece', () => {
    const watch = new StallWatch();
    watch.words(stats({ peers: 2 }), 0);
    expect(watch.words(stats({ peers: 2 }), STALL_GRACE_MS)).toBe(
      'Waiting for someone who has the rest: nobody connected has the missing 80 %',
    );
  });

  it('clears as soon as someone connected has a missing piece, and starts the grace again after', () => {
    const watch = new StallWatch();
    watch.words(stats(), 0);
    expect(watch.words(stats(), STALL_GRACE_MS)).toBeDefined();
    expect(watch.words(stats({ peers: 1, wantedReachable: 3 }), STALL_GRACE_MS + 1)).toBeUndefined();
    expect(watch.words(stats(), STALL_GRACE_MS + 2)).toBeUndefined();
    expect(watch.words(stats(), 2 * STALL_GRACE_MS + 2)).toBeDefined();
  });

  it('says nothing of a torrent that is not downloading or has every wanted piece', () => {
    const watch = new StallWatch();
    for (const state of ['seeding', 'paused', 'stopped', 'error', 'fetching-metadata'] as const) {
      watch.words(stats({ state }), 0);
      expect(watch.words(stats({ state }), STALL_GRACE_MS)).toBeUndefined();
    }
    watch.words(stats({ wantedVerified: 10 }), 0);
    expect(watch.words(stats({ wantedVerified: 10 }), STALL_GRACE_MS)).toBeUndefined();
    expect(watch.words(undefined, 2 * STALL_GRACE_MS)).toBeUndefined();
  });
});

describe('stallWords', () => {
  it('never rounds to 0 % or 100 % missing while some is missing and some is here', () => {
    expect(stallWords(stats({ wantedPieces: 1000, wantedVerified: 999 }))).toContain(' 1 %');
    expect(stallWords(stats({ wantedPieces: 1000, wantedVerified: 1 }))).toContain(' 99 %');
    expect(stallWords(stats({ wantedPieces: 1000, wantedVerified: 0 }))).toContain(' 100 %');
  });
});
