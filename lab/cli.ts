// `npm run lab -- <experiment|all> [--out DIR] [--seed N] [--<param> value ...]`
// Runs experiments in Node with real SHA-1 and writes, per experiment, a CSV and an SVG per figure, summary.md and
// summary.json into DIR/<experiment> (default lab/out/<experiment>).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCsv, renderSvg } from './chart';
import { EXPERIMENTS, experiment } from './experiments/index';
import type { ExperimentResult, RunContext } from './experiments/types';
import { applyOptions, parseArgs } from './options';
import { RunCache } from './run-cache';

const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest());

function usage(): string {
  const lines = [
    'usage: npm run lab -- <experiment|all> [--out DIR] [--small] [--<param> value ...]',
    '',
    'experiments:',
    ...EXPERIMENTS.map(
      (e) =>
        `  ${e.name.padEnd(12)} ${e.title}\n${' '.repeat(15)}params: ${Object.keys(e.defaults).join(', ')}`,
    ),
    '  all          every experiment at its default size',
    '',
    'Sizes in bytes (suffixes k, m allowed: --fileBytes 2m), rates in bytes/s, lists comma-separated (--peers 1,10,100).',
    '--jobs N spreads the incentives runs over N processes through a run cache (--cache DIR, default a fresh',
    'temporary folder; a cache does not know the code, so give a fresh folder after changing it); same figures as one.',
  ];
  return lines.join('\n');
}

export function writeResult(dir: string, result: ExperimentResult, seconds: number): void {
  mkdirSync(dir, { recursive: true });
  for (const figure of result.figures) {
    writeFileSync(join(dir, `${figure.id}.svg`), renderSvg(figure));
    writeFileSync(join(dir, `${figure.id}.csv`), renderCsv(figure));
  }
  const md = [
    `# ${result.experiment}`,
    '',
    result.summary,
    '',
    ...result.figures.map((f) => `![${f.title}](${f.id}.svg)`),
    '',
    `Parameters: \`${JSON.stringify(result.params)}\`. Wall time ${seconds.toFixed(1)} s.`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'summary.md'), md);
  writeFileSync(
    join(dir, 'summary.json'),
    JSON.stringify(
      {
        experiment: result.experiment,
        headline: result.headline,
        params: result.params,
        wallSeconds: seconds,
      },
      null,
      2,
    ) + '\n',
  );
}

/** The CLI's own options, taken out of `options` (what stays are the experiment's parameters). */
interface Settings {
  outRoot: string;
  small: boolean;
  jobs: number;
  /** A worker process: computes runs into the cache and writes nothing else. */
  worker: boolean;
  cacheDir: string | undefined;
}

function takeSettings(options: Record<string, string | true>): Settings {
  const outRoot = typeof options.out === 'string' ? options.out : join('lab', 'out');
  const small = options.small !== undefined;
  const jobs = typeof options.jobs === 'string' ? Number(options.jobs) : 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a positive integer`);
  const worker = options.worker !== undefined;
  const cacheDir =
    typeof options.cache === 'string'
      ? options.cache
      : jobs > 1
        ? mkdtempSync(join(tmpdir(), 'lab-runs-'))
        : undefined;
  for (const key of ['out', 'small', 'jobs', 'worker', 'cache']) delete options[key];
  return { outRoot, small, jobs, worker, cacheDir };
}

type AnyExperiment = (typeof EXPERIMENTS)[number];
type Options = Record<string, string | true>;

/** A worker computes every task nobody has claimed yet, into the cache, and writes nothing else. */
function workOnTasks(
  list: readonly AnyExperiment[],
  small: boolean,
  options: Options,
  cache: RunCache | undefined,
) {
  for (const exp of list) {
    const params = applyOptions(small ? exp.small : exp.defaults, options);
    // Last first: the main process takes the first, and the largest runs come last.
    for (const task of [...(exp.tasks?.(params, { hash: sha1 }) ?? [])].reverse()) {
      if (cache && cache.claim(task.key)) cache.put(task.key, task.compute());
    }
  }
}

/** Starts `jobs - 1` worker processes of this same command on the cache. */
function startWorkers(jobs: number, cacheDir: string): void {
  const args = process.argv.slice(2).filter((_, i, all) => all[i] !== '--jobs' && all[i - 1] !== '--jobs');
  for (let i = 1; i < jobs; i++) {
    spawn(
      process.execPath,
      [...process.execArgv, process.argv[1], ...args, '--worker', '--cache', cacheDir],
      {
        stdio: 'inherit',
      },
    );
  }
}

/** Runs one experiment, telling its progress, and writes its result into `outRoot/<name>`. */
function runOne(exp: AnyExperiment, settings: Settings, options: Options, memo: RunContext['memo']) {
  const params = applyOptions(settings.small ? exp.small : exp.defaults, options);
  const t0 = performance.now();
  console.log(`== ${exp.name}: ${exp.title}`);
  const result = exp.run(params, {
    hash: sha1,
    memo,
    progress: (_figures, note) =>
      console.log(`  ${note} (${((performance.now() - t0) / 1000).toFixed(1)} s)`),
  });
  const seconds = (performance.now() - t0) / 1000;
  const dir = join(settings.outRoot, exp.name);
  writeResult(dir, result, seconds);
  console.log(`  headline: ${JSON.stringify(result.headline)}`);
  console.log(`  wrote ${dir} in ${seconds.toFixed(1)} s`);
  return result;
}

/** `all`: every experiment's headline figures and summary in one summary.json and summary.md. */
function writeSummaries(
  outRoot: string,
  list: readonly AnyExperiment[],
  results: readonly ExperimentResult[],
) {
  const headlines: Record<string, unknown> = {};
  const summaries: string[] = [];
  list.forEach((exp, i) => {
    const result = results[i];
    headlines[exp.name] = result.headline;
    summaries.push(
      `## ${exp.title}\n\n${result.summary}\n\n${result.figures.map((f) => `![${f.title}](${exp.name}/${f.id}.svg)`).join('\n')}\n`,
    );
  });
  mkdirSync(outRoot, { recursive: true });
  writeFileSync(join(outRoot, 'summary.json'), JSON.stringify(headlines, null, 2) + '\n');
  writeFileSync(join(outRoot, 'summary.md'), `# Swarm lab: every experiment\n\n${summaries.join('\n')}`);
}

/** The run cache of `--cache` or `--jobs`, if any, and the memo the experiments ask. */
function runCache(cacheDir: string | undefined): { cache?: RunCache; memo?: RunContext['memo'] } {
  if (cacheDir === undefined) return {};
  const cache = new RunCache(cacheDir);
  return { cache, memo: (key, compute) => cache.memo(key, compute) };
}

function main(argv: string[]): number {
  const { positional, options } = parseArgs(argv);
  const name = positional[0];
  if (!name || name === 'help' || options.help !== undefined) {
    console.log(usage());
    return name ? 0 : 1; // no experiment named: usage, and a failure
  }
  const settings = takeSettings(options);
  const list = name === 'all' ? EXPERIMENTS : [experiment(name)];
  const { cache, memo } = runCache(settings.cacheDir);
  if (settings.worker) {
    workOnTasks(list, settings.small, options, cache);
    return 0;
  }
  if (settings.jobs > 1) startWorkers(settings.jobs, settings.cacheDir!);
  if (name === 'all' && Object.keys(options).length > 0)
    throw new Error('options other than --out and --small apply to one experiment');
  const start = performance.now();
  const results = list.map((exp) => runOne(exp, settings, options, memo));
  if (name === 'all') {
    writeSummaries(settings.outRoot, list, results);
    console.log(`all done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
