// `npm run lab -- <experiment|all> [--out DIR] [--seed N] [--<param> value ...]`
// Runs experiments in Node with real SHA-1 and writes, per experiment, a CSV and an SVG per figure, summary.md and
// summary.json into DIR/<experiment> (default lab/out/<experiment>).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCsv, renderSvg } from './chart';
import { EXPERIMENTS, experiment } from './experiments/index';
import type { ExperimentResult } from './experiments/types';
import { applyOptions, parseArgs } from './options';

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

function main(argv: string[]): number {
  const { positional, options } = parseArgs(argv);
  const name = positional[0];
  if (!name || name === 'help' || options.help !== undefined) {
    console.log(usage());
    return name ? 0 : 1; // no experiment named: usage, and a failure
  }
  const outRoot = typeof options.out === 'string' ? options.out : join('lab', 'out');
  const small = options.small !== undefined;
  delete options.out;
  delete options.small;
  const list = name === 'all' ? EXPERIMENTS : [experiment(name)];
  if (name === 'all' && Object.keys(options).length > 0)
    throw new Error('options other than --out and --small apply to one experiment');
  const headlines: Record<string, unknown> = {};
  const summaries: string[] = [];
  const start = performance.now();
  for (const exp of list) {
    const params = applyOptions(small ? exp.small : exp.defaults, options);
    const t0 = performance.now();
    console.log(`== ${exp.name}: ${exp.title}`);
    const result = exp.run(params, {
      hash: sha1,
      progress: (_figures, note) =>
        console.log(`  ${note} (${((performance.now() - t0) / 1000).toFixed(1)} s)`),
    });
    const seconds = (performance.now() - t0) / 1000;
    const dir = join(outRoot, exp.name);
    writeResult(dir, result, seconds);
    headlines[exp.name] = result.headline;
    summaries.push(
      `## ${exp.title}\n\n${result.summary}\n\n${result.figures.map((f) => `![${f.title}](${exp.name}/${f.id}.svg)`).join('\n')}\n`,
    );
    console.log(`  headline: ${JSON.stringify(result.headline)}`);
    console.log(`  wrote ${dir} in ${seconds.toFixed(1)} s`);
  }
  if (name === 'all') {
    mkdirSync(outRoot, { recursive: true });
    writeFileSync(join(outRoot, 'summary.json'), JSON.stringify(headlines, null, 2) + '\n');
    writeFileSync(join(outRoot, 'summary.md'), `# Swarm lab: every experiment\n\n${summaries.join('\n')}`);
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
