import { describe, expect, it } from 'vitest';
import { currentFigures, formatCurrentTable, isWholeRun, type RunFile, type RunResult } from './current';
import { figure, noGoal, atLeast } from './figure';

function run(file: string, date: string, flags: string[], figures: RunResult['figures']): RunFile {
  return {
    file,
    result: {
      date,
      commit: 'abc',
      benches: ['transfer'],
      flags,
      machine: { cores: 2, load: { start: 1.5, end: 4 } },
      figures,
    },
  };
}

const rate = (value: number | null) =>
  figure('transfer', value, 'MB/s', { name: 'raw', value: 10 }, atLeast(0.8));
const heap = (value: number) => figure('heap', value, 'MB', { name: 'rival', value: 80 }, noGoal);

describe('isWholeRun', () => {
  it('takes runs at the full sizes and sample counts, with subsets of the figures', () => {
    expect(isWholeRun(run('a', '2026-01-01', [], []).result)).toBe(true);
    expect(isWholeRun(run('a', '2026-01-01', ['--only=webm,mp4'], []).result)).toBe(true);
    expect(isWholeRun(run('a', '2026-01-01', ['--sessions=9', '--runs=5'], []).result)).toBe(true);
    expect(isWholeRun(run('a', '2026-01-01', ['--wan-paths=1,2,9'], []).result)).toBe(true);
  });

  it('refuses smokes, diagnoses and fewer samples than the default', () => {
    for (const flag of [
      '--tiny',
      '--profile',
      '--log-reads',
      '--runs=3',
      '--sessions=1',
      '--wan-playback-runs=3',
      '--keeper-runs=1',
    ]) {
      expect(isWholeRun(run('a', '2026-01-01', [flag], []).result)).toBe(false);
    }
  });
});

describe('currentFigures', () => {
  it('takes each figure from the latest whole run that measured it', () => {
    const old = run('old.json', '2026-01-01T00:00:00Z', [], [rate(9), heap(70)]);
    const newer = run('newer.json', '2026-01-02T00:00:00Z', [], [rate(8)]);
    const smoke = run('smoke.json', '2026-01-03T00:00:00Z', ['--tiny'], [rate(1), heap(1)]);
    const current = currentFigures([smoke, newer, old]);
    expect(current.map((c) => [c.figure.name, c.figure.value, c.run.file])).toEqual([
      ['transfer', 8, 'newer.json'],
      ['heap', 70, 'old.json'],
    ]);
  });

  it('passes over a figure that failed in the latest run', () => {
    const old = run('old.json', '2026-01-01T00:00:00Z', [], [rate(9)]);
    const failed = run('failed.json', '2026-01-02T00:00:00Z', [], [rate(null)]);
    expect(currentFigures([old, failed]).map((c) => c.run.file)).toEqual(['old.json']);
  });

  it('leaves out the figures its bench no longer measures at its defaults', () => {
    const old = run('old.json', '2026-01-01T00:00:00Z', [], [rate(9), heap(70)]);
    expect(currentFigures([old], [/^heap/]).map((c) => c.figure.name)).toEqual(['transfer']);
    expect(currentFigures([old], []).map((c) => c.figure.name)).toEqual(['transfer', 'heap']);
  });
});

describe('formatCurrentTable', () => {
  it('gives each figure its ratio, its run and the run’s load average', () => {
    const table = formatCurrentTable(currentFigures([run('r.json', '2026-01-01T00:00:00Z', [], [rate(8)])]));
    const [header, , row] = table.split('\n');
    expect(header.split('|').map((cell) => cell.trim())).toEqual([
      '',
      'figure',
      'value',
      'baseline',
      'ratio',
      'goal',
      'met',
      'run',
      'load average',
      '',
    ]);
    expect(row.split('|').map((cell) => cell.trim())).toEqual([
      '',
      'transfer',
      '8.000 MB/s',
      'raw: 10.00',
      '0.80x',
      '>= 0.8x',
      'yes',
      '`r.json`',
      '1.5 to 4 (2 cores)',
      '',
    ]);
  });
});
