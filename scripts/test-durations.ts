// The per-test durations the test runners write (vitest.config.ts and playwright.config.ts send their JSON reports to
// test-durations/), read back: `tsx scripts/test-durations.ts` prints each runner's total and the ten slowest tests,
// so a run's cost is visible where it is paid (`.ci/run` calls it after the tests, also when they fail).
import { existsSync, readFileSync } from 'node:fs';

export const DURATIONS_FOLDER = 'test-durations';
export const VITEST_REPORT = `${DURATIONS_FOLDER}/vitest.json`;
export const PLAYWRIGHT_REPORT = `${DURATIONS_FOLDER}/playwright.json`;

/** One test and the milliseconds it took. */
export interface TestDuration {
  runner: 'vitest' | 'playwright';
  name: string;
  ms: number;
}

interface VitestReport {
  testResults?: { name?: string; assertionResults?: { fullName?: string; duration?: number | null }[] }[];
}

interface PlaywrightSuite {
  file?: string;
  title?: string;
  suites?: PlaywrightSuite[];
  specs?: { title?: string; file?: string; tests?: { results?: { duration?: number }[] }[] }[];
}

/** The tests of Vitest's JSON report, each named by its file and full title. */
export function vitestDurations(report: VitestReport, root = ''): TestDuration[] {
  const out: TestDuration[] = [];
  for (const file of report.testResults ?? []) {
    const path = (file.name ?? '').replace(root, '').replace(/^\//, '');
    for (const test of file.assertionResults ?? [])
      out.push({ runner: 'vitest', name: `${path} > ${test.fullName ?? ''}`, ms: test.duration ?? 0 });
  }
  return out;
}

/** The tests of Playwright's JSON report, each named by its file and title; a retried test counts every attempt. */
export function playwrightDurations(report: { suites?: PlaywrightSuite[] }): TestDuration[] {
  const out: TestDuration[] = [];
  const walk = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs ?? []) {
      const ms = (spec.tests ?? [])
        .flatMap((test) => test.results ?? [])
        .reduce((sum, result) => sum + (result.duration ?? 0), 0);
      out.push({ runner: 'playwright', name: `${spec.file ?? suite.file ?? ''} > ${spec.title ?? ''}`, ms });
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  return out;
}

/** The lines printed: each runner's test count and summed time, then the `count` slowest tests. */
export function durationSummary(tests: readonly TestDuration[], count = 10): string[] {
  const lines: string[] = [];
  for (const runner of ['vitest', 'playwright'] as const) {
    const own = tests.filter((test) => test.runner === runner);
    if (own.length === 0) continue;
    const seconds = own.reduce((sum, test) => sum + test.ms, 0) / 1000;
    lines.push(`${runner}: ${own.length} tests, ${seconds.toFixed(0)} s summed`);
  }
  const slowest = [...tests].sort((a, b) => b.ms - a.ms).slice(0, count);
  if (slowest.length > 0) lines.push(`the ${slowest.length} slowest tests:`);
  for (const test of slowest)
    lines.push(`${(test.ms / 1000).toFixed(1).padStart(7)} s  ${test.runner}  ${test.name}`);
  return lines;
}

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // a run cut off mid-write: its report is left out rather than failing the summary
  }
}

if (process.argv[1]?.endsWith('test-durations.ts')) {
  const vitest = readJson(VITEST_REPORT) as VitestReport | undefined;
  const playwright = readJson(PLAYWRIGHT_REPORT) as { suites?: PlaywrightSuite[] } | undefined;
  const tests = [
    ...(vitest ? vitestDurations(vitest, process.cwd()) : []),
    ...(playwright ? playwrightDurations(playwright) : []),
  ];
  for (const line of durationSummary(tests)) console.log(line);
}
