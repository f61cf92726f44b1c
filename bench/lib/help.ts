// `npm run bench -- --help`: built from what each bench declares (its name, what it measures, its flags), so that
// a flag a bench reads is a flag the help names.
import type { Bench } from './figure';

/** Flags of the runner itself, not of one bench. */
export const RUNNER_FLAGS: Readonly<Record<string, string>> = {
  '--help': 'prints this and runs nothing',
  '--only=<part>,...': 'runs only those parts of the benches (each bench lists its parts)',
  '--table':
    "runs nothing: prints the current figures of bench/results/ (or of the files named) as docs/performance.md's table",
};

function flagLines(flags: Readonly<Record<string, string>>): string[] {
  const width = Math.max(0, ...Object.keys(flags).map((flag) => flag.length));
  return Object.entries(flags).map(([flag, what]) => `    ${flag.padEnd(width)}  ${what}`);
}

/** The help text: usage, the runner's flags, then each bench with what it measures and its own flags. */
export function helpText(benches: readonly Bench[]): string {
  const lines = [
    'usage: npm run bench -- [<bench>...] [--<flag>...]',
    'Without names, every bench not marked "only when named"; writes bench/results/<date>[-<names>-<flags>].json.',
    '',
    ...flagLines(RUNNER_FLAGS),
  ];
  for (const bench of benches) {
    lines.push('', `  ${bench.name}${bench.onlyWhenNamed ? ' (only when named)' : ''}: ${bench.figures}`);
    const parts = Object.entries(bench.parts ?? {}).map(([part, what]) => [`--only=${part}`, what]);
    lines.push(...flagLines({ ...bench.flags, ...Object.fromEntries(parts) }));
  }
  return lines.join('\n');
}
