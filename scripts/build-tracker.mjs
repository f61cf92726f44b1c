// Bundles signal-tracker (and the shared/ code it imports) into one ES module that `node signal-tracker` runs.
// An optional argument names another output file (the tests build into a temporary folder). The keeper's process
// (forked by the tracker with --keep-dir) is bundled beside it as keeper.js.
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const outfile = process.argv[2] ?? 'signal-tracker/dist/main.js';
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['signal-tracker/src/main.ts'], outfile });
await build({
  ...common,
  entryPoints: ['signal-tracker/src/keeper/keeper-process.ts'],
  outfile: join(dirname(outfile), 'keeper.js'),
});
