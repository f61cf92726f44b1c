// `npm run bench` runs every benchmark not marked "only when named"; `npm run bench -- <name> [<name>...]` runs
// those. Prints a table and writes bench/results/<date>.json (<date>-<names>-<flags>.json for a selection).
// `npm run bench -- --help` lists every bench and the flags each declares (bench/lib/help.ts).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchContext, Figure } from './lib/figure';
import { commit, machine } from './lib/machine';
import { formatTable } from './lib/table';
import { currentFigures, formatCurrentTable, type RunFile } from './lib/current';
import { BENCHES } from './benches';
import { helpText } from './lib/help';
import { onlyParts } from './lib/flags';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Prints the current figures of the given result files (every file in bench/results/ when none is given). */
function printCurrentTable(paths: string[]): void {
  const files =
    paths.length > 0
      ? paths
      : readdirSync(RESULTS_DIR)
          .filter((name) => name.endsWith('.json'))
          .map((name) => RESULTS_DIR + name);
  const runs: RunFile[] = files.map((path) => ({
    file: basename(path),
    result: JSON.parse(readFileSync(path, 'utf8')) as RunFile['result'],
  }));
  console.log(formatCurrentTable(currentFigures(runs)));
}

/** Whether one of `benches` declares `flag` (`--name`, or `--name=<value>` for a declared `--name=N`); `--only=`
 * names parts that one of them has. */
function declares(benches: readonly Bench[], flag: string): boolean {
  if (flag.startsWith('--only='))
    return (onlyParts(new Set([flag])) ?? []).every((part) =>
      benches.some((bench) => part in (bench.parts ?? {})),
    );
  const name = flag.split('=')[0];
  return benches.some((bench) =>
    Object.keys(bench.flags ?? {}).some((declared) => declared.split('=')[0] === name),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((arg) => arg.startsWith('--')));
  const names = args.filter((arg) => !arg.startsWith('--'));
  if (flags.has('--help')) {
    console.log(helpText(BENCHES));
    return;
  }
  if (flags.has('--table')) {
    printCurrentTable(names);
    return;
  }
  const unknown = names.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark ${unknown.join(', ')}; choose from ${BENCHES.map((b) => `${b.name} (${b.figures})`).join(', ')}`,
    );
    process.exit(2);
  }
  const selected =
    names.length > 0
      ? BENCHES.filter((bench) => names.includes(bench.name))
      : BENCHES.filter((bench) => !bench.onlyWhenNamed);
  const undeclared = [...flags].filter((flag) => !declares(selected, flag));
  if (undeclared.length > 0) {
    console.error(`no bench of this run reads ${undeclared.join(', ')}; see npm run bench -- --help`);
    process.exit(2);
  }
  const started = Date.now();
  const context: BenchContext = {
    flags,
    log: (message) => console.log(message),
  };
  const figures: Figure[] = [];
  for (const bench of selected) {
    console.log(`== ${bench.name}: ${bench.figures}`);
    const benchStart = Date.now();
    try {
      figures.push(...(await bench.run(context)));
    } catch (error) {
      console.error(`${bench.name} failed:`, error);
      figures.push({
        name: bench.name,
        value: null,
        unit: '',
        baseline: { name: '', value: null },
        ratio: null,
        goal: '',
        met: false,
        error: `benchmark failed: ${(error as Error).message}`,
      });
    }
    console.log(`   ${bench.name} took ${((Date.now() - benchStart) / 1000).toFixed(0)} s`);
  }
  const date = new Date().toISOString().slice(0, 10);
  const result = {
    machine: machine(context.browserVersion),
    commit: commit(),
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    benches: selected.map((bench) => bench.name),
    flags: [...flags],
    figures,
  };
  const dir = RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const file =
    names.length > 0
      ? `${[date, ...names, ...[...flags].map((flag) => flag.slice(2))].join('-')}.json`
      : `${date}.json`;
  writeFileSync(dir + file, JSON.stringify(result, null, 2) + '\n');
  console.log('\n' + formatTable(figures));
  console.log(`\n${figures.length} figures in ${result.seconds} s; written to bench/results/${file}`);
  process.exit(0);
}

void main();
