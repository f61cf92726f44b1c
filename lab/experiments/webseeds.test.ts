import { describe, expect, it } from 'vitest';
import { fastHash } from '../sim/hash';
import { runOnce, webseeds } from './webseeds';

describe('webseeds', () => {
  it('peers finish from the web seed alone, and with a seeding tab under a budget; the seed serves at most N times the budget', () => {
    const peers = 4;
    const result = webseeds.run(
      { ...webseeds.small, peers, fileBytes: 128 * 1024, budgetShares: [0.25, 1] },
      { hash: fastHash },
    );
    expect(result.headline.withinBudgetEveryRun).toBe(true);
    const time = result.figures.find((figure) => figure.id === 'webseeds-time')!;
    const finished = (setup: string) => time.series.find((series) => series.name === setup)!.points;
    expect(finished('web seed and a seeding tab').map(([share]) => share)).toEqual([0.25, 1]);
    expect(finished('web seed alone').map(([share]) => share)).toContain(1);
    const served = result.figures.find((figure) => figure.id === 'webseeds-served')!;
    const alone = served.series.find((series) => series.name === 'web seed alone')!.points;
    // With no bound in effect and no other seeder, the web seed served at least one whole copy.
    expect(alone.find(([share]) => share === 1)![1]).toBeGreaterThanOrEqual(1);
    for (const [share, copies] of alone) expect(copies).toBeLessThanOrEqual(share * peers);
    // A quarter of a file each for 4 peers: exactly one copy between them at most, and the swarm made the rest.
    expect(alone.find(([share]) => share === 0.25)![1]).toBeLessThanOrEqual(1);
  });

  it('20 peers with the web seed alone and an eighth of the file each cover the file between them: every one finishes', () => {
    const run = runOnce(webseeds.defaults, 'web seed alone', 0.125, { hash: fastHash });
    expect(run.finished).toBe(20);
    expect(run.servedCopies).toBeLessThanOrEqual(0.125 * 20);
  }, 60_000);
});
