// SHA-256 in the worker: bench.html's worker hashes a v2 tree's 64-byte inner nodes and 16 KiB leaves
// through SubtleCrypto and through @noble/hashes (web/src/bench/sha256.ts). Each figure is the side the app uses
// against the other (web/src/lib/hash.ts): a figure whose goal is not met says to flip INNER_NODE_HASH.
import { loadavg } from 'node:os';
import { atLeast, atMost, figure, type Bench } from '../lib/figure';
import { benchPage, type BenchPage } from '../lib/app';
import { INNER_NODE_HASH } from '../../web/src/lib/hash';
import { totalCpu, watchCpu } from '../lib/processes';

type LeafSide = 'subtleLeaves' | 'wasmLeaves' | 'nobleLeaves';

/** The browser's CPU milliseconds per MB of leaves for each side, the least of `rounds` runs alone, sides alternating. */
async function leafCpu(
  page: BenchPage,
  request: { leaves: number; blocks: number; rounds: number },
  sides: LeafSide[],
): Promise<Record<string, number>> {
  const repeat = 8;
  const MB = (request.blocks * 16384 * repeat) / 1e6;
  // A first run of each side: the worker makes its random blocks and compiles what it needs.
  for (const only of sides) await page.run({ ...request, only });
  const least: Record<string, number> = {};
  for (let r = 0; r < request.rounds; r++) {
    for (const only of r % 2 === 0 ? sides : [...sides].reverse()) {
      const cpu = watchCpu(page.profileDir);
      await page.run({ ...request, only, repeat });
      const perMB = (totalCpu(cpu.stop()) * 1000) / MB;
      least[only] = Math.min(least[only] ?? Infinity, perMB);
    }
  }
  return least;
}

export const sha256Bench: Bench = {
  name: 'sha256',
  figures: 'SHA-256 in the worker',
  async run(context) {
    const tiny = context.flags.has('--tiny');
    // A 1 GiB file's tree (65 536 leaves), 64 MiB of leaves; --tiny: a smoke run.
    const request = {
      type: 'sha256',
      leaves: tiny ? 1024 : 65_536,
      blocks: tiny ? 64 : 4096,
      rounds: tiny ? 1 : 6,
    };
    const page = await benchPage(context);
    try {
      const loadBefore = loadavg()[0];
      const result = await page.run(request);
      const cpu = await leafCpu(page, request, ['subtleLeaves', 'wasmLeaves']);
      const load = `1-minute load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`;
      context.log(
        `  sha256: ${JSON.stringify(result)}; CPU ms per MB of leaves ${JSON.stringify(cpu)}; ${load}`,
      );

      const nodes = { subtle: result.subtleNodes, noble: result.nobleNodes, wasm: result.wasmNodes };
      const names = { subtle: 'SubtleCrypto', noble: '@noble/hashes', wasm: 'hash-wasm' };
      const other = INNER_NODE_HASH === 'noble' ? 'subtle' : 'noble';
      return [
        figure(
          `sha256: merkle inner nodes (64 B), ${names[INNER_NODE_HASH]} (the app's choice)`,
          nodes[INNER_NODE_HASH],
          'nodes/s',
          { name: names[other], value: nodes[other] },
          atLeast(1),
          `the root of ${request.leaves} leaf hashes (a ${(request.leaves * 16) / 1024} MiB file), leaves through ` +
            `SubtleCrypto either way, best of ${request.rounds}; below 1x, flip INNER_NODE_HASH in ` +
            `web/src/lib/hash.ts; ${load}`,
        ),
        figure(
          "sha256: 16 KiB leaves, SubtleCrypto (the app's choice)",
          result.subtleLeaves,
          'MB/s',
          { name: '@noble/hashes', value: result.nobleLeaves },
          atLeast(1),
          `${(request.blocks * 16) / 1024} MiB of blocks, all asked at once as merkle.ts leafHashes does, best of ` +
            `${request.rounds}; SubtleCrypto ${result.subtleLeaves.toFixed(0)}, hash-wasm ` +
            `${result.wasmLeaves.toFixed(0)} MB/s; ${load}`,
        ),
        figure(
          "sha256: browser CPU per MB of 16 KiB leaves, SubtleCrypto (the app's choice)",
          cpu.subtleLeaves,
          'CPU ms/MB',
          { name: 'hash-wasm', value: cpu.wasmLeaves },
          atMost(1),
          `every process of the tab's Chromium (SubtleCrypto hashes on other threads than the worker's), least of ` +
            `${request.rounds} runs of 8 x ${(request.blocks * 16) / 1024} MiB alone; above 1x, the leaves would be cheaper in ` +
            `WebAssembly; ${load}`,
        ),
      ];
    } finally {
      await page.close();
    }
  },
};
