// `npm run bench` runs every benchmark; `npm run bench -- <name> [<name>...]` runs some. Prints a table and writes
// bench/results/<date>.json (<date>-<names>-<flags>.json for a selection). Flags: --heap-2g adds a 2 GiB download to
// the memory figure (about 5 more minutes); --profile logs where the two tabs of the transfer, and our tracker,
// spend their time; --trace logs the transfer tabs' Chromium traces by thread (WebRTC, IPC, compositor, worker) and
// by function; --peers-50k runs only the tracker at 50,000 peers on one process (about a minute); `tracker` --cluster
// runs only its cluster figures (one process in memory, then one and two processes on Redis; under a minute); --tiny runs
// `streams`, `uplinks`, `transfer`, `memory`, `sha256`, `share`, `block-checks` and `pacer` at smoke sizes;
// --memory-mib=N sets the size of the `memory` bench's download (4 GiB by default; it refuses a size the disk cannot
// hold); `streams` --playback runs its playback figures only, --limited only those with a limited seeder,
// --free only those without, --webm, --mp4, --fmp4 only those files (any of them), --log-reads logs the player's
// reads up to its first frame, --sessions=N and --limited-seeks=N set how many sessions of each client the first
// frames and seeks without a limit (5) and the seeks at 2.4 times the bitrate (3) take their medians over, and
// --limited-stalls=N how many sessions of each client play 30 s at 2.4 times the bitrate (1; the longest stall of any).
// `block-checks` --browser runs its real-tab figures only, not the simulated swarm. `wan` runs only when named (it needs
// root for the network emulator, and takes an hour or more): --wan-mib=N MiB (128) over each emulated path,
// --wan-runs=N times (1), --wan-paths=1,4 only the paths at those places (all), --wan-messages each tab's messages
// counted by type; with --tiny, 4 MiB over two paths. `wan-swarm` too runs only when named (root; a few
// minutes a run): one seed and 8 tabs, each in its own emulated node, --wan-swarm-mib=N MiB (64), --wan-swarm-runs=N
// runs (3), --wan-swarm-rate=P every rate at P % of the issue's (100); with --tiny, 4 MiB once. `lifecycle` runs only when named (root, about 35
// minutes): a seeding tab visible, hidden 6 minutes, frozen 60 s, over an emulated 50 ms, 20 Mbit/s path, 3 runs;
// --lifecycle-runs=N runs, --lifecycle-freeze=N seconds frozen (60), --lifecycle-page-channels keeps the seeder's
// channels on its page; --tiny, one short run.
// `wan-playback` runs only when named too (root, and about 15 minutes): the playback figures over 100 ms, 1 % loss,
// 40 Mbit/s against WebTorrent, --wan-playback-runs=N sessions of each client (7; --log-reads logs our player's
// reads, --log-transport with it what our seeder's channels held around the seek, --log-wire what each tab sent
// from it, by piece); with --tiny, 2 sessions each of a 10 s, 2 Mbit/s video. `keeper` runs only when named (10 to
// 15 minutes): a tracker's keeper seeding 256 MiB to a tab against a tab, --keeper-runs=N runs (3), then keeping a
// generated torrent of --keeper-large-mib=N MiB (4096) while its memory is sampled; with --tiny, 32 MiB once and a
// 64 MiB keep.
// `interop` runs only when named (a few minutes): 256 MiB from libtorrent 2.0.8 to the engine in Node and back over
// TCP on loopback, against libtorrent to libtorrent, 3 runs; --tiny, 16 MiB once.
// `--table [<result.json>...]` runs nothing: it prints the current figures (each from the latest whole run among the
// given result files, by default every file in bench/results/) as the Markdown table of docs/performance.md.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchContext, Figure } from './lib/figure';
import { commit, machine } from './lib/machine';
import { formatTable } from './lib/table';
import { currentFigures, formatCurrentTable, type RunFile } from './lib/current';
import { storeBench } from './browser/store';
import { swarmBench } from './browser/swarm';
import { transferBench } from './browser/transfer';
import { piecesBench } from './browser/pieces';
import { streamsBench } from './browser/streams';
import { trackerBench } from './tracker/tracker';
import { uplinksBench } from './browser/uplinks';
import { sha256Bench } from './browser/sha256';
import { shareBench } from './browser/share';
import { pacerBench } from './engine/pacer';
import { blockChecksBench } from './engine/block-checks';
import { memoryBench } from './browser/memory';
import { wanBench, wanRelayBench } from './browser/wan';
import { wanSwarmBench } from './browser/wan-swarm';
import { lifecycleBench } from './browser/lifecycle';
import { wanPlaybackBench } from './browser/wan-playback';
import { webseedBench } from './browser/webseed';
import { keeperBench } from './keeper/keeper';
import { interopBench } from './node/interop';

const BENCHES: Bench[] = [
  trackerBench,
  storeBench,
  transferBench,
  swarmBench,
  uplinksBench,
  memoryBench,
  piecesBench,
  streamsBench,
  sha256Bench,
  shareBench,
  blockChecksBench,
  pacerBench,
  wanBench,
  wanRelayBench,
  wanSwarmBench,
  lifecycleBench,
  wanPlaybackBench,
  webseedBench,
  keeperBench,
  interopBench,
];

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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((arg) => arg.startsWith('--')));
  const names = args.filter((arg) => !arg.startsWith('--'));
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
