import { describe, expect, it } from 'vitest';
import { durationSummary, playwrightDurations, vitestDurations } from './test-durations';

describe('test durations', () => {
  it('reads Vitest report files, naming each test by its path under the root', () => {
    const tests = vitestDurations(
      {
        testResults: [
          {
            name: '/repo/shared/a.test.ts',
            assertionResults: [
              { fullName: 'a one', duration: 12 },
              { fullName: 'a skipped', duration: null },
            ],
          },
        ],
      },
      '/repo',
    );
    expect(tests).toEqual([
      { runner: 'vitest', name: 'shared/a.test.ts > a one', ms: 12 },
      { runner: 'vitest', name: 'shared/a.test.ts > a skipped', ms: 0 },
    ]);
  });

  it('walks nested Playwright suites and sums a retried test’s attempts', () => {
    const tests = playwrightDurations({
      suites: [
        {
          file: 'smoke.spec.ts',
          specs: [{ title: 'loads', file: 'smoke.spec.ts', tests: [{ results: [{ duration: 500 }] }] }],
          suites: [
            {
              title: 'inner',
              specs: [
                {
                  title: 'retried',
                  file: 'smoke.spec.ts',
                  tests: [{ results: [{ duration: 100 }, { duration: 200 }] }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(tests).toEqual([
      { runner: 'playwright', name: 'smoke.spec.ts > loads', ms: 500 },
      { runner: 'playwright', name: 'smoke.spec.ts > retried', ms: 300 },
    ]);
  });

  it('prints totals per runner, then the slowest first, at most the count asked', () => {
    const lines = durationSummary(
      [
        { runner: 'vitest', name: 'fast', ms: 10 },
        { runner: 'vitest', name: 'slow', ms: 4_000 },
        { runner: 'playwright', name: 'browser', ms: 2_000 },
      ],
      2,
    );
    expect(lines[0]).toBe('vitest: 2 tests, 4 s summed');
    expect(lines[1]).toBe('playwright: 1 tests, 2 s summed');
    expect(lines[2]).toBe('the 2 slowest tests:');
    expect(lines[3]).toContain('slow');
    expect(lines[4]).toContain('browser');
    expect(lines).toHaveLength(5);
  });
});
