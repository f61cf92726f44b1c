// SHA-256 in the worker (issue 26): bench.html's worker hashes a v2 tree's 64-byte inner nodes and 16 KiB leaves
// through SubtleCrypto and through @noble/hashes (web/src/bench/sha256.ts). Each figure is the side the app uses
// against the other (web/src/lib/sha256.ts): a figure whose goal is not met says to flip INNER_NODE_HASH.
import { loadavg } from 'node:os';
import { atLeast, figure, type Bench } from '../lib/figure';
import { benchPage } from '../lib/app';
import { INNER_NODE_HASH } from '../../web/src/lib/sha256';

export const sha256Bench: Bench = {
  name: 'sha256',
  figures: 'issue 26 (SHA-256 in the worker)',
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
      const load = `1-minute load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`;
      context.log(`  sha256: ${JSON.stringify(result)}; ${load}`);
      const noble = INNER_NODE_HASH === 'noble';
      const nodes = { subtle: result.subtleNodes, noble: result.nobleNodes };
      const names = { subtle: 'SubtleCrypto', noble: '@noble/hashes' };
      const other = noble ? 'subtle' : 'noble';
      return [
        figure(
          `sha256: merkle inner nodes (64 B), ${names[INNER_NODE_HASH]} (the app's choice)`,
          nodes[INNER_NODE_HASH],
          'nodes/s',
          { name: names[other], value: nodes[other] },
          atLeast(1),
          `the root of ${request.leaves} leaf hashes (a ${(request.leaves * 16) / 1024} MiB file), leaves through ` +
            `SubtleCrypto either way, best of ${request.rounds}; below 1x, flip INNER_NODE_HASH in ` +
            `web/src/lib/sha256.ts; ${load}`,
        ),
        figure(
          "sha256: 16 KiB leaves, SubtleCrypto (the app's choice)",
          result.subtleLeaves,
          'MB/s',
          { name: '@noble/hashes', value: result.nobleLeaves },
          atLeast(1),
          `${(request.blocks * 16) / 1024} MiB of blocks, all asked at once as merkle.ts leafHashes does, best of ` +
            `${request.rounds}; ${load}`,
        ),
      ];
    } finally {
      await page.close();
    }
  },
};
